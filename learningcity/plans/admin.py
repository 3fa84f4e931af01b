from django.contrib import admin

from .models import Action, ActionUpdate, Goal, Plan, PlanVersion, Target


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "city", "start_year", "end_year"]


@admin.register(PlanVersion)
class PlanVersionAdmin(admin.ModelAdmin):
    list_display = ["plan", "number", "published_at"]
    readonly_fields = ["plan", "number", "snapshot", "published_at", "published_by"]


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "area"]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "status", "update_due"]
    list_filter = ["status"]
    raw_id_fields = ["provider", "goal"]


@admin.register(ActionUpdate)
class ActionUpdateAdmin(admin.ModelAdmin):
    list_display = ["action", "status", "created_at"]
    raw_id_fields = ["action"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["goal", "indicator", "target_year", "target_value"]
    raw_id_fields = ["goal", "indicator"]
