from django import forms
from django.utils.translation import gettext_lazy as _

from learningcity.engines.pathways import CEFR

from .models import Qualification, RecognitionApplication, Unit, UnitDecision
from .vocabulary import ISCED_LEVELS

LEVELS = [("", _("Level")), *[(level, level) for level in CEFR]]


class TargetField(forms.ModelChoiceField):
    """A qualification, named with the occupation it leads to: people look for a job
    as often as for a title."""

    def label_from_instance(self, obj: Qualification) -> str:  # type: ignore[override]
        return f"{obj.title} ({obj.occupation})" if obj.occupation else obj.title


class FindForm(forms.Form):
    qualification: forms.ModelChoiceField = TargetField(
        label=_("Where I want to go"), queryset=None, empty_label=_("Choose a qualification")
    )  # type: ignore[arg-type]
    language_1 = forms.CharField(
        label=_("A language I speak (code, e.g. ar, de, en)"), max_length=10, required=False
    )
    level_1 = forms.ChoiceField(label=_("My level in it (CEFR)"), choices=LEVELS, required=False)
    language_2 = forms.CharField(label=_("Another language I speak"), max_length=10, required=False)
    level_2 = forms.ChoiceField(label=_("My level in it (CEFR)"), choices=LEVELS, required=False)
    budget = forms.DecimalField(
        label=_("Most I can pay in all (optional)"),
        min_value=0,
        max_digits=8,
        decimal_places=2,
        required=False,
    )

    def __init__(self, *args, qualifications, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["qualification"].queryset = qualifications  # type: ignore[attr-defined]

    def languages(self) -> dict[str, str]:
        spoken = {}
        for number in (1, 2):
            code = (self.cleaned_data.get(f"language_{number}") or "").strip().lower()
            if code:
                spoken[code] = self.cleaned_data.get(f"level_{number}") or "C2"
        return spoken


class SavePlanForm(forms.Form):
    email = forms.EmailField(label=_("The person's e-mail address"))
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )


class ApplyForm(forms.ModelForm):
    foreign_isced_level = forms.TypedChoiceField(
        label=_("its level (ISCED 2011)"),
        choices=[("", _("Not known")), *ISCED_LEVELS],
        coerce=int,
        empty_value=None,
        required=False,
    )

    class Meta:
        model = RecognitionApplication
        fields = [
            "qualification",
            "statement",
            "foreign_title",
            "foreign_country",
            "foreign_isced_level",
        ]
        help_texts = {"foreign_country": _("Two-letter code, e.g. SY, UA, AF.")}

    def __init__(self, *args, qualifications, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["qualification"].queryset = qualifications  # type: ignore[attr-defined]

    def clean_foreign_country(self) -> str:
        value = (self.cleaned_data.get("foreign_country") or "").strip().upper()
        if value and not (len(value) == 2 and value.isalpha()):
            raise forms.ValidationError(_("Give the country as a two-letter code."))
        return value


class DecisionForm(forms.Form):
    unit = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=UnitDecision.Outcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"), help_text=_("One row per unit; export first to see the columns.")
    )


class QualificationForm(forms.ModelForm):
    assessment_languages = forms.CharField(
        label=_("languages of assessment"),
        required=False,
        help_text=_("Language codes separated by spaces, e.g. es en ar."),
    )

    class Meta:
        model = Qualification
        fields = [
            "code",
            "title",
            "awarding_body",
            "isced_level",
            "isced_field",
            "eqf_level",
            "nqf_level",
            "assessment_languages",
            "occupation",
            "description",
        ]

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["assessment_languages"] = " ".join(self.instance.assessment_languages)

    def clean_isced_field(self) -> str:
        value = (self.cleaned_data.get("isced_field") or "").strip()
        if not (value.isdigit() and 2 <= len(value) <= 4):
            raise forms.ValidationError(
                _("An ISCED-F field is a code of 2 to 4 digits, e.g. 0922.")
            )
        return value

    def clean_assessment_languages(self) -> list[str]:
        codes = (self.cleaned_data.get("assessment_languages") or "").lower().split()
        if any(len(code) > 10 or not code.replace("-", "").isalpha() for code in codes):
            raise forms.ValidationError(_("Language codes separated by spaces, e.g. es en ar."))
        return codes


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = [
            "position",
            "code",
            "title",
            "kind",
            "credit",
            "outcomes",
            "language",
            "cefr_level",
            "opportunities",
        ]
        widgets = {"outcomes": forms.Textarea(attrs={"rows": 2})}

    def clean_cefr_level(self) -> str:
        value = (self.cleaned_data.get("cefr_level") or "").upper()
        if value and value not in CEFR:
            raise forms.ValidationError(_("A CEFR level is one of A1, A2, B1, B2, C1, C2."))
        return value

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("kind") == Unit.Kind.LANGUAGE and not (
            data.get("language") and data.get("cefr_level")
        ):
            self.add_error("language", _("A language bridge needs its language and CEFR level."))
        return data
