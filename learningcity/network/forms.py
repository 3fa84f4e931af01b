"""Forms of the network app: they check what a person typed and say which field to
change; the services save."""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from learningcity.core.models import City, UnescoRegion

from .models import CityProfile
from .practice_fields import FIELDS, TRANSLATABLE, PracticeField
from .services import MAX_IMAGE_BYTES
from .vocabulary import (
    PRACTICE_LANGUAGES,
    SDG_NAMES,
    SIZE_BANDS,
    THEMES,
    MembershipStatus,
)


class NoNulMixin:
    """PostgreSQL cannot store a NUL character; refuse it with a clear message."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()  # type: ignore[misc]
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and "\x00" in value:
                self.add_error(name, _("This text contains an invisible NUL character."))  # type: ignore[attr-defined]
        return cleaned


PROFILE_FIELDS = [
    "website",
    "mayor_title",
    "mayor_name",
    "mayor_office",
    "contact_name",
    "contact_title",
    "contact_organisation",
    "contact_address",
    "contact_phone",
    "contact_email",
    "communication_language",
    "population_year",
    "area_year",
    "gdp_city_usd",
    "gdp_city_year",
    "gdp_country_usd",
    "gdp_country_year",
    "schooling_men",
    "schooling_women",
    "schooling_year",
]


class ProfileForm(NoNulMixin, forms.ModelForm):
    website = forms.URLField(
        label=_("Official website"), required=False, max_length=200, assume_scheme="https"
    )
    population = forms.IntegerField(label=_("Population"), min_value=1, max_value=100_000_000)
    area_km2 = forms.DecimalField(
        label=_("Area (km²)"), min_value=0, max_value=10_000_000, max_digits=10, decimal_places=2
    )

    class Meta:
        model = CityProfile
        fields = PROFILE_FIELDS
        widgets = {"contact_address": forms.Textarea(attrs={"rows": 3})}

    # The city's own population and area stand just before the year each was counted.
    field_order = [
        *PROFILE_FIELDS[: PROFILE_FIELDS.index("population_year")],
        "population",
        "population_year",
        "area_km2",
        "area_year",
    ]

    def __init__(self, *args: Any, city: City, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["population"].initial = city.population
        self.fields["area_km2"].initial = city.area_km2
        self.order_fields(self.field_order)


class StatusForm(NoNulMixin, forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=MembershipStatus.choices)
    effective_on = forms.DateField(
        label=_("From"),
        help_text=_("Written as YYYY-MM-DD."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


def _checkbox_choices(pairs: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [(code, label) for code, label in pairs]


class DirectoryFilterForm(forms.Form):
    """The directory's filters, read from the query string (GET, works without JS)."""

    q = forms.CharField(label=_("City or country"), required=False, max_length=100)
    region = forms.MultipleChoiceField(
        label=_("UNESCO region"),
        required=False,
        choices=UnescoRegion.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    country = forms.MultipleChoiceField(label=_("Country"), required=False, choices=[])
    size = forms.MultipleChoiceField(
        label=_("Size"),
        required=False,
        choices=[(code, label) for code, _lowest, label in SIZE_BANDS],
        widget=forms.CheckboxSelectMultiple,
    )
    cluster = forms.MultipleChoiceField(
        label=_("Cluster"), required=False, choices=[], widget=forms.CheckboxSelectMultiple
    )
    status = forms.MultipleChoiceField(
        label=_("Status"), required=False, choices=[], widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        countries: list[tuple[str, str]],
        clusters: list[tuple[str, str]],
        statuses: list[tuple[str, Any]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in [("country", countries), ("cluster", clusters), ("status", statuses)]:
            cast(forms.ChoiceField, self.fields[name]).choices = choices


def practice_form_field(field: PracticeField) -> forms.Field:
    if field.kind == "multi":
        choices = (
            THEMES
            if field.name == "themes"
            else [(str(goal), f"{goal}. {label}") for goal, label in SDG_NAMES.items()]
        )
        return forms.MultipleChoiceField(
            label=field.label,
            required=field.required,
            choices=_checkbox_choices(choices),
            widget=forms.CheckboxSelectMultiple,
            help_text=field.help_text,
        )
    if field.kind == "choice":
        return forms.ChoiceField(
            label=field.label, choices=PRACTICE_LANGUAGES, required=True, help_text=field.help_text
        )
    if field.kind == "email":
        return forms.EmailField(
            label=field.label, required=field.required, max_length=field.max_length
        )
    widget = forms.Textarea(attrs={"rows": 5}) if field.kind == "text" else None
    return forms.CharField(
        label=field.label,
        required=field.required,
        max_length=field.max_length,
        widget=widget,
        help_text=field.help_text,
    )


class PracticeForm(NoNulMixin, forms.Form):
    note = forms.CharField(
        label=_("What changed"),
        required=False,
        max_length=300,
        help_text=_("A few words for the reviewer and the revision history."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        note = self.fields.pop("note")
        for field in FIELDS:
            self.fields[field.name] = practice_form_field(field)
        self.fields["note"] = note

    def practice_data(self) -> dict[str, Any]:
        return {field.name: self.cleaned_data[field.name] for field in FIELDS}


class TranslationForm(NoNulMixin, forms.Form):
    language = forms.ChoiceField(label=_("Language of the translation"), choices=PRACTICE_LANGUAGES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in FIELDS:
            if field.name in TRANSLATABLE:
                form_field = practice_form_field(field)
                form_field.required = field.name == "title"
                self.fields[field.name] = form_field


class ReviewForm(NoNulMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("publish", _("Publish")), ("return", _("Return to the city for changes"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment for the city"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you return the practice: say what to change."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not str(cleaned.get("comment", "")).strip():
            self.add_error("comment", _("Say what the city should change."))
        return cleaned


class ImageForm(forms.Form):
    image = forms.FileField(
        label=_("Picture"), help_text=_("A JPEG, PNG or WebP picture of at most 8 MB.")
    )
    alt_text = forms.CharField(
        label=_("Alternative text"),
        max_length=300,
        help_text=_("What the picture shows, for people who cannot see it."),
    )

    def clean_image(self) -> Any:
        upload = self.cleaned_data["image"]
        if upload.size > MAX_IMAGE_BYTES:
            raise ValidationError(_("The picture is too large: at most 8 MB."))
        return upload


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"), help_text=_("A CSV or XLSX file with the columns listed below.")
    )
