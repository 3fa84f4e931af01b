"""Forms of the festivals app: what people type, checked before any service runs."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from learningcity.catalogue.models import Opportunity, Session
from learningcity.core.dates import format_when

from .models import Festival, FestivalStatus
from .services import FESTIVAL_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise forms.ValidationError(_("This text contains a character that cannot be saved."))
    return value


class FestivalForm(forms.ModelForm):
    class Meta:
        model = Festival
        fields = list(FESTIVAL_FIELDS)
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "submissions_open_on": DateInput(),
            "submissions_close_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "slug": _("Used in the address: lowercase letters, numbers and hyphens."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = FestivalStatus.choices  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        return _no_nul(self.cleaned_data["name"])

    def clean_description(self) -> str:
        return _no_nul(self.cleaned_data["description"])

    def validate_unique(self) -> None:
        """The service checks the address name within the city (the form has no city)."""


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("reject", _("Do not accept"))],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Reason (sent to the provider)"), max_length=500, required=False
    )

    def clean_reason(self) -> str:
        return _no_nul(self.cleaned_data["reason"])


class SessionChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Session) -> str:  # type: ignore[override]
        text = format_when(obj.starts_at.astimezone(obj.opportunity.city.tzinfo), "medium")
        if obj.recurrence:
            return str(_("%(date)s, repeating")) % {"date": text}
        return text


class SubmissionForm(forms.Form):
    """Step one picks an opportunity (a GET form); step two its sessions (POST)."""

    opportunity = forms.ModelChoiceField(
        queryset=Opportunity.objects.none(),
        label=_("Your opportunity"),
        to_field_name="slug",
        error_messages={
            "invalid_choice": _("Choose one of your own published opportunities."),
        },
    )
    sessions = SessionChoice(
        queryset=Session.objects.none(),
        label=_("Sessions during the festival"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Only the dates during the festival are listed in its programme."),
    )
    note = forms.CharField(
        label=_("Note for the city"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, opportunities: Any, sessions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["opportunity"]
        field.queryset = opportunities  # type: ignore[attr-defined]
        self.fields["sessions"].queryset = (  # type: ignore[attr-defined]
            sessions if sessions is not None else Session.objects.none()
        )

    def clean_note(self) -> str:
        return _no_nul(self.cleaned_data["note"])
