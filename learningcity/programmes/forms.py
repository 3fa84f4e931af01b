"""The programmes' forms. Each checks what a person typed and says plainly what to
change; the services check again (forms are a convenience, not the rule)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from learningcity.catalogue.models import LearningSite, Opportunity, Session
from learningcity.core.models import City, District

from .models import (
    AppointmentMode,
    CheckKind,
    Gender,
    GroupKind,
    MentoringAim,
    OutcomeKind,
    ReferredBy,
    Volunteer,
)
from .vocabulary import (
    ACCESS_NEEDS,
    DAYS,
    INTERESTS,
    languages_text,
    parse_languages,
    slots_from_rows,
)

SLOT_ROWS = 4
DAY_CHOICES = [
    ("", _("—")),
    ("mon", _("Monday")),
    ("tue", _("Tuesday")),
    ("wed", _("Wednesday")),
    ("thu", _("Thursday")),
    ("fri", _("Friday")),
    ("sat", _("Saturday")),
    ("sun", _("Sunday")),
]
GROUP_CHOICES = [
    ("", _("Prefer not to say")),
    ("older_people", _("Older person")),
    ("disabilities", _("Person with a disability")),
    ("other", _("Other")),
]


class LanguagesField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Languages"))
        kwargs.setdefault(
            "help_text", _("Separate them with commas, e.g. English, español, العربية.")
        )
        kwargs.setdefault("max_length", 300)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[str]:
        text = super().clean(value)
        return parse_languages(text or "")

    def prepare_value(self, value: Any) -> Any:
        return languages_text(value) if isinstance(value, list) else value


class WeeklySlotsForm(forms.Form):
    """Up to four times in the week (day, from, to), checked together."""

    def __init__(
        self, *args: Any, initial_slots: list[dict[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for row in range(1, SLOT_ROWS + 1):
            existing = (initial_slots or [])[row - 1] if row <= len(initial_slots or []) else {}
            self.fields[f"slot_{row}_day"] = forms.ChoiceField(
                label=_("Time %(n)s: day") % {"n": row},
                choices=DAY_CHOICES,
                required=False,
                initial=existing.get("day", ""),
            )
            self.fields[f"slot_{row}_start"] = forms.CharField(
                label=_("Time %(n)s: from (HH:MM)") % {"n": row},
                required=False,
                max_length=5,
                initial=existing.get("start", ""),
                widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 5}),
            )
            self.fields[f"slot_{row}_end"] = forms.CharField(
                label=_("Time %(n)s: to (HH:MM)") % {"n": row},
                required=False,
                max_length=5,
                initial=existing.get("end", ""),
                widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 5}),
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        rows = []
        for row in range(1, SLOT_ROWS + 1):
            day = data.get(f"slot_{row}_day") or ""
            start = (data.get(f"slot_{row}_start") or "").strip()
            end = (data.get(f"slot_{row}_end") or "").strip()
            if not (day or start or end):
                continue
            if day not in DAYS:
                self.add_error(f"slot_{row}_day", _("Choose the day."))
                continue
            rows.append((day, start, end))
        if self.errors:
            return data
        try:
            data["availability"] = slots_from_rows(rows)
        except ValidationError as error:
            for message in error.message_dict.get("availability", []):
                self.add_error("slot_1_day", message)
        return data


def _district_field(city: City, required: bool = True) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=District.objects.filter(city=city).order_by("name"),
        label=_("District"),
        required=required,
        empty_label=_("Choose a district"),
    )


class VolunteerForm(WeeklySlotsForm):
    def __init__(self, *args: Any, city: City, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {
            "languages": LanguagesField(label=_("Languages you speak")),
            "interests": forms.MultipleChoiceField(
                label=_("What you enjoy"),
                choices=INTERESTS.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            ),
            "district": _district_field(city),
            "travel_km": forms.IntegerField(
                label=_("How far you can travel (km)"), min_value=0, max_value=100
            ),
            "gender": forms.ChoiceField(
                label=_("Gender"),
                help_text=_("Some people ask for a volunteer of a given gender."),
                choices=[("", _("Prefer not to say")), *Gender.choices],
                required=False,
            ),
            "capacity": forms.IntegerField(
                label=_("How many people you can accompany"), min_value=1, max_value=5, initial=1
            ),
            **self.fields,
        }


class ReferralForm(WeeklySlotsForm):
    def __init__(self, *args: Any, city: City, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {
            "referred_by": forms.ChoiceField(label=_("Who is asking?"), choices=ReferredBy.choices),
            "referrer_name": forms.CharField(
                label=_("Your name (if you ask for someone else)"), required=False, max_length=120
            ),
            "first_name": forms.CharField(label=_("First name of the person"), max_length=60),
            "contact_private": forms.CharField(
                label=_("Their phone or e-mail"), required=False, max_length=120
            ),
            "consent": forms.BooleanField(
                label=_(
                    "The person agrees that the city keeps these details to find them a volunteer."
                ),
                required=False,
            ),
            "consent_how": forms.CharField(
                label=_("How did they agree?"),
                help_text=_("For example: in person, on the phone, in writing."),
                max_length=120,
                required=False,
            ),
            "languages": LanguagesField(label=_("Languages the person speaks")),
            "interests": forms.MultipleChoiceField(
                label=_("What the person enjoys"),
                choices=INTERESTS.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            ),
            "accessibility_needs": forms.MultipleChoiceField(
                label=_("Access needs"),
                choices=ACCESS_NEEDS.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            ),
            "needs_private": forms.CharField(
                label=_("Anything else the coordinator should know"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
            ),
            "district": _district_field(city),
            "group": forms.ChoiceField(
                label=_("The person is"), choices=GROUP_CHOICES, required=False
            ),
            "wants_volunteer_gender": forms.ChoiceField(
                label=_("Would they like a volunteer who is"),
                choices=[("", _("Anyone")), *Gender.choices],
                required=False,
            ),
            **self.fields,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("consent"):
            self.add_error(
                "consent", _("We can only keep a referral when the person has agreed to it.")
            )
        elif not (data.get("consent_how") or "").strip():
            self.add_error("consent_how", _("Say how the person gave their consent."))
        return data


class CheckForm(forms.Form):
    kind = forms.ChoiceField(label=_("Check"), choices=CheckKind.choices)
    checked_on = forms.DateField(
        label=_("Checked on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    expires_on = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(label=_("Reference"), required=False, max_length=80)


LONELINESS_CHOICES = [
    ("1", _("Hardly ever")),
    ("2", _("Some of the time")),
    ("3", _("Often")),
]


class LonelinessForm(forms.Form):
    taken_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    lack_companionship = forms.TypedChoiceField(
        label=_("How often do you feel that you lack companionship?"),
        choices=LONELINESS_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    left_out = forms.TypedChoiceField(
        label=_("How often do you feel left out?"),
        choices=LONELINESS_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    isolated = forms.TypedChoiceField(
        label=_("How often do you feel isolated from others?"),
        choices=LONELINESS_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )


class VisitForm(forms.Form):
    prefix = "visit"
    visited_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(label=_("Hours"), min_value=0.5, max_value=12, decimal_places=1)
    opportunity = forms.ModelChoiceField(
        queryset=Opportunity.objects.none(), label=_("Activity"), required=False
    )

    def __init__(self, *args: Any, opportunities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opportunity"].queryset = opportunities  # type: ignore[attr-defined]


class ConcernForm(forms.Form):
    text_private = forms.CharField(
        label=_("What worries you"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    is_urgent = forms.BooleanField(label=_("Urgent: someone may be at risk"), required=False)


class PlanItemForm(forms.Form):
    prefix = "plan"
    opportunity = forms.ModelChoiceField(queryset=Opportunity.objects.none(), label=_("Activity"))

    def __init__(self, *args: Any, opportunities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opportunity"].queryset = opportunities  # type: ignore[attr-defined]


class SessionChoiceField(forms.ModelChoiceField):
    """A session named by its activity and its start, in the viewer's language."""

    def label_from_instance(self, obj: Any) -> str:
        starts = date_format(timezone.localtime(obj.starts_at), "DATETIME_FORMAT")
        return f"{obj.opportunity.title} · {starts}"


class JoinForm(forms.Form):
    prefix = "join"
    session = SessionChoiceField(queryset=Session.objects.none(), label=_("Date"))

    def __init__(self, *args: Any, sessions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions  # type: ignore[attr-defined]


class OverrideForm(forms.Form):
    volunteer = forms.ModelChoiceField(queryset=Volunteer.objects.none(), label=_("Volunteer"))

    def __init__(self, *args: Any, volunteers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("What was done"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class GroupForm(WeeklySlotsForm):
    def __init__(self, *args: Any, city: City, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {
            "kind": forms.ChoiceField(label=_("Kind of group"), choices=GroupKind.choices),
            "name": forms.CharField(label=_("Name"), max_length=120),
            "site": forms.ModelChoiceField(
                queryset=LearningSite.objects.filter(city=city, latitude__isnull=False).order_by(
                    "name"
                ),
                label=_("Where it meets"),
            ),
            "size": forms.IntegerField(label=_("How many people"), min_value=1, max_value=60),
            "languages": LanguagesField(),
            "interests": forms.MultipleChoiceField(
                label=_("Interests"),
                choices=INTERESTS.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            ),
            "travel_km": forms.IntegerField(
                label=_("How far the group can travel (km)"), min_value=0, max_value=50, initial=3
            ),
            **self.fields,
        }


class GroupAttendanceForm(forms.Form):
    session = SessionChoiceField(queryset=Session.objects.none(), label=_("Session"))
    children_present = forms.IntegerField(label=_("Children present"), min_value=0)
    older_present = forms.IntegerField(label=_("Older adults present"), min_value=0)

    def __init__(self, *args: Any, sessions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions  # type: ignore[attr-defined]


class CounsellorForm(forms.Form):
    email = forms.EmailField(label=_("The counsellor's account e-mail"))
    languages = LanguagesField()
    about = forms.CharField(label=_("About (shown to residents)"), max_length=300, required=False)


class SlotForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("To"), widget=forms.TimeInput(attrs={"type": "time"}))
    mode = forms.ChoiceField(label=_("How"), choices=AppointmentMode.choices)
    place = forms.CharField(label=_("Place or link"), max_length=240)


class NoteForm(forms.Form):
    text_private = forms.CharField(
        label=_("Note (only you and the person can read it)"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class MentorForm(forms.Form):
    email = forms.EmailField(label=_("The mentor's account e-mail"))
    languages = LanguagesField()
    fields_known = forms.MultipleChoiceField(
        label=_("Fields they know"),
        choices=INTERESTS.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    aims = forms.MultipleChoiceField(
        label=_("What they can help with"),
        choices=MentoringAim.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    capacity = forms.IntegerField(
        label=_("How many people they can mentor"), min_value=1, max_value=5, initial=2
    )


class MenteeForm(forms.Form):
    aim = forms.ChoiceField(
        label=_("What you aim for"), choices=MentoringAim.choices, widget=forms.RadioSelect
    )
    fields_wanted = forms.MultipleChoiceField(
        label=_("Fields you are interested in"),
        choices=INTERESTS.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = LanguagesField()
    goals_private = forms.CharField(
        label=_("Your goals, in your words (only you and your mentor read them)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class GoalForm(forms.Form):
    title = forms.CharField(label=_("New goal"), max_length=160)


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)


class MeetingForm(forms.Form):
    met_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    minutes = forms.IntegerField(label=_("How long (minutes)"), min_value=5, max_value=480)
    note_private = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Outcome"), choices=OutcomeKind.choices)
    achieved_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
