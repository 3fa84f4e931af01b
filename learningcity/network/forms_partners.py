"""Forms of partnerships and capacity development: they read what a person typed;
``partner_services`` checks and saves (its refusals come back onto the fields)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from learningcity.core.models import City

from .forms import NoNulMixin
from .models import Cluster, Practice
from .models_partners import PartnerKind


class PartnerForm(NoNulMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    kind = forms.ChoiceField(label=_("Kind of organisation"), choices=PartnerKind.choices)
    country = forms.CharField(label=_("Country"), max_length=80, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea, max_length=3000, required=False
    )


class PartnershipForm(NoNulMixin, forms.Form):
    role = forms.CharField(
        label=_("Role"),
        max_length=200,
        help_text=_("What the partner does, for example: co-organises the literacy webinars."),
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea, max_length=3000, required=False
    )
    starts_on = forms.DateField(
        label=_("Starts on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ends_on = forms.DateField(
        label=_("Ends on"),
        required=False,
        help_text=_("Leave empty while the partnership runs."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    cities = forms.ModelMultipleChoiceField(
        label=_("Cities"),
        queryset=City.objects.order_by("name"),
        required=False,
        to_field_name="slug",
    )
    clusters = forms.ModelMultipleChoiceField(
        label=_("Clusters"),
        queryset=Cluster.objects.all(),
        required=False,
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
    )
    practices = forms.ModelMultipleChoiceField(
        label=_("Good practices"),
        queryset=Practice.objects.published().order_by("title"),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end date comes before the start date."))
        return cleaned


class TrainingCityForm(forms.Form):
    city = forms.ModelChoiceField(
        label=_("City whose catalogue lists the training"),
        queryset=City.objects.order_by("name"),
        to_field_name="slug",
        empty_label=None,
    )


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=40)
