"""Back office of participation, for site admins: set up processes with their phases,
budgets with their projects, surveys, panels, assemblies and results. Ballots,
"has voted" rows, survey responses and census rows are deliberately absent: nobody
reads or changes them by hand."""

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    Assembly,
    AssemblyMeeting,
    Budget,
    BudgetProject,
    Phase,
    Process,
    Proposal,
    Question,
    Result,
    Sortition,
    Survey,
    Volunteer,
)
from .services_manage import BALLOT_FIELDS


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ["title", "city", "who_may_take_part", "is_published"]
    list_filter = ["city", "is_published"]
    search_fields = ["title", "slug"]
    filter_horizontal = ["districts", "areas"]
    inlines = [PhaseInline]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "process", "state", "support_count", "hidden_at"]
    list_filter = ["state", "process__city"]
    search_fields = ["title"]
    readonly_fields = ["support_count", "author"]


class ProjectInline(admin.TabularInline):
    model = BudgetProject
    extra = 0
    readonly_fields = ["votes", "funded", "why"]


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = ["title", "process", "amount", "rule", "tallied_at"]
    readonly_fields = ["tallied_at", "outcomes"]
    inlines = [ProjectInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Budget | None = None) -> list[str]:
        """Once anyone voted, what the ballots depend on is read-only, as on the
        coordinators' page (``services_manage.BALLOT_FIELDS``): changing who may vote
        would let the same person vote twice."""
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk and obj.ballots.exists():
            fields += [f.removesuffix("_id") for f in BALLOT_FIELDS]
        return fields


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "process", "is_open"]
    inlines = [QuestionInline]


class VolunteerInline(admin.TabularInline):
    model = Volunteer
    extra = 0
    readonly_fields = ["probability", "selected"]
    raw_id_fields = ["user"]


@admin.register(Sortition)
class SortitionAdmin(admin.ModelAdmin):
    list_display = ["title", "city", "panel_size", "seed", "drawn_at"]
    readonly_fields = ["seed", "drawn_at"]
    inlines = [VolunteerInline]


class MeetingInline(admin.StackedInline):
    model = AssemblyMeeting
    extra = 0
    raw_id_fields = ["session"]


@admin.register(Assembly)
class AssemblyAdmin(admin.ModelAdmin):
    list_display = ["name", "city"]
    filter_horizontal = ["members"]
    inlines = [MeetingInline]


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ["title", "process", "status", "progress"]
    filter_horizontal = ["indicators"]
    raw_id_fields = ["proposal", "project"]
