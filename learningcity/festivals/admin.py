"""Back-office views of festivals, for site admins (day-to-day work happens on the
coordinators' pages, whose services keep the programme right)."""

from django.contrib import admin

from .models import Entry, Festival


@admin.register(Festival)
class FestivalAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "starts_on", "ends_on", "status"]
    list_filter = ["city", "status"]
    search_fields = ["name", "slug"]


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["festival", "opportunity", "provider", "status", "submitted_at"]
    list_filter = ["status"]
    readonly_fields = [field.name for field in Entry._meta.fields]
