"""Forms of the monitoring pages. They check the shape of the input; the services
check the rules (ranges, codes, structure) and report problems the same way."""

import json
import math
from collections.abc import Sequence
from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .derived import DERIVED
from .models import (
    CODE_PATTERN,
    FIRST_YEAR,
    GLOBAL_NORMALISATION,
    LAST_YEAR,
    PER_YEAR_NORMALISATION,
    Direction,
    FrameworkNode,
    ValueStatus,
)
from .services import EDITABLE_NODE_FIELDS, MAX_SAMPLES, SPEC_PRESETS
from .tables import MAX_UPLOAD_BYTES


def recent_years(count: int = 4) -> list[int]:
    this_year = timezone.now().year
    return list(range(this_year - count + 1, this_year + 1))


class FiniteFloatField(forms.FloatField):
    """A number; 'inf' and 'nan' are not numbers to a coordinator."""

    def to_python(self, value: Any) -> float | None:  # type: ignore[override]
        number = super().to_python(value)
        if number is not None and not math.isfinite(number):
            raise forms.ValidationError(_("Enter a number."), code="invalid")
        return number


class NodeChoiceField(forms.ModelChoiceField):
    """Framework rows by code and name in the reader's language (as the framework page
    shows them), with the unit of an indicator."""

    def label_from_instance(self, obj: FrameworkNode) -> str:  # type: ignore[override]
        unit = f" ({obj.unit_label})" if obj.unit and obj.type != "Aggregate" else ""
        return f"{obj.code} · {obj.label}{unit}"


class ValueForm(forms.Form):
    indicator = NodeChoiceField(queryset=FrameworkNode.objects.none(), label=_("Indicator"))
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    value = FiniteFloatField(label=_("Value"))
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        required=False,
        help_text=_("Where the figure comes from: a survey, a statistics office, a report."),
    )
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ValueStatus.choices,
        initial=ValueStatus.DRAFT,
        widget=forms.RadioSelect,
        help_text=_("Only validated values count in index runs and are shared with the network."),
    )

    def __init__(self, *args: Any, indicators: Sequence[FrameworkNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["indicator"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = FrameworkNode.objects.filter(pk__in=[node.pk for node in indicators])
        chosen = next(
            (node for node in indicators if node.pk == self.initial.get("indicator")), None
        )
        if chosen is not None and chosen.unit:
            self.fields["value"].help_text = _("In %(unit)s.") % {"unit": chosen.unit_label}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        indicator, value = data.get("indicator"), data.get("value")
        if indicator is not None and value is not None and not indicator.allows(value):
            from .services import range_message

            self.add_error("value", range_message(indicator))
        return data


class ValidateForm(forms.Form):
    values = forms.MultipleChoiceField(
        label=_("Drafts to validate"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one value to validate.")},
    )

    def __init__(self, *args: Any, choices: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["values"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = choices


class UploadField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload is not None and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s. Split it into parts.")
                % {"limit": filesizeformat(MAX_UPLOAD_BYTES)}
            )
        return upload


class ImportValuesForm(forms.Form):
    framework = forms.ChoiceField(label=_("Framework"))
    file = UploadField(
        label=_("iData file (CSV or XLSX)"),
        help_text=_(
            "First row: uCode, Time and one column per indicator code. One row per "
            "year, with this city's address name as uCode. Empty or NA cells are "
            "skipped."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    year = forms.IntegerField(
        label=_("Year, when the file has no Time column"),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        required=False,
    )
    source = forms.CharField(label=_("Source of these values"), max_length=300, required=False)
    status = forms.ChoiceField(
        label=_("Status of the imported values"),
        choices=ValueStatus.choices,
        initial=ValueStatus.DRAFT,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, framework_choices: Sequence[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["framework"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = framework_choices


class ImportFrameworkForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Address name"),
        max_length=60,
        help_text=_("Lower-case letters, digits and hyphens, used in the page's address."),
    )
    file = UploadField(
        label=_("iMeta file (CSV)"),
        help_text=_(
            "Columns Level, iCode, iName, Direction, Weight, Unit, Target, "
            "Denominator, Parent, Type (optional: Min, Max, Derived)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv"}),
    )


class NodeForm(forms.ModelForm):
    """Wording and measurement of an existing row (its place in the tree stays)."""

    weight = FiniteFloatField(label=_("Weight"), min_value=0)
    target = FiniteFloatField(label=_("Target"), required=False)
    min_value = FiniteFloatField(label=_("Lowest possible value"), required=False)
    max_value = FiniteFloatField(label=_("Highest possible value"), required=False)

    class Meta:
        model = FrameworkNode
        fields = EDITABLE_NODE_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_value"), data.get("max_value")
        if low is not None and high is not None and low > high:
            self.add_error("max_value", _("The highest value must not be below the lowest."))
        return data


class NewIndicatorForm(forms.Form):
    parent = NodeChoiceField(queryset=FrameworkNode.objects.none(), label=_("Feature"))
    code = forms.RegexField(
        regex=CODE_PATTERN,
        label=_("Code"),
        max_length=40,
        help_text=_("A letter first, then letters, digits or underscores, e.g. L_LIB_VISITS."),
        error_messages={"invalid": _("Use a letter first, then letters, digits or underscores.")},
    )
    name = forms.CharField(label=_("Name"), max_length=300)
    unit = forms.CharField(label=_("Unit"), max_length=80, required=False)
    direction = forms.TypedChoiceField(
        label=_("Direction"),
        choices=Direction.choices,
        coerce=int,
        initial=Direction.HIGHER_IS_BETTER,
    )
    weight = FiniteFloatField(label=_("Weight"), min_value=0, initial=1)
    target = FiniteFloatField(label=_("Target"), required=False)
    min_value = FiniteFloatField(label=_("Lowest possible value"), required=False)
    max_value = FiniteFloatField(label=_("Highest possible value"), required=False)
    derived = forms.ChoiceField(
        label=_("Computed from the platform's data"),
        required=False,
        help_text=_("Leave empty when coordinators enter the values."),
    )

    def __init__(self, *args: Any, features: Sequence[FrameworkNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)
        parent.queryset = FrameworkNode.objects.filter(pk__in=[node.pk for node in features])
        derived = self.fields["derived"]
        assert isinstance(derived, forms.ChoiceField)
        derived.choices = [("", _("No: values are entered"))] + [
            (key, str(item.name)) for key, item in DERIVED.items() if item.available
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_value"), data.get("max_value")
        if low is not None and high is not None and low > high:
            self.add_error("max_value", _("The highest value must not be below the lowest."))
        return data

    def node_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "code",
                "name",
                "unit",
                "direction",
                "weight",
                "target",
                "min_value",
                "max_value",
                "derived",
            )
        }


class RunForm(forms.Form):
    framework = forms.ChoiceField(label=_("Framework"))
    years = forms.TypedMultipleChoiceField(
        label=_("Years"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    preset = forms.ChoiceField(
        label=_("Method"),
        choices=[
            ("standard", _("Min-max to 0–100, then arithmetic means (COINr's standard)")),
            (
                "treated",
                _(
                    "Screen cities with under half the data, fill gaps with the mean, "
                    "treat outliers, min-max, arithmetic means"
                ),
            ),
            ("geometric", _("Min-max to 1–100, then geometric means")),
            ("custom", _("My own pipeline (JSON below)")),
        ],
        initial="standard",
        widget=forms.RadioSelect,
    )
    spec = forms.CharField(
        label=_("Pipeline (JSON)"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=_(
            'COINr steps, e.g. {"steps": [{"step": "normalise"}, {"step": '
            '"aggregate", "f_ag": "a_amean"}]}'
        ),
    )
    normalisation = forms.ChoiceField(
        label=_("Comparing years"),
        choices=[
            (
                GLOBAL_NORMALISATION,
                _(
                    "Normalise all years together, so that a city's scores compare "
                    "across years (COINr's global normalisation)"
                ),
            ),
            (
                PER_YEAR_NORMALISATION,
                _(
                    "Normalise each year on its own: a score then only shows the city's "
                    "place among that year's cities"
                ),
            ),
        ],
        initial=GLOBAL_NORMALISATION,
        required=False,  # left out: the years are normalised together
        widget=forms.RadioSelect,
        help_text=_(
            "Applies to the pipeline's normalise step; a custom pipeline that sets "
            '"global" on its normalise step keeps its own choice.'
        ),
    )
    samples = forms.TypedChoiceField(
        label=_("Uncertainty analysis of the last year"),
        coerce=int,
        initial=0,
        choices=[
            (0, _("None")),
            (64, _("Quick (64 samples)")),
            (256, _("Standard (256 samples)")),
            (1024, _("Thorough (1,024 samples)")),
        ],
        help_text=_(
            # xgettext:no-python-format
            "Varies weights, normalisation, aggregation, imputation and outlier "
            "treatment to give each city's median rank and 5–95 % interval. Runs in "
            "the background."
        ),
    )
    drop_unusable = forms.BooleanField(
        label=_(
            "Leave out indicators that no city reported, or where every city has the "
            "same value (they are listed in the run's notes)"
        ),
        required=False,
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)

    def __init__(
        self,
        *args: Any,
        framework_choices: Sequence[tuple[str, str]],
        year_choices: Sequence[int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        framework = self.fields["framework"]
        assert isinstance(framework, forms.ChoiceField)
        framework.choices = framework_choices
        years = self.fields["years"]
        assert isinstance(years, forms.ChoiceField)
        years.choices = [(year, str(year)) for year in year_choices]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("preset") == "custom":
            try:
                data["pipeline"] = json.loads(data.get("spec") or "")
            except ValueError:
                self.add_error("spec", _("This is not valid JSON."))
        elif data.get("preset"):
            data["pipeline"] = SPEC_PRESETS[data["preset"]]
        if data.get("samples", 0) > MAX_SAMPLES:
            self.add_error("samples", _("Too many samples."))
        return data


class PreviewForm(forms.Form):
    """The years of a city coordinator's preview of the index (a GET form: a preview
    is a read, never stored)."""

    years = forms.TypedMultipleChoiceField(
        label=_("Years"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one year.")},
    )

    def __init__(self, *args: Any, year_choices: Sequence[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["years"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(year, str(year)) for year in year_choices]
