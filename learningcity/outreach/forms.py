"""Forms of the outreach pages (labels and limits; the services decide)."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from learningcity.core.models import City, District
from learningcity.core.tenancy import for_city

from .importer import MAX_BYTES
from .models import Group, Objective, Vehicle
from .services import MAX_WEEKS

MAX_TIME_LIMIT = 600

DAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[
            ("demand", _("Demand blocks: where people live, by group")),
            ("candidates", _("Candidate stops: places a stop could be")),
        ],
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A .csv, .xlsx or .geojson file of at most 5 MB. It replaces the ones "
            "imported before; nothing is saved if any row has a fault."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 5 MB. Split it into smaller files.")
            )
        return upload


class VehicleForm(forms.ModelForm):
    days = forms.TypedMultipleChoiceField(
        label=_("Days it works"),
        choices=DAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        initial=[0, 1, 2, 3, 4],
    )

    class Meta:
        model = Vehicle
        fields = [
            "name",
            "depot_latitude",
            "depot_longitude",
            "starts_at",
            "ends_at",
            "stop_minutes",
            "days",
        ]
        widgets = {
            "starts_at": forms.TimeInput(attrs={"type": "time"}),
            "ends_at": forms.TimeInput(attrs={"type": "time"}),
        }


class PlanForm(forms.Form):
    radius = forms.IntegerField(
        label=_("Walking radius (metres)"),
        help_text=_("A resident within this distance of a stop counts as reached."),
        initial=800,
        min_value=1,
        max_value=20_000,
    )
    stops = forms.IntegerField(label=_("Number of stops"), initial=8, min_value=1, max_value=1000)
    objective = forms.ChoiceField(
        label=_("Aim"),
        choices=Objective.choices,
        initial=Objective.COVERAGE,
        widget=forms.RadioSelect,
    )

    time_limit = forms.IntegerField(
        label=_("Time limit for choosing the stops (seconds)"),
        help_text=_(
            "When the limit is reached the best plan found so far is kept, with how far it "
            "may be from the best possible."
        ),
        initial=30,
        min_value=1,
        max_value=MAX_TIME_LIMIT,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for group in Group:
            self.fields[f"weight_{group.value}"] = forms.FloatField(
                label=_("Weight of %(group)s") % {"group": group.label.lower()},
                initial=1.0,
                min_value=0.0,
                max_value=100.0,
            )
            self.fields[f"radius_{group.value}"] = forms.IntegerField(
                label=_("Walking radius of %(group)s (metres)") % {"group": group.label.lower()},
                help_text=_("Leave empty to use the walking radius above."),
                required=False,
                min_value=1,
                max_value=20_000,
            )
        self.fields["time_limit"] = self.fields.pop("time_limit")  # last, after the groups

    def parameters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "radius": data["radius"],
            "stops": data["stops"],
            "objective": data["objective"],
            "weights": {g.value: data[f"weight_{g.value}"] for g in Group},
            "radius_by_group": {
                g.value: data[f"radius_{g.value}"] for g in Group if data.get(f"radius_{g.value}")
            },
            "time_limit": data["time_limit"],
        }


class PublishForm(forms.Form):
    weeks = forms.IntegerField(
        label=_("Number of weeks to publish"),
        initial=8,
        min_value=1,
        max_value=MAX_WEEKS,
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the visit cancelled?"),
        help_text=_("Residents see this on the stop's page and in its calendar."),
        max_length=300,
    )


class NearForm(forms.Form):
    """The timetable's search: a district, a place name, or a point (lat/lng)."""

    district = forms.ChoiceField(label=_("District"), required=False)
    near = forms.CharField(
        label=_("Near a place"),
        help_text=_("Your street, a district, a library, a school or another place in the city."),
        required=False,
        max_length=100,
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)

    def __init__(self, *args: Any, city: City, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.districts = {d.slug: d for d in for_city(District, city)}
        cast(forms.ChoiceField, self.fields["district"]).choices = [("", _("Any district"))] + [
            (d.slug, d.name) for d in self.districts.values()
        ]
