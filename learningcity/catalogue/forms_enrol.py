"""The light sign-up: join a session with a name and an email address, no password."""

from django import forms
from django.utils.translation import gettext_lazy as _


class LightSignUpForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We send your confirmation and a reminder here, nothing else."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    needs = forms.CharField(
        label=_("Help you need"),
        required=False,
        max_length=300,
        help_text=_("For example: step-free access, a sign language interpreter, large print."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        return email.strip().lower()
