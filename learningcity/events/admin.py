"""Back-office views of the award and conferences, for site admins: setting up a
conference (its categories, extra questions, rooms, speakers, staff and drafting
committee). Day-to-day work happens on the app's pages, whose services keep the
rules; dossiers, scores and registrations are read-only here (jurors' scores are
never edited behind the jury's back)."""

from django.contrib import admin

from .models import (
    AwardApplication,
    AwardCycle,
    Conference,
    JuryAssignment,
    Manifesto,
    Registration,
    RegistrationCategory,
    Room,
    Speaker,
)


@admin.register(AwardCycle)
class AwardCycleAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "phase", "closes_on"]
    list_filter = ["phase"]


@admin.register(AwardApplication)
class AwardApplicationAdmin(admin.ModelAdmin):
    list_display = ["city", "cycle", "status", "submitted_at"]
    list_filter = ["cycle", "status"]
    readonly_fields = [field.name for field in AwardApplication._meta.fields]


@admin.register(JuryAssignment)
class JuryAssignmentAdmin(admin.ModelAdmin):
    list_display = ["application", "juror", "scored_at"]
    readonly_fields = [field.name for field in JuryAssignment._meta.fields]


class CategoryInline(admin.TabularInline):
    model = RegistrationCategory
    extra = 0


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0


class SpeakerInline(admin.TabularInline):
    model = Speaker
    extra = 0


@admin.register(Conference)
class ConferenceAdmin(admin.ModelAdmin):
    list_display = ["title", "city", "starts_on", "capacity"]
    search_fields = ["title", "slug"]
    filter_horizontal = ["staff"]
    inlines = [CategoryInline, RoomInline, SpeakerInline]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["full_name", "conference", "category", "checked_in_at"]
    list_filter = ["conference", "category"]
    search_fields = ["full_name", "organisation", "badge_code"]
    readonly_fields = [field.name for field in Registration._meta.fields]


@admin.register(Manifesto)
class ManifestoAdmin(admin.ModelAdmin):
    list_display = ["title", "conference", "status"]
    filter_horizontal = ["committee"]
