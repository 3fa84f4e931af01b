"""Forms of the award. They read and type what was posted; the services decide
(word limits, scale, eligibility, conflicts), so one rule lives in one place."""

from typing import Any, cast

from babel import Locale
from django import forms
from django.utils.translation import gettext_lazy as _

from learningcity.core.countries import country_name

from .models import CRITERIA, CRITERION_CODES, AwardCycle

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def country_choices() -> list[tuple[str, str]]:
    """Every ISO 3166-1 country CLDR knows, named and sorted in the reader's language."""
    codes = [
        str(code)
        for code in Locale.parse("en").territories
        if isinstance(code, str) and len(code) == 2 and code.isalpha()
    ]
    return sorted(((code, country_name(code)) for code in codes), key=lambda pair: pair[1])


class CycleForm(forms.ModelForm):
    class Meta:
        model = AwardCycle
        fields = [
            "title",
            "year",
            "opens_on",
            "closes_on",
            "nominations_close_on",
            "membership_months",
            "awardee_wait_years",
            "nominations_per_country",
            "winners_per_country",
            "awards_per_region",
            "word_limit",
            "jurors_per_dossier",
            "scale_max",
            "disagreement_at",
        ]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
            "nominations_close_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        weights = self.instance.weights if self.instance.criteria else {}
        for code, label in CRITERIA:
            self.fields[f"weight_{code}"] = forms.DecimalField(
                label=_("Weight: %(criterion)s") % {"criterion": label},
                min_value=0.1,
                max_value=10,
                decimal_places=2,
                initial=weights.get(code, 1),
            )

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[f"weight_{code}"] for code in CRITERION_CODES]

    def rule_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.Meta.fields]

    def cycle_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["criteria"] = [
            {"code": code, "weight": float(self.cleaned_data[f"weight_{code}"])}
            for code in CRITERION_CODES
        ]
        return data

    def _post_clean(self) -> None:
        # The service validates the model (and its criteria); not the form.
        pass


def _pdf_field(label: Any, help_text: Any) -> forms.FileField:
    return forms.FileField(
        label=label,
        help_text=help_text,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class DossierForm(forms.Form):
    evidence = forms.CharField(
        label=_("Evidence"),
        help_text=_(
            "Links to articles, videos and reports, one a line, each starting with https://."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )
    practices = forms.MultipleChoiceField(
        label=_("Good practices to attach"),
        help_text=_(
            "The city's practices published since it joined; none chosen attaches all of them."
        ),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    mayor_form = _pdf_field(
        _("Application form signed by the mayor (PDF)"), _("A PDF of at most 10 MB.")
    )
    consent_form = _pdf_field(_("Signed consent form (PDF)"), _("A PDF of at most 10 MB."))

    def __init__(self, *args: Any, cycle: AwardCycle, practices: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["practices"]).choices = [
            (str(p.pk), p.title) for p in practices
        ]
        for code, label in CRITERIA:
            self.fields[f"text_{code}"] = forms.CharField(
                label=label,
                help_text=_("At most %(count)s words; progress since the city joined.")
                % {"count": cycle.word_limit},
                widget=forms.Textarea(
                    attrs={
                        "rows": 6,
                        "data-word-limit": cycle.word_limit,
                        "data-word-count": str(_("Words: %(count)s of at most %(limit)s.")),
                    }
                ),
                required=False,
                strip=False,
            )

    def text_fields(self) -> list[forms.BoundField]:
        return [self[f"text_{code}"] for code in CRITERION_CODES]

    def upload(self, name: str) -> bytes:
        upload = self.cleaned_data.get(name)
        if upload is None:
            return b""
        if upload.size > MAX_UPLOAD_BYTES:
            return upload.read(MAX_UPLOAD_BYTES + 1)
        return bytes(upload.read())

    def dossier_data(self) -> dict[str, Any]:
        return {
            "texts": {code: self.cleaned_data.get(f"text_{code}", "") for code in CRITERION_CODES},
            "evidence": self.cleaned_data.get("evidence", ""),
            "practices": [int(pk) for pk in self.cleaned_data.get("practices") or []],
        }


class NominationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("nominate", _("Nominate this city")), ("decline", _("Do not nominate"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the city and the network"),
        help_text=_("Needed when you do not nominate."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class SeatForm(forms.Form):
    email = forms.EmailField(label=_("Juror's e-mail address"))
    country_code = forms.ChoiceField(label=_("Juror's country"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country_code"]).choices = [
            ("", "—"),
            *country_choices(),
        ]


class TieForm(forms.Form):
    juror = forms.ChoiceField(label=_("Juror"))
    city = forms.ChoiceField(label=_("City"))
    note = forms.CharField(label=_("What ties them"), required=False, max_length=300)

    def __init__(self, *args: Any, seats: list, cities: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["juror"]).choices = [
            (str(s.pk), s.juror.email) for s in seats
        ]
        cast(forms.ChoiceField, self.fields["city"]).choices = [(c.slug, c.name) for c in cities]


class AssignForm(forms.Form):
    juror = forms.ChoiceField(label=_("Juror"))

    def __init__(self, *args: Any, seats: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["juror"]).choices = [
            (str(s.pk), s.juror.email) for s in seats
        ]


class ScoreForm(forms.Form):
    def __init__(self, *args: Any, cycle: AwardCycle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in CRITERIA:
            self.fields[f"score_{code}"] = forms.CharField(
                label=_("Score: %(criterion)s") % {"criterion": label},
                help_text=_("A whole number from 0 to %(max)s.") % {"max": cycle.scale_max},
                widget=forms.NumberInput(attrs={"min": 0, "max": cycle.scale_max}),
                required=False,
                max_length=4,
            )
            self.fields[f"comment_{code}"] = forms.CharField(
                label=_("Why: %(criterion)s") % {"criterion": label},
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                max_length=2000,
            )

    def pairs(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"score_{code}"], self[f"comment_{code}"]) for code in CRITERION_CODES]

    def scores(self) -> dict[str, Any]:
        return {code: self.cleaned_data.get(f"score_{code}", "") for code in CRITERION_CODES}

    def comments(self) -> dict[str, Any]:
        return {code: self.cleaned_data.get(f"comment_{code}", "") for code in CRITERION_CODES}
