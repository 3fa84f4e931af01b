"""Back-office views of monitoring data (the app's own pages are the main way in)."""

from django.contrib import admin

from .models import Framework, FrameworkNode, IndexRun, IndicatorValue


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "city", "base", "is_default"]
    list_filter = ["is_default"]
    search_fields = ["name", "slug"]


@admin.register(FrameworkNode)
class FrameworkNodeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "framework", "type", "level", "derived"]
    list_filter = ["framework", "type", "level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ["city", "indicator", "year", "value", "status", "entered_at"]
    list_filter = ["status", "year", "city"]
    raw_id_fields = ["indicator", "entered_by", "validated_by"]


@admin.register(IndexRun)
class IndexRunAdmin(admin.ModelAdmin):
    list_display = ["public_id", "framework", "status", "progress", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["public_id", "inputs", "problems", "notes"]
