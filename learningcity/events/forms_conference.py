"""Forms of the conferences: registration (with the conference's own questions),
check-in, manifesto proposals and decisions, signing."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from learningcity.catalogue.models import Accessibility
from learningcity.core.models import City

from .forms import country_choices
from .models import AmendmentKind, Conference


class RegistrationForm(forms.Form):
    category = forms.ChoiceField(label=_("I take part as"), widget=forms.RadioSelect)
    full_name = forms.CharField(label=_("Full name (as in your passport)"), max_length=160)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    country_code = forms.ChoiceField(label=_("Country"))
    city = forms.ChoiceField(
        label=_("City delegation"),
        help_text=_("For a city delegation: the member city you represent."),
        required=False,
    )
    needs_visa = forms.BooleanField(
        label=_("I need an invitation letter for a visa"), required=False
    )
    passport_number = forms.CharField(
        label=_("Passport number"),
        help_text=_("Only for an invitation letter."),
        max_length=40,
        required=False,
    )
    nationality = forms.ChoiceField(
        label=_("Nationality"), help_text=_("Only for an invitation letter."), required=False
    )

    def __init__(self, *args: Any, conference: Conference, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conference = conference
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            (c.code, c.name) for c in conference.categories.all()
        ]
        countries = [("", "—"), *country_choices()]
        cast(forms.ChoiceField, self.fields["country_code"]).choices = countries
        cast(forms.ChoiceField, self.fields["nationality"]).choices = countries
        self.cities = {c.slug: c for c in City.objects.order_by("name")}
        cast(forms.ChoiceField, self.fields["city"]).choices = [
            ("", "—"),
            *((slug, c.name) for slug, c in self.cities.items()),
        ]
        for row in conference.form_fields:
            name = f"answer_{row['name']}"
            required = bool(row.get("required"))
            if row["kind"] == "yes_no":
                self.fields[name] = forms.BooleanField(label=row["label"], required=False)
            elif row["kind"] == "choice":
                self.fields[name] = forms.ChoiceField(
                    label=row["label"],
                    choices=[("", "—"), *((c, c) for c in row["choices"])],
                    required=False,
                )
            else:
                self.fields[name] = forms.CharField(
                    label=row["label"], max_length=500, required=False
                )
            if required:
                self.fields[name].help_text = _("Needed.")

    def question_fields(self) -> list[forms.BoundField]:
        return [self[f"answer_{row['name']}"] for row in self.conference.form_fields]

    def registration_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "full_name": data["full_name"],
            "organisation": data.get("organisation", ""),
            "country_code": data["country_code"],
            "category": data["category"],
            "city": self.cities.get(data.get("city") or ""),
            "needs_visa": data.get("needs_visa") is True,
            "passport_number": data.get("passport_number", ""),
            "nationality": data.get("nationality", ""),
            "answers": {
                row["name"]: data.get(f"answer_{row['name']}")
                for row in self.conference.form_fields
            },
        }


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Badge code"),
        help_text=_("Scan the badge's QR code, or type the ten characters under it."),
        max_length=40,
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name or organisation"), max_length=80, required=False)


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What you write"), choices=AmendmentKind.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment or reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    proposed_text = forms.CharField(
        label=_("The paragraph as you propose it"),
        help_text=_("Only for an amendment."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=3000,
    )


class AmendmentDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class SignForm(forms.Form):
    city = forms.ChoiceField(label=_("City"))
    on_behalf_of = forms.CharField(
        label=_("On behalf of (the mayor's name and title)"), max_length=200
    )

    def __init__(self, *args: Any, cities: list[City], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["city"]).choices = [(c.slug, c.name) for c in cities]


class TranslationForm(forms.Form):
    def __init__(
        self,
        *args: Any,
        originals: list[str],
        initial_texts: list[str],
        language: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        attrs = {
            "rows": 3,
            "lang": "zh-Hans" if language == "zh_Hans" else language,
            "dir": "rtl" if language == "ar" else "ltr",
        }
        self.originals = originals
        for index, original in enumerate(originals, start=1):
            self.fields[f"paragraph_{index}"] = forms.CharField(
                label=_("Paragraph %(n)s") % {"n": index},
                help_text=original,
                widget=forms.Textarea(attrs=attrs),
                required=False,
                max_length=3000,
                initial=initial_texts[index - 1] if index - 1 < len(initial_texts) else "",
            )

    def texts(self) -> list[str]:
        return [
            self.cleaned_data.get(f"paragraph_{index}", "")
            for index in range(1, len(self.originals) + 1)
        ]


DATETIME_LOCAL = {"type": "datetime-local"}


class SessionForm(forms.Form):
    """A programme session; times are the host city's local times."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=3000,
    )
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs=DATETIME_LOCAL)
    )
    ends_at = forms.DateTimeField(label=_("Ends"), widget=forms.DateTimeInput(attrs=DATETIME_LOCAL))
    room = forms.ChoiceField(label=_("Room"), required=False)
    speakers = forms.MultipleChoiceField(
        label=_("Speakers"), widget=forms.CheckboxSelectMultiple, required=False
    )
    stream_url = forms.URLField(
        label=_("Streamed at"),
        help_text=_("A streamed session also appears in the catalogue as an online lecture."),
        required=False,
        assume_scheme="https",
    )

    def __init__(self, *args: Any, conference: Conference, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.room_rows = {str(room.pk): room for room in conference.rooms.all()}
        self.speaker_rows = {str(speaker.pk): speaker for speaker in conference.speakers.all()}
        cast(forms.ChoiceField, self.fields["room"]).choices = [
            ("", "—"),
            *((pk, room.name) for pk, room in self.room_rows.items()),
        ]
        cast(forms.ChoiceField, self.fields["speakers"]).choices = [
            (pk, speaker.name) for pk, speaker in self.speaker_rows.items()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("A session ends after it starts."))
        return data

    def session_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data.get("description", ""),
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "room": self.room_rows.get(data.get("room") or ""),
            "speakers": [self.speaker_rows[pk] for pk in data.get("speakers") or []],
            "stream_url": data.get("stream_url", ""),
        }


class VisitForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=3000,
    )
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs=DATETIME_LOCAL)
    )
    ends_at = forms.DateTimeField(label=_("Ends"), widget=forms.DateTimeInput(attrs=DATETIME_LOCAL))
    places = forms.IntegerField(label=_("Places"), min_value=1, max_value=500)
    meeting_point = forms.CharField(label=_("Meeting point"), max_length=240)
    accessibility = forms.MultipleChoiceField(
        label=_("Accessibility"),
        choices=Accessibility.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    accessibility_note = forms.CharField(
        label=_("Accessibility, in words"), max_length=300, required=False
    )
    latitude = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("A visit ends after it starts."))
        return data
