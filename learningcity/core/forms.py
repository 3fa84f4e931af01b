from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from . import throttle
from .models import District, User


def client_address(request: Any) -> str:
    return str(request.META.get("REMOTE_ADDR", "")) if request is not None else ""


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _("The email address or password is not right. Please try again."),
        "inactive": _("This account is not active."),
        "throttled": _(
            "Too many attempts to sign in. For your safety, please wait 15 minutes and try "
            "again, or reset your password."
        ),
    }

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password")
        address = client_address(self.request)
        if throttle.is_throttled(email, address):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        if email and password:
            self.user_cache = authenticate(self.request, username=email, password=password)
            if self.user_cache is None:
                throttle.record_failure(email, address)
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
            throttle.clear_failures(email)
        return self.cleaned_data


class SignUpForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    display_name = forms.CharField(
        label=_("Your name (optional)"),
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

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if authenticate(username=self.user.email, password=password) is None:
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
