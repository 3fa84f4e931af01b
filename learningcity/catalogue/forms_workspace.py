"""Forms of the provider workspace. They check input; the services write.

Sets of choices (topics, target groups, accessibility) are checkboxes here and
bitmasks in the database; ``clean_<field>`` turns the ticked values into the mask."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from learningcity.core.dates import format_when
from learningcity.core.flags import FlagSet
from learningcity.core.models import City, District
from learningcity.core.tenancy import for_city

from . import importer
from . import repeat as rules
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
    Weekday,
    recurrence_problem,
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


# How many places or providers a search offers at once: the form stays light with a
# thousand places in the city (search, then choose).
SHOWN_CHOICES = 15


class SearchInput(forms.TextInput):
    """A search box with its own submit button. Pressing it sends the whole form back
    (nothing is saved) and the page returns with the matching choices to pick from:
    it works without JavaScript."""

    input_type = "search"
    template_name = "catalogue/workspace/widgets/search.html"

    def __init__(self, button_label: StrOrPromise) -> None:
        super().__init__(attrs={"autocomplete": "off"})
        self.button_label = button_label

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["button_label"] = self.button_label
        return context


def _search_field(label: StrOrPromise, button: StrOrPromise, hint: StrOrPromise) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=100, help_text=hint, widget=SearchInput(button)
    )


def _query(form: forms.BaseForm, name: str) -> str:
    if not form.is_bound:
        return ""
    # NUL bytes would make PostgreSQL refuse the query; nobody means them.
    return str(form.data.get(form.add_prefix(name), "")).replace("\x00", "").strip()[:100]


def _ids(values: Iterable[Any]) -> list[int]:
    return [int(value) for value in values if str(value).isdigit()]


def _site_label(site: LearningSite) -> str:
    where = ", ".join(
        part for part in (site.address, site.district.name if site.district else "") if part
    )
    return f"{site.name} — {where}" if where else site.name


def _offer_sites(form: forms.BaseModelForm, city: City, provider: Provider | None) -> None:
    """Offer the chosen place and up to SHOWN_CHOICES others: those matching the search,
    else the provider's own. Any place of the city stays a valid choice."""
    field = cast(forms.ModelChoiceField, form.fields["site"])
    if form.is_bound:
        chosen = _ids([form.data.get(form.add_prefix("site"), "")])
    else:
        chosen = _ids([form.instance.site_id or ""])
    sites = for_city(LearningSite, city).select_related("district")
    query = _query(form, "site_query")
    if query:
        found = sites.filter(
            Q(name__icontains=query)
            | Q(address__icontains=query)
            | Q(district__name__icontains=query)
            | Q(slug__icontains=query)
        )
    elif provider is not None:
        found = sites.filter(provider=provider)
    else:
        found = sites.none()
    shown = list(sites.filter(pk__in=chosen)) + list(
        found.exclude(pk__in=chosen).order_by("name")[:SHOWN_CHOICES]
    )
    field.widget.choices = [("", field.empty_label or "")] + [
        (site.pk, _site_label(site)) for site in shown
    ]
    if query and len(shown) == len(chosen):
        field.help_text = _("No place matches “%(query)s”. Try part of its name or street.") % {
            "query": query
        }


def _offer_co_providers(form: forms.BaseModelForm, city: City, provider: Provider) -> None:
    field = cast(forms.ModelMultipleChoiceField, form.fields["co_providers"])
    if form.is_bound:
        chosen = _ids(cast(QueryDict, form.data).getlist(form.add_prefix("co_providers")))
    elif form.instance.pk:
        chosen = list(form.instance.co_providers.values_list("pk", flat=True))
    else:
        chosen = []
    others = for_city(Provider, city).exclude(pk=provider.pk)
    query = _query(form, "co_provider_query")
    found = others.filter(name__icontains=query) if query else others.none()
    shown = list(others.filter(pk__in=chosen)) + list(
        found.exclude(pk__in=chosen).order_by("name")[:SHOWN_CHOICES]
    )
    field.widget.choices = [(other.pk, other.name) for other in shown]
    if query and len(shown) == len(chosen):
        field.help_text = _("No provider matches “%(query)s”.") % {"query": query}


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
    site_query = _search_field(
        _("Find the main place"),
        _("Search places"),
        _("Type part of the place's name, street or district, then choose it below."),
    )
    co_provider_query = _search_field(
        _("Find co-providers"),
        _("Search providers"),
        _("Type part of a provider's name, then tick it below."),
    )

    # Filled in by the form, never typed: the search boxes only help choose.
    SEARCH_FIELDS = ("site_query", "co_provider_query")

    class Meta:
        model = Opportunity
        fields = [
            "title",
            "kind",
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
            "kind": _("Residents can look for talks, events or courses only."),
            "capacity": _("Places in each session. Leave empty for no limit."),
            "site": _("Where it usually happens. Leave empty for online learning."),
        }
        widgets = {"co_providers": forms.CheckboxSelectMultiple, "site": forms.RadioSelect}
        labels = {"site": _("Main place")}

    def __init__(self, *args: Any, city: City, provider: Provider, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.city = city
        _limit_choices(self, "site", for_city(LearningSite, city))
        _limit_choices(self, "co_providers", for_city(Provider, city).exclude(pk=provider.pk))
        cast(forms.ModelChoiceField, self.fields["site"]).empty_label = _("No main place")
        _offer_sites(self, city, provider)
        _offer_co_providers(self, city, provider)
        self.order_fields([*self.Meta.fields[:15], "site_query", "site", "co_provider_query"])
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
        lowest, highest = cleaned.get("min_age"), cleaned.get("max_age")
        if lowest is not None and highest is not None and lowest > highest:
            self.add_error("max_age", _("The maximum age is below the minimum age."))
        if cleaned.get("cost") == Cost.FREE and cleaned.get("fee"):
            self.add_error(
                "fee", _("A free opportunity has no fee: leave it empty or change the cost.")
            )
        return cleaned

    def values(self) -> dict[str, Any]:
        """Everything the create service needs; a new opportunity's slug (its address)
        is made from the title, never typed."""
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        if not self.instance.pk:
            base = slugify(self.cleaned_data["title"])[:110] or "opportunity"
            fields["slug"] = free_opportunity_slug(self.city, base)
        return fields

    def changes(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name] for name in self.changed_data if name in self.Meta.fields
        }


def free_opportunity_slug(city: City, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``… whichever no opportunity of the city uses."""
    taken = set(
        for_city(Opportunity, city).filter(slug__startswith=base).values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


class SessionForm(forms.ModelForm):
    starts_at = _datetime_field(_("Starts"))
    ends_at = _datetime_field(_("Ends"))
    repeat = forms.ChoiceField(label=_("Repeats"), widget=forms.RadioSelect)
    repeat_days = forms.MultipleChoiceField(
        label=_("On these days"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=list(zip(rules.DAY_CODES, Weekday.labels, strict=True)),
        help_text=_("For every week or every two weeks. None ticked: the day of the start."),
    )
    repeat_until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The last day it may happen, when it repeats."),
    )
    site_query = _search_field(
        _("Find a place"),
        _("Search places"),
        _("Type part of the place's name, street or district, then choose it below."),
    )
    live_url = forms.URLField(label=_("Live link"), required=False, assume_scheme="https")
    recording_url = forms.URLField(label=_("Recording link"), required=False, assume_scheme="https")

    SEARCH_FIELDS = ("site_query",)

    class Meta:
        model = Session
        fields = [
            "starts_at",
            "ends_at",
            "capacity",
            "site",
            "live_url",
            "recording_url",
            "is_cancelled",
        ]
        help_texts = {
            "capacity": _("Leave empty to use the opportunity's number of places."),
            "site": _("Leave empty if it is at the opportunity's main place."),
            "is_cancelled": _(
                "Everyone enrolled gets an email saying so, with a link to the next session."
            ),
        }
        widgets = {"site": forms.RadioSelect}
        labels = {"site": _("Place")}

    def __init__(self, *args: Any, city: City, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.city = city
        _limit_choices(self, "site", for_city(LearningSite, city))
        cast(forms.ModelChoiceField, self.fields["site"]).empty_label = _(
            "The opportunity's main place"
        )
        opportunity = self.instance.opportunity
        _offer_sites(self, city, opportunity.provider)
        zone = city.tzinfo
        picked = rules.picker_from_rule(self.instance.recurrence, self.instance.starts_at, zone)
        choices: list[tuple[str, StrOrPromise]] = [
            (rules.ONCE, _("Does not repeat")),
            # Its own context: "Every week" is also the singular of a plural pair, and
            # a plain lookup would show that pair's first form (zero, in Arabic).
            (rules.WEEKLY, pgettext_lazy("how often a session repeats", "Every week")),
            (rules.FORTNIGHTLY, _("Every two weeks")),
            (
                rules.MONTHLY,
                _("Every month, on the same weekday (for example the second Tuesday)"),
            ),
        ]
        if picked.repeat == rules.KEEP:
            words = rules.describe_rule(self.instance.recurrence, self.instance.starts_at, zone)
            choices.insert(0, (rules.KEEP, _("As now: %(rule)s") % {"rule": words}))
        cast(forms.ChoiceField, self.fields["repeat"]).choices = choices
        self.initial.setdefault("repeat", picked.repeat)
        self.initial.setdefault("repeat_days", picked.days)
        self.initial.setdefault("repeat_until", picked.until)
        self.order_fields(
            ["starts_at", "ends_at", "repeat", "repeat_days", "repeat_until", "capacity",
             "site_query", "site"]
        )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        cleaned["recurrence"] = self._recurrence(cleaned)
        return cleaned

    def _recurrence(self, cleaned: dict[str, Any]) -> str:
        choice, until, starts = (
            cleaned.get("repeat"),
            cleaned.get("repeat_until"),
            cleaned.get("starts_at"),
        )
        if choice == rules.KEEP:
            return self.instance.recurrence
        if choice in (None, rules.ONCE) or starts is None:
            return ""
        if until is None:
            self.add_error("repeat_until", _("Say until when it repeats."))
            return ""
        if until < timezone.localtime(starts, self.city.tzinfo).date():
            self.add_error("repeat_until", _("The last day is before the start."))
            return ""
        rule = rules.rule_from_picker(
            choice, cleaned.get("repeat_days") or [], until, starts, self.city.tzinfo
        )
        problem = recurrence_problem(rule, starts)
        if problem:
            self.add_error("repeat", problem)
        return rule

    def values(self) -> dict[str, Any]:
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        fields["recurrence"] = self.cleaned_data["recurrence"]
        return fields

    def changes(self) -> dict[str, Any]:
        changed = {
            name: self.cleaned_data[name] for name in self.changed_data if name in self.Meta.fields
        }
        if self.cleaned_data["recurrence"] != self.instance.recurrence:
            changed["recurrence"] = self.cleaned_data["recurrence"]
        return changed


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
        help_text=format_lazy(
            _("A .csv or .xlsx file of at most {limit}, in the layout below."),
            limit=lazy(filesizeformat, str)(MAX_UPLOAD_BYTES),
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if importer.file_format_for(upload.name) is None:
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s. Split it into parts.")
                % {"limit": filesizeformat(MAX_UPLOAD_BYTES)}
            )
        return upload


def service_fields(form: forms.BaseForm, names: list[str] | None = None) -> dict[str, Any]:
    """The cleaned values a service needs: every field, or only ``names``."""
    wanted = list(form.fields) if names is None else names
    return {name: form.cleaned_data[name] for name in wanted}


class MessageForm(forms.Form):
    """A message to the people enrolled: one session, or every session."""

    session = forms.ChoiceField(label=_("To the people in"), widget=forms.RadioSelect)
    include_waitlisted = forms.BooleanField(
        label=_("Also the people on the waiting lists"), required=False
    )
    subject = forms.CharField(label=_("Subject"), max_length=120)
    message = forms.CharField(
        label=_("Message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Plain text. Each person gets it separately; nobody sees the others."),
    )

    ALL = "all"

    def __init__(self, *args: Any, sessions: list[Session], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sessions = {str(session.public_id): session for session in sessions}
        choices = [(self.ALL, _("Every session"))] + [
            (key, format_when(timezone.localtime(session.starts_at)))
            for key, session in self.sessions.items()
        ]
        cast(forms.ChoiceField, self.fields["session"]).choices = choices
        self.fields["session"].initial = self.ALL

    def clean_subject(self) -> str:
        return " ".join(self.cleaned_data["subject"].replace("\x00", "").split())

    def clean_message(self) -> str:
        return str(self.cleaned_data["message"]).replace("\x00", "")

    def chosen_session(self) -> Session | None:
        return self.sessions.get(self.cleaned_data["session"])
