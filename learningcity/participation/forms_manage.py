"""Forms of the coordinators' workspace. They offer the city's choices and convert what
was typed; ``services_manage`` checks it all (one set of rules, with the messages
people see). Rows (phases, projects, questions) are model formsets whose forms become
the services' row dicts through ``formset_rows``."""

from typing import Any

from django import forms
from django.db.models import Q
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils.translation import gettext_lazy as _

from learningcity.core.models import City, District
from learningcity.core.tenancy import for_city
from learningcity.monitoring import queries
from learningcity.monitoring.models import FrameworkNode, NodeType

from .models import (
    Budget,
    BudgetProject,
    Phase,
    Process,
    Proposal,
    ProposalState,
    Question,
    Result,
    Survey,
)
from .services_manage import AREA_OF_FOCUS_LEVEL


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class NodeMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: FrameworkNode) -> str:  # type: ignore[override]
        return f"{obj.code} · {obj.label}"


class ServiceChecked:
    """The services check the rows (with the messages people see): the model's own
    validation would only repeat them less clearly."""

    def _post_clean(self) -> None:
        pass

    def validate_unique(self) -> None:
        pass


def framework_nodes(city: City, node_type: str, level: int | None = None) -> Any:
    """Rows of the default (KFLC) framework as the city uses it (with its local
    indicators when it extends it), of ``node_type`` and ``level``."""
    framework = queries.default_framework()
    if framework is None:
        return FrameworkNode.objects.none()
    effective = queries.extension_of(city, framework) or framework
    chosen = [
        node.pk
        for node in queries.effective_nodes(effective)
        if node.type == node_type and (level is None or node.level == level)
    ]
    return (
        FrameworkNode.objects.filter(pk__in=chosen)
        .select_related("framework")
        .order_by("framework_id", "position", "id")
    )


def _districts(city: City) -> Any:
    return for_city(District, city).order_by("name")


class ProcessForm(ServiceChecked, forms.ModelForm):  # type: ignore[misc]
    areas = NodeMultipleChoiceField(
        label=_("KFLC areas of focus"),
        queryset=FrameworkNode.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Process
        fields = [
            "title",
            "slug",
            "summary",
            "description",
            "districts",
            "areas",
            "support_threshold",
            "who_may_take_part",
            "min_age",
            "is_published",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "districts": forms.CheckboxSelectMultiple,
        }
        labels = {"slug": _("Address name")}
        help_texts = {
            "slug": _("Used in the address: lowercase letters, numbers and hyphens."),
            "description": _(
                "Markdown: lists, links and headings are kept, other HTML is removed."
            ),
            "districts": _("None chosen: the whole city."),
            "support_threshold": _(
                "A proposal with this many supports goes to the city for an answer."
            ),
            "is_published": _("Unpublished processes are seen only by coordinators."),
        }

    def __init__(self, *args: Any, city: City, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["districts"].queryset = _districts(city)  # type: ignore[attr-defined]
        self.fields["areas"].queryset = framework_nodes(  # type: ignore[attr-defined]
            city, NodeType.AGGREGATE, AREA_OF_FOCUS_LEVEL
        )


class PhaseForm(ServiceChecked, forms.ModelForm):  # type: ignore[misc]
    class Meta:
        model = Phase
        fields = [
            "name",
            "starts_on",
            "ends_on",
            "proposals_open",
            "supports_open",
            "debates_open",
            "voting_open",
            "shows_results",
        ]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}


PhaseFormSet = modelformset_factory(Phase, form=PhaseForm, extra=2, can_delete=True)


class BudgetForm(ServiceChecked, forms.ModelForm):  # type: ignore[misc]
    class Meta:
        model = Budget
        fields = [
            "title",
            "slug",
            "description",
            "amount",
            "currency",
            "district",
            "ballot_kind",
            "max_choices",
            "rule",
            "who_may_vote",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        labels = {"slug": _("Address name")}
        help_texts = {
            "slug": _("Used in the address: lowercase letters, numbers and hyphens."),
            "max_choices": _("Only when residents choose up to a number of projects."),
            "currency": _("Three-letter code, such as EUR."),
            "who_may_vote": _(
                "With e-mail confirmation, people who are not signed in may also vote, once "
                "per e-mail address. It cannot change once someone has voted."
            ),
        }

    def __init__(self, *args: Any, city: City, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = _districts(city)  # type: ignore[attr-defined]
        self.fields["district"].empty_label = _("The whole city")  # type: ignore[attr-defined]
        # Left out of a post, it stays as it is (services_manage._check_budget).
        self.fields["who_may_vote"].required = False


class ProjectForm(ServiceChecked, forms.ModelForm):  # type: ignore[misc]
    class Meta:
        model = BudgetProject
        fields = ["code", "title", "description", "cost", "district", "proposal"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        labels = {"district": _("District"), "proposal": _("From the proposal")}

    def __init__(self, *args: Any, city: City, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = _districts(city)  # type: ignore[attr-defined]
        self.fields["district"].empty_label = _("The whole city")  # type: ignore[attr-defined]
        self.fields["proposal"].queryset = Proposal.objects.filter(  # type: ignore[attr-defined]
            process=process, hidden_at=None
        ).order_by("title")
        self.fields["proposal"].empty_label = _("None")  # type: ignore[attr-defined]


ProjectFormSet = modelformset_factory(BudgetProject, form=ProjectForm, extra=3, can_delete=True)


class PbUploadForm(forms.Form):
    slug = forms.SlugField(
        label=_("Short name for the budget's address"),
        max_length=80,
        help_text=_("Lowercase letters, numbers and hyphens."),
    )
    file = forms.FileField(
        label=_("Pabulib file (.pb)"),
        help_text=_(
            "Approval ballots in the pabulib format. A faulty file saves nothing: the "
            "page says which line to change."
        ),
    )


class ResultForm(ServiceChecked, forms.ModelForm):  # type: ignore[misc]
    indicators = NodeMultipleChoiceField(
        label=_("Monitoring indicators it should move"),
        queryset=FrameworkNode.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Result
        fields = ["title", "proposal", "project", "status", "progress", "note", "indicators"]
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}
        labels = {
            "proposal": _("Accepted proposal"),
            "project": _("Funded project"),
        }

    def __init__(self, *args: Any, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        accepted = Q(state=ProposalState.ACCEPTED)
        funded = Q(funded=True)
        if self.instance.pk:  # keep what is linked already, even if it changed since
            accepted |= Q(pk=self.instance.proposal_id or 0)
            funded |= Q(pk=self.instance.project_id or 0)
        self.fields["proposal"].queryset = Proposal.objects.filter(  # type: ignore[attr-defined]
            accepted, process=process
        ).order_by("title")
        self.fields["project"].queryset = (  # type: ignore[attr-defined]
            BudgetProject.objects.filter(funded, budget__process=process)
            .select_related("budget")
            .order_by("budget__title", "code")
        )
        self.fields["proposal"].empty_label = _("None")  # type: ignore[attr-defined]
        self.fields["project"].empty_label = _("None")  # type: ignore[attr-defined]
        self.fields["indicators"].queryset = framework_nodes(  # type: ignore[attr-defined]
            process.city, NodeType.INDICATOR
        )


class SurveyForm(ServiceChecked, forms.ModelForm):  # type: ignore[misc]
    class Meta:
        model = Survey
        fields = ["title", "slug", "description", "is_open"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        labels = {"slug": _("Address name")}
        help_texts = {"slug": _("Used in the address: lowercase letters, numbers and hyphens.")}


class QuestionForm(ServiceChecked, forms.ModelForm):  # type: ignore[misc]
    options = forms.CharField(
        label=_("Choices, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only for “One choice” and “Several choices”."),
    )

    class Meta:
        model = Question
        fields = ["text", "kind", "options", "required"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["options"] = "\n".join(self.instance.options or [])

    def has_changed(self) -> bool:
        """A new row counts as filled in once it has a question or choices (the ticked
        "required" box alone does not make it one)."""
        if self.instance.pk:
            return super().has_changed()
        return any(str(self[name].value() or "").strip() for name in ("text", "options"))


QuestionFormSet = modelformset_factory(Question, form=QuestionForm, extra=3, can_delete=True)


def formset_rows(formset: "BaseModelFormSet[Any, Any]") -> list[dict[str, Any]]:
    """The rows for a service: each filled or stored form's values with ``id``,
    ``delete`` and ``row`` (the form's number, for error keys). Blank new forms are
    left out."""
    rows = []
    for number, form in enumerate(formset.forms):
        data = getattr(form, "cleaned_data", {})
        # The posted id, as chosen: the service refuses one that is not the parent's.
        chosen = data.get("id")
        pk = chosen.pk if chosen is not None else form.instance.pk
        if not pk and not form.has_changed():
            continue
        values = {key: value for key, value in data.items() if key not in ("id", "DELETE")}
        rows.append({**values, "id": pk, "delete": bool(data.get("DELETE")), "row": number})
    return rows
