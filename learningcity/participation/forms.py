"""Participation forms: they read and check what a person typed; services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from learningcity.core.models import City, District
from learningcity.monitoring.models import FrameworkNode

from .models import Alignment, EmailChoice, Process, ProposalState, ReportReason


def _districts(process: Process) -> Any:
    chosen = process.districts.all()
    return (
        chosen if chosen.exists() else District.objects.filter(city=process.city)
    ).select_related("city")


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    body = forms.CharField(
        label=_("What you propose"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Plain text; Markdown lists and links are kept, other HTML is removed."),
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("The whole city"),
    )
    area = forms.ModelChoiceField(
        label=_("Area of focus"),
        queryset=FrameworkNode.objects.none(),
        required=False,
        empty_label=_("None in particular"),
    )
    # Two number inputs work without JavaScript; with it, a map fills them on a click
    # (participation/pick_place.js). They are left-to-right on a right-to-left page too,
    # so a negative number shows its minus sign in front.
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal", "dir": "ltr"}),
        help_text=_("Degrees north of the equator (south is negative), for example 6.2518."),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal", "dir": "ltr"}),
        help_text=_("Degrees east of Greenwich (west is negative), for example -75.5636."),
    )

    def __init__(self, *args: Any, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = _districts(process)  # type: ignore[attr-defined]
        self.fields["area"].queryset = process.areas.all()  # type: ignore[attr-defined]
        if not process.areas.exists():
            del self.fields["area"]


class ProposalFilterForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=100)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Any state")), *ProposalState.choices],
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("Any district"),
        to_field_name="slug",
    )
    order = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("newest", _("Newest")), ("supports", _("Most supported"))],
    )

    def __init__(self, *args: Any, city: City, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(  # type: ignore[attr-defined]
            city=city
        ).select_related("city")


class AnswerForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        choices=[
            (ProposalState.EVALUATING, ProposalState.EVALUATING.label),
            (ProposalState.ACCEPTED, ProposalState.ACCEPTED.label),
            (ProposalState.REJECTED, ProposalState.REJECTED.label),
        ],
    )
    answer = forms.CharField(
        label=_("The city's answer"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DebateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    body = forms.CharField(
        label=_("What to discuss"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 6})
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    alignment = forms.TypedChoiceField(
        label=_("Your position"), coerce=int, choices=Alignment.choices, initial=0
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why do you report this?"), choices=ReportReason.choices)
    details = forms.CharField(label=_("Details (optional)"), required=False, max_length=500)


class ModerateForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class VerifyForm(forms.Form):
    identifier = forms.CharField(label=_("Your identity document number"), max_length=60)
    birth_year = forms.IntegerField(label=_("Your year of birth"), min_value=1890, max_value=2100)


class CensusForm(forms.Form):
    file = forms.FileField(
        label=_("Census file (CSV)"),
        help_text=_(
            "Columns identifier, birth_year, district (the district's short name). "
            "The file is read once and not kept; identifiers are stored only as keyed "
            "hashes."
        ),
    )


class PbImportForm(forms.Form):
    slug = forms.SlugField(label=_("Short name for the budget's address"), max_length=80)
    file = forms.FileField(label=_("Pabulib file (.pb)"))


class NotificationEmailForm(forms.Form):
    email = forms.ChoiceField(
        label=_("E-mails about what you follow"),
        choices=EmailChoice.choices,
        widget=forms.RadioSelect,
    )
