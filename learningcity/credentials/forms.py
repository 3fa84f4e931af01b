from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Achievement, HolderChoice
from .vocabulary import GROUPS


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=_("Credential file (JSON)"),
        required=False,
        help_text=_("The .json file you were given. It is checked here and not kept."),
    )
    text = forms.CharField(
        label=_("Or paste the credential"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "dir": "ltr"}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Choose a credential file or paste its text."))
        return data


class HolderChoiceForm(forms.ModelForm):
    group = forms.ChoiceField(
        label=_("Group (optional, counted in the city's figures without your name)"),
        choices=[("", _("I prefer not to say")), *GROUPS],
        required=False,
    )

    class Meta:
        model = HolderChoice
        fields = ["show_name", "group"]


class AchievementForm(forms.ModelForm):
    class Meta:
        model = Achievement
        fields = [
            "provider",
            "name",
            "description",
            "criteria",
            "basis",
            "opportunity",
            "attendance_threshold",
            "unit",
            "qualification",
            "valid_months",
        ]

    def __init__(self, *args, providers, opportunities, units, qualifications, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["opportunity"].queryset = opportunities
        self.fields["unit"].queryset = units
        self.fields["qualification"].queryset = qualifications

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        opportunity = data.get("opportunity")
        provider = data.get("provider")
        if data.get("basis") == Achievement.Basis.ATTENDANCE and opportunity is None:
            self.add_error("opportunity", _("A badge awarded on attendance needs its course."))
        if (
            opportunity is not None
            and provider is not None
            and opportunity.provider_id != provider.pk
        ):
            self.add_error("opportunity", _("Choose a course of this provider."))
        return data


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ResultForm(forms.Form):
    email = forms.EmailField(label=_("Learner's e-mail address"))
    passed = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("1", _("Passed")), ("0", _("Not passed"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
