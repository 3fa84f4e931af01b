"""Forms of the plan pages. Field checks live in the services (one set of rules for
every caller); the forms only offer the choices of the city and convert input."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from learningcity.catalogue.models import Provider
from learningcity.core.models import City
from learningcity.core.tenancy import for_city
from learningcity.monitoring.models import FrameworkNode

from .frameworks import city_choices
from .models import Action, ActionStatus, Goal, Plan, Target
from .services import ACTION_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class NodeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: FrameworkNode) -> str:  # type: ignore[override]
        return f"{obj.code} · {obj.label}"


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["title", "vision", "start_year", "end_year", "currency"]
        widgets = {"vision": forms.Textarea(attrs={"rows": 6})}

    def _post_clean(self) -> None:
        pass  # the services check the plan (with the messages people see)


class GoalForm(forms.ModelForm):
    area = NodeChoiceField(
        label=_("Area of focus"),
        queryset=FrameworkNode.objects.none(),
        help_text=_("The Key Feature of Learning Cities this goal works towards."),
        error_messages={"invalid_choice": _("Choose one of the areas of focus in the list.")},
    )

    class Meta:
        model = Goal
        fields = ["area", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, city: City, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = city_choices(city).areas
        self.fields["area"].queryset = FrameworkNode.objects.filter(  # type: ignore[attr-defined]
            pk__in=[area.pk for area in areas]
        ).order_by("position", "id")


class ProviderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Provider) -> str:  # type: ignore[override]
        return obj.name


class ActionForm(forms.ModelForm):
    provider = ProviderChoiceField(
        label=_("Responsible provider"),
        queryset=Provider.objects.none(),
        required=False,
        help_text=_("Its staff post the progress updates and get the reminders."),
        error_messages={
            "invalid_choice": _(
                "This provider works in another city. Choose one of this city's providers."
            )
        },
    )

    class Meta:
        model = Action
        fields = list(ACTION_FIELDS)  # what save_action writes, and only that
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "start_date": DateInput(),
            "end_date": DateInput(),
            "update_due": DateInput(),
            "budget": forms.NumberInput(attrs={"step": "0.01"}),
        }
        help_texts = {"currency": _("Empty for the plan's usual currency.")}

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["goal"].queryset = plan.goals.all()  # type: ignore[attr-defined]
        self.fields["goal"].error_messages["invalid_choice"] = _("Choose one of this plan's goals.")
        self.fields["provider"].queryset = for_city(Provider, plan.city).only(  # type: ignore[attr-defined]
            "id", "name", "city_id"
        )
        self.fields["currency"].required = False

    def _post_clean(self) -> None:
        # The services check the whole action (with the messages people see); the
        # model's own validation would only repeat them less clearly.
        pass


class TargetForm(forms.ModelForm):
    indicator = NodeChoiceField(
        label=_("Indicator"),
        queryset=FrameworkNode.objects.none(),
        help_text=_("Whether higher or lower is better comes from the indicator."),
        error_messages={
            "invalid_choice": _(
                "Choose an indicator of this goal's area of focus that the city reports."
            )
        },
    )

    class Meta:
        model = Target
        fields = ["indicator", "baseline_year", "baseline_value", "target_year", "target_value"]

    def __init__(self, *args: Any, goal: Goal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        indicators = city_choices(goal.plan.city).indicators.get(goal.area_id, [])
        self.fields["indicator"].queryset = FrameworkNode.objects.filter(  # type: ignore[attr-defined]
            pk__in=[node.pk for node in indicators]
        ).order_by("position", "id")
        # Required in the services, with messages that say why.
        for name in ("baseline_year", "baseline_value", "target_year", "target_value"):
            self.fields[name].required = False

    def _post_clean(self) -> None:
        pass


class UpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status now"), choices=ActionStatus.choices)
    note = forms.CharField(
        label=_("What happened"),
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("A sentence or two: what was done, what is late and why. Shown publicly."),
    )
    evidence_url = forms.URLField(
        label=_("Link to evidence"),
        required=False,
        assume_scheme="https",
        help_text=_("A web page, report or photo album showing the work."),
    )
    evidence_file = forms.FileField(
        label=_("Or a file"),
        required=False,
        help_text=_("PDF, image or office document, at most 5 MB."),
    )


class PublishForm(forms.Form):
    note = forms.CharField(
        label=_("What changed, in a sentence"),
        max_length=500,
        required=False,
        help_text=_("Shown beside the version on the public page."),
    )


class ConfirmForm(forms.Form):
    """A POST with a CSRF token: deleting needs a deliberate second click."""
