"""The learner's feedback form (radio groups, no JavaScript) and the city's
moderation form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import checks
from .models import Recommend, RejectionReason

CHOOSE_ONE = {"required": _("Choose one answer."), "invalid_choice": _("Choose one answer.")}

USEFUL_CHOICES = [
    (1, _("1 · Not useful")),
    (2, _("2 · A little useful")),
    (3, _("3 · Quite useful")),
    (4, _("4 · Useful")),
    (5, _("5 · Very useful")),
]
ACCESSIBLE_CHOICES = [
    (1, _("1 · Very hard")),
    (2, _("2 · Hard")),
    (3, _("3 · Neither easy nor hard")),
    (4, _("4 · Easy")),
    (5, _("5 · Very easy")),
]


class FeedbackForm(forms.Form):
    useful = forms.TypedChoiceField(
        label=_("Was it useful to you?"),
        choices=USEFUL_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages=CHOOSE_ONE,
    )
    accessible = forms.TypedChoiceField(
        label=_("Was it easy for you to take part?"),
        help_text=_(
            "Think of getting there, the room or the online link, the materials and the language."
        ),
        choices=ACCESSIBLE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages=CHOOSE_ONE,
    )
    recommend = forms.ChoiceField(
        label=_("Would you recommend it to a friend?"),
        choices=Recommend.choices,
        widget=forms.RadioSelect,
        error_messages=CHOOSE_ONE,
    )
    comment = forms.CharField(
        label=_("Anything else you would like to say?"),
        help_text=_(
            "Please do not write names, e-mail addresses or phone numbers. The city reads "
            "every comment before the provider sees it, and never with your name."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_comment(self) -> str:
        text = str(self.cleaned_data.get("comment") or "").strip()
        problem = checks.comment_problem(text) if text else None
        if problem:
            raise forms.ValidationError(problem)
        return text


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Show it to the provider")), ("reject", _("Do not show it"))],
        widget=forms.RadioSelect,
        error_messages=CHOOSE_ONE,
    )
    reason = forms.ChoiceField(
        label=_("Why not"),
        choices=[("", _("Choose a reason")), *RejectionReason.choices],
        required=False,
    )
    note = forms.CharField(label=_("Note for the city"), max_length=300, required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("decision") == "reject" and not data.get("reason"):
            self.add_error("reason", _("Choose why the comment is not shown."))
        return data
