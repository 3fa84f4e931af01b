"""The light sign-up: join a session with a name and an email address, no password."""

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ContactForm(forms.Form):
    """A name and an e-mail address, for a resident who has no account; subclasses say
    in ``email_help`` what the address is used for."""

    email_help: Promise | str = ""

    name = forms.CharField(
        label=_("Your name"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = str(self.email_help)

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        return email.strip().lower()

    def clean_name(self) -> str:
        # One line: the name goes into e-mail headers (a Reply-To's display name).
        return " ".join(str(self.cleaned_data["name"]).split())


class LightSignUpForm(ContactForm):
    email_help = _("We send your confirmation and a reminder here, nothing else.")

    needs = forms.CharField(
        label=_("Help you need"),
        required=False,
        max_length=300,
        help_text=_("For example: step-free access, a sign language interpreter, large print."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QuestionForm(ContactForm):
    """A question to the provider of an opportunity; the answer comes by e-mail."""

    email_help = _("The provider answers you here. We do not show it to anyone else.")

    question = forms.CharField(
        label=_("Your question"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class SaveSearchForm(forms.Form):
    """Keep a finder question; a guest gives an address and confirms it."""

    query = forms.CharField(max_length=1000, required=False, widget=forms.HiddenInput)
    email = forms.EmailField(
        label=_("Your email address"),
        required=False,
        help_text=_("We send a link to confirm first. Every e-mail has a link to stop them."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_query(self) -> str:
        # Parsed and encoded again: only a well-formed query string is ever kept (it
        # goes into e-mails as part of a link).
        query = str(self.cleaned_data["query"]).replace("\x00", "")
        kept = QueryDict(query, mutable=True)
        kept.pop("page", None)
        return kept.urlencode()[:1000]
