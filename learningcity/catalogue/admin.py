"""Back-office views of the catalogue, for site admins. Day-to-day work happens in the
provider workspace, whose services keep seats and the waiting list right; enrolments
are therefore read-only here."""

from django.contrib import admin

from .models import (
    Enrolment,
    ImportJob,
    LearningSite,
    Opportunity,
    Provider,
    ProviderMembership,
    Session,
)


class MembershipInline(admin.TabularInline):
    model = ProviderMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "sector", "is_verified"]
    list_filter = ["city", "sector", "is_verified"]
    search_fields = ["name", "slug"]
    inlines = [MembershipInline]


@admin.register(LearningSite)
class LearningSiteAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "kind", "provider"]
    list_filter = ["city", "kind"]
    search_fields = ["name", "slug", "address"]


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ["starts_at", "ends_at", "recurrence", "capacity", "site", "is_cancelled"]


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ["title", "city", "provider", "level", "format", "is_published", "next_start"]
    list_filter = ["city", "level", "format", "is_published"]
    search_fields = ["title", "slug"]
    inlines = [SessionInline]


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["public_id", "session", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["session__opportunity", "user"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["file_name", "city", "provider", "status", "total", "created_at"]
    list_filter = ["status"]
    exclude = ["data"]
    readonly_fields = ["errors"]
