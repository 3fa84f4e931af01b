"""Forms of the membership lifecycle: they check what a person typed and say which
field to change (the services check the same again and save)."""

from typing import Any, cast

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from learningcity.core.countries import country_name
from learningcity.core.models import City

from .documents import MAX_PDF_BYTES, check_pdf
from .forms import NoNulMixin
from .models import MembershipCall
from .services import CALL_FIELDS, REPORT_WORD_LIMIT, text_problem
from .vocabulary import (
    CHALLENGES,
    RUBRIC,
    SCORE_RANGE,
    CommunicationLanguage,
    Recommendation,
)

SCORE_CHOICES = [(value, str(value)) for value in SCORE_RANGE]


def _word_limited(label: Any, help_text: str, limit: int, required: bool = True) -> forms.CharField:
    """A text field with a word limit; ``word_count.js`` shows the count as one types
    (without JavaScript the limit is checked on submit, with the count in the error)."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.Textarea(
            attrs={
                "rows": 8,
                "data-word-limit": limit,
                "data-word-count": str(_("Words: %(count)s of at most %(limit)s.")),
            }
        ),
    )


class CallForm(NoNulMixin, forms.ModelForm):
    class Meta:
        model = MembershipCall
        fields = list(CALL_FIELDS)
        widgets = {
            name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for name in ("opens_on", "closes_on", "endorsements_close_on")
        }
        help_texts = {
            "max_per_commission": _("The published rule: three per call."),
            "word_limit": _("For the motivation and for the implementation; usually 200."),
            "jurors_required": _("A decision waits until this many jurors have scored."),
        }


class CommissionGrantForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the account"),
        help_text=_("The person must have an account on this site."),
    )
    country_code = forms.ChoiceField(label=_("Country"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = set(City.objects.values_list("country_code", flat=True))
        named = sorted((country_name(code), code) for code in codes if code)
        field = cast(forms.ChoiceField, self.fields["country_code"])
        field.choices = [(code, name) for name, code in named]


def _challenge_name(code: str) -> str:
    return f"challenge_{code}"


class ApplicationForm(NoNulMixin, forms.Form):
    """Part 1 of the network's application form, filled in by the city's coordinator."""

    language = forms.ChoiceField(
        label=_("Language of communication"),
        choices=CommunicationLanguage.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, call: MembershipCall, language: str, **kwargs: Any) -> None:
        kwargs["initial"] = {"language": language, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.call = call
        self.endorsement_bytes = b""
        limit = call.word_limit
        self.fields["motivation"] = _word_limited(
            _("Motivation for adopting the learning city concept"),
            str(_("The city's social context and why it wants to be a learning city.")),
            limit,
        )
        self.fields["implementation"] = _word_limited(
            _("How the city implements or plans to implement it"),
            str(_("What the city does or plans, with links to its reports.")),
            limit,
        )
        for name in ("motivation", "implementation"):
            field = self.fields[name]
            field.help_text = f"{field.help_text} " + str(
                _("At most %(limit)s words.") % {"limit": limit}
            )
        self.fields["interests"] = forms.CharField(
            label=_("The city's interests and expertise"),
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 4}),
        )
        for code, label in CHALLENGES:
            self.fields[_challenge_name(code)] = forms.TypedChoiceField(
                label=label,
                help_text=_("How great a challenge this is for the city: 1 small, 5 very great."),
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
            )
        self.fields["endorsement"] = forms.FileField(
            label=_("The mayor's signed endorsement"),
            help_text=_(
                "The application form signed by the mayor, with the official stamp, as a "
                "PDF of at most %(limit)s."
            )
            % {"limit": filesizeformat(MAX_PDF_BYTES)},
            widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        )
        self.fields["pledge"] = forms.BooleanField(
            label=_(
                "The city commits to the Beijing Declaration on Building Learning Cities "
                "and the Key Features of Learning Cities."
            ),
        )

    def clean_motivation(self) -> str:
        return self._words("motivation")

    def clean_implementation(self) -> str:
        return self._words("implementation")

    def _words(self, name: str) -> str:
        text = str(self.cleaned_data.get(name) or "")
        problem = text_problem(text, self.call.word_limit)
        if problem:
            raise forms.ValidationError(problem)
        return text

    def clean_endorsement(self) -> Any:
        upload = self.cleaned_data.get("endorsement")
        if upload is None:
            return upload
        if upload.size > MAX_PDF_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s. Send a smaller PDF.")
                % {"limit": filesizeformat(MAX_PDF_BYTES)}
            )
        data = upload.read()
        try:
            check_pdf(data, "endorsement")
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["endorsement"]) from None
        self.endorsement_bytes = data
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors and "endorsement" not in self.errors and self.endorsement_bytes:
            # A page sent back cannot keep the chosen file: say so where it was.
            self.add_error(
                "endorsement",
                _("Choose the file again: a page sent back with a problem cannot keep it."),
            )
        return cleaned

    def application_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "language": data["language"],
            "motivation": data["motivation"],
            "implementation": data["implementation"],
            "interests": data.get("interests", ""),
            "challenges": {code: data[_challenge_name(code)] for code, _label in CHALLENGES},
            "pledge": bool(data.get("pledge")),
        }

    def challenge_fields(self) -> list[forms.BoundField]:
        return [self[_challenge_name(code)] for code, _label in CHALLENGES]


class EndorsementForm(NoNulMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("The National Commission's decision"),
        choices=[("endorse", _("Endorse the application")), ("decline", _("Do not endorse it"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note for the city and the network"),
        help_text=_("Required when the application is not endorsed."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class JurorForm(forms.Form):
    email = forms.EmailField(
        label=_("Juror's e-mail address"),
        help_text=_("The person must have an account on this site."),
    )


class ScoreForm(NoNulMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in RUBRIC:
            self.fields[f"score_{code}"] = forms.TypedChoiceField(
                label=label,
                help_text=_("1 weak, 5 excellent."),
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
            )
        self.fields["recommendation"] = forms.ChoiceField(
            label=_("Recommendation"), choices=Recommendation.choices, widget=forms.RadioSelect
        )
        self.fields["comment"] = forms.CharField(
            label=_("Comment"),
            help_text=_("Why these scores. Only the network's coordinators read it."),
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 6}),
        )

    def scores(self) -> dict[str, int]:
        return {code: self.cleaned_data[f"score_{code}"] for code, _label in RUBRIC}


class DecisionForm(NoNulMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("The network's decision"),
        choices=[("admit", _("Admit the city")), ("decline", _("Do not admit the city"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the city"),
        help_text=_("Sent with the decision by e-mail."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReportForm(NoNulMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hint = str(_("At most %(limit)s words.") % {"limit": REPORT_WORD_LIMIT})
        self.fields["achievements"] = _word_limited(
            _("What the city achieved in these two years"), hint, REPORT_WORD_LIMIT
        )
        self.fields["next_steps"] = _word_limited(_("What comes next"), hint, REPORT_WORD_LIMIT)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name in ("achievements", "next_steps"):
            text = str(cleaned.get(name) or "")
            if name in self.errors:
                continue
            problem = text_problem(text, REPORT_WORD_LIMIT)
            if problem:
                self.add_error(name, problem)
        return cleaned
