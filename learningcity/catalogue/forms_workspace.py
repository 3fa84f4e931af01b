"""Forms of the provider workspace. They check input; the services write.

Sets of choices (topics, target groups, accessibility) are checkboxes here and
bitmasks in the database; ``clean_<field>`` turns the ticked values into the mask."""

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from learningcity.core.flags import FlagSet
from learningcity.core.models import City, District
from learningcity.core.tenancy import for_city

from . import importer
from .models import (
    ACCESSIBILITY,
    TARGET_GROUPS,
    TOPICS,
    Accessibility,
    Cost,
    LearningSite,
    Opportunity,
    Provider,
    Session,
    TargetGroup,
    Topic,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
else:
    StrOrPromise = str

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def _flag_field(label: StrOrPromise, choices: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
    )


def _datetime_field(label: StrOrPromise) -> forms.DateTimeField:
    # Read and shown in the current time zone, which the views set to the city's.
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_INPUT_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In the city's local time."),
    )


def _show_flags_as_checkboxes(form: forms.ModelForm, flag_fields: dict[str, FlagSet]) -> None:
    for name, flag_set in flag_fields.items():
        form.initial[name] = flag_set.to_values(getattr(form.instance, name) or 0)


def _mask(form: forms.BaseForm, name: str, flag_set: FlagSet) -> int:
    return flag_set.to_mask(form.cleaned_data.get(name) or [])


def _limit_choices(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    """Offer only this city's rows (another city's id is then "not a valid choice")."""
    cast(forms.ModelChoiceField, form.fields[name]).queryset = queryset


class OpportunityForm(forms.ModelForm):
    topics = _flag_field(_("Topics"), Topic.choices)
    target_groups = _flag_field(_("Especially for"), TargetGroup.choices)
    accessibility = _flag_field(_("Accessibility"), Accessibility.choices)
    languages = forms.CharField(
        label=_("Languages of instruction"),
        required=False,
        max_length=200,
        help_text=_("Language codes separated by commas, for example: en, fr"),
    )

    class Meta:
        model = Opportunity
        fields = [
            "title",
            "slug",
            "description",
            "level",
            "format",
            "topics",
            "languages",
            "cost",
            "fee",
            "target_groups",
            "min_age",
            "max_age",
            "accessibility",
            "outcome",
            "capacity",
            "site",
            "co_providers",
            "is_published",
        ]
        help_texts = {
            "slug": _("The opportunity's address name. Leave empty to make one from the title."),
            "capacity": _("Places in each session. Leave empty for no limit."),
        }
        widgets = {"co_providers": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, city: City, provider: Provider, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.city = city
        self.fields["slug"].required = False
        _limit_choices(self, "site", for_city(LearningSite, city))
        _limit_choices(self, "co_providers", for_city(Provider, city).exclude(pk=provider.pk))
        _show_flags_as_checkboxes(
            self, {"topics": TOPICS, "target_groups": TARGET_GROUPS, "accessibility": ACCESSIBILITY}
        )
        self.initial["languages"] = ", ".join(self.instance.languages or [])

    def clean_topics(self) -> int:
        return _mask(self, "topics", TOPICS)

    def clean_target_groups(self) -> int:
        return _mask(self, "target_groups", TARGET_GROUPS)

    def clean_accessibility(self) -> int:
        return _mask(self, "accessibility", ACCESSIBILITY)

    def clean_languages(self) -> list[str]:
        codes = [code.strip().lower() for code in self.cleaned_data["languages"].split(",")]
        codes = [code for code in dict.fromkeys(codes) if code]
        wrong = [code for code in codes if not importer.LANGUAGE_CODE.match(code)]
        if wrong:
            raise forms.ValidationError(
                _("“%(codes)s” is not a language code such as en, fr or zh-hans."),
                params={"codes": ", ".join(wrong)},
            )
        return codes

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("slug") and cleaned.get("title"):
            cleaned["slug"] = self._free_slug(slugify(cleaned["title"])[:110] or "opportunity")
        elif cleaned.get("slug") and self._slug_taken(cleaned["slug"]):
            self.add_error("slug", _("Another opportunity in this city already uses this slug."))
        lowest, highest = cleaned.get("min_age"), cleaned.get("max_age")
        if lowest is not None and highest is not None and lowest > highest:
            self.add_error("max_age", _("The maximum age is below the minimum age."))
        if cleaned.get("cost") == Cost.FREE and cleaned.get("fee"):
            self.add_error(
                "fee", _("A free opportunity has no fee: leave it empty or change the cost.")
            )
        return cleaned

    def _slug_taken(self, slug: str) -> bool:
        others = for_city(Opportunity, self.city).filter(slug=slug)
        return others.exclude(pk=self.instance.pk).exists() if self.instance.pk else others.exists()

    def _free_slug(self, base: str) -> str:
        slug, number = base, 2
        while self._slug_taken(slug):
            slug, number = f"{base}-{number}", number + 1
        return slug


class SessionForm(forms.ModelForm):
    starts_at = _datetime_field(_("Starts"))
    ends_at = _datetime_field(_("Ends"))
    live_url = forms.URLField(label=_("Live link"), required=False, assume_scheme="https")
    recording_url = forms.URLField(label=_("Recording link"), required=False, assume_scheme="https")

    class Meta:
        model = Session
        fields = [
            "starts_at",
            "ends_at",
            "recurrence",
            "capacity",
            "site",
            "live_url",
            "recording_url",
            "is_cancelled",
        ]
        help_texts = {
            "recurrence": _(
                "Leave empty for a single date. For a series, write a repeat rule, for "
                "example FREQ=WEEKLY;BYDAY=SA;COUNT=10 (ten Saturdays) or "
                "FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20261218T235959Z."
            ),
            "capacity": _("Leave empty to use the opportunity's number of places."),
            "site": _("Leave empty if it is at the opportunity's main place."),
            "is_cancelled": _("Everyone enrolled gets an email saying so."),
        }

    def __init__(self, *args: Any, city: City, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_choices(self, "site", for_city(LearningSite, city))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        return cleaned


class SiteForm(forms.ModelForm):
    accessibility = _flag_field(_("Accessibility"), Accessibility.choices)

    class Meta:
        model = LearningSite
        fields = [
            "name",
            "slug",
            "kind",
            "address",
            "district",
            "latitude",
            "longitude",
            "opening_hours",
            "accessibility",
            "public_transport",
        ]
        help_texts = {
            "slug": _("The place's address name, used in imports. Leave empty to make one.")
        }

    def __init__(self, *args: Any, city: City, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.city = city
        self.fields["slug"].required = False
        _limit_choices(self, "district", for_city(District, city))
        _show_flags_as_checkboxes(self, {"accessibility": ACCESSIBILITY})

    def clean_accessibility(self) -> int:
        return _mask(self, "accessibility", ACCESSIBILITY)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        slug = cleaned.get("slug") or slugify(cleaned.get("name") or "")[:100]
        taken = for_city(LearningSite, self.city).filter(slug=slug)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if slug and taken.exists():
            self.add_error("slug", _("Another place in this city already uses this slug."))
        cleaned["slug"] = slug
        return cleaned


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet file"),
        help_text=_("A .csv or .xlsx file of at most 20 MB, in the layout below."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if importer.file_format_for(upload.name) is None:
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB. Split it into parts."))
        return upload


def service_fields(form: forms.BaseForm, names: list[str] | None = None) -> dict[str, Any]:
    """The cleaned values a service needs: every field, or only ``names``."""
    wanted = list(form.fields) if names is None else names
    return {name: form.cleaned_data[name] for name in wanted}
