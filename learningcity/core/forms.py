from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .http import absolute_url
from .models import City, District, User


def show_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: each message beside the field it
    names (the error summary links to it), the rest at the top of the form."""
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            target = name if name in form.fields else None
            for problem in problems:
                form.add_error(target, problem)
    else:
        for problem in error.messages:
            form.add_error(None, problem)


class LoginForm(AuthenticationForm):
    """Email and password. Repeated failures are paused by django-axes and
    ``core.signin`` inside ``authenticate`` (which therefore always gets the request)."""

    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _("The email address or password is not right. Please try again."),
        "inactive": _("This account is not active."),
    }

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()


class SignUpForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    display_name = forms.CharField(
        label=_("Your name"),
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters. A short sentence is easy to remember."),
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(
                _("An account with this email address exists. Sign in or reset your password.")
            )
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password = cleaned.get("password")
        if password:
            probe = User(
                email=cleaned.get("email", ""), display_name=cleaned.get("display_name", "")
            )
            try:
                password_validation.validate_password(password, probe)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class ProfileForm(forms.ModelForm):
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=[("", _("As my browser says")), *settings.LANGUAGES],
        required=False,
    )

    class Meta:
        model = User
        fields = ["display_name", "preferred_language", "home_city"]


class EraseAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password, to confirm"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        # Counted like a sign-in: the confirmation cannot be used to guess passwords.
        found = authenticate(self.request, username=self.user.email, password=password)
        if found is None:
            raise forms.ValidationError(_("That password is not right."))
        return password


class DistrictForm(forms.ModelForm):
    class Meta:
        model = District
        fields = [
            "name",
            "population_0_14",
            "population_15_24",
            "population_25_64",
            "population_65_plus",
            "people_with_disabilities",
            "latitude",
            "longitude",
        ]


class SiteLinkPasswordResetForm(PasswordResetForm):
    """Password reset whose link follows the one rule for links in emails: they start
    with ``SITE_URL`` (never with the Host header the request happened to carry)."""

    def save(self, **opts: Any) -> None:  # type: ignore[override]
        site = urlsplit(settings.SITE_URL)
        opts["domain_override"] = site.netloc
        opts["use_https"] = site.scheme == "https"
        opts["extra_email_context"] = {
            **(opts.get("extra_email_context") or {}),
            "site_name": settings.SITE_NAME,
            "site_url": absolute_url(""),
        }
        super().save(**opts)


def _language_field_name(code: str) -> str:
    return "description_" + code.replace("-", "_")


class CityDescriptionForm(forms.Form):
    """The city's description, with a wording per UNESCO language; a reader whose
    language has none sees the first one."""

    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to readers whose language has no description of its own."),
    )

    def __init__(self, *args: Any, city: City, **kwargs: Any) -> None:
        translations = city.translations if isinstance(city.translations, dict) else {}
        initial: dict[str, Any] = {"description": city.description}
        for code, _name in settings.LANGUAGES:
            wording = translations.get(code)
            if isinstance(wording, dict):
                initial[_language_field_name(code)] = str(wording.get("description", ""))
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for code, name in settings.LANGUAGES:
            self.fields[_language_field_name(code)] = forms.CharField(
                label=_("Description in %(language)s") % {"language": name},
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 4, "lang": code}),
            )

    def translations(self) -> dict[str, dict[str, str]]:
        """The per-language wordings typed, without the empty ones."""
        found: dict[str, dict[str, str]] = {}
        for code, _name in settings.LANGUAGES:
            text = self.cleaned_data.get(_language_field_name(code), "").strip()
            if text:
                found[code] = {"description": text}
        return found
