"""Monitoring: frameworks (trees of aggregates and indicators), indicator values with
their provenance, and index runs with their results.

A framework is network-wide (``city`` empty: the default KFLC, edited by network
coordinators) or a city's own. A city's framework either extends a network framework
(``base``: the city adds local indicators under the network's features, and its values
for the network's indicators still count in network runs) or stands alone (imported).
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from learningcity.core.models import City

# COINr codes become column names in R and CSV files: a letter first, then letters,
# digits and underscores; no spaces, no dots.
CODE_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,39}$"
validate_code = RegexValidator(
    CODE_PATTERN,
    _("Use a letter first, then letters, digits or underscores (at most 40 characters)."),
)
FIRST_YEAR = 1990
LAST_YEAR = 2100


class Framework(models.Model):
    slug = models.SlugField(_("address name"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    city = models.ForeignKey(
        City,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="monitoring_frameworks",
        help_text=_("Empty for a network-wide framework."),
    )
    base = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="extensions",
        help_text=_("The network framework this city framework adds local indicators to."),
    )
    # Names of the levels from the indicators (level 1) up to the index.
    level_names = models.JSONField(_("level names"), default=list, blank=True)
    is_default = models.BooleanField(_("network default"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=models.Q(city__isnull=True),
                name="network_framework_slug_unique",
            ),
            models.UniqueConstraint(
                fields=["city", "slug"],
                condition=models.Q(city__isnull=False),
                name="city_framework_slug_unique",
            ),
            models.UniqueConstraint(
                fields=["city", "base"],
                condition=models.Q(base__isnull=False),
                name="one_extension_per_city_and_base",
            ),
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_framework",
            ),
        ]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name in the reader's language when the shipped wording is translated
        (see kflc_strings.py); wording a coordinator changed shows as written."""
        return gettext(self.name) if self.name else ""

    @property
    def is_network(self) -> bool:
        return self.city_id is None

    def level_name(self, level: int | None) -> str:
        if level is not None and 1 <= level <= len(self.level_names):
            return pgettext("framework level", str(self.level_names[level - 1]))
        return str(_("Level %(level)s") % {"level": level})


class NodeType(models.TextChoices):
    INDICATOR = "Indicator", _("Indicator")
    AGGREGATE = "Aggregate", _("Aggregate")
    DENOMINATOR = "Denominator", _("Denominator")


class Direction(models.IntegerChoices):
    HIGHER_IS_BETTER = 1, _("Higher is better")
    LOWER_IS_BETTER = -1, _("Lower is better")


class FrameworkNode(models.Model):
    """One row of a framework: the index, an aggregate (area, area of focus, feature)
    or an indicator. Rows map one to one onto COINr ``iMeta`` rows."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="nodes")
    code = models.CharField(_("code"), max_length=40, validators=[validate_code])
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    type = models.CharField(_("type"), max_length=12, choices=NodeType.choices)
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    position = models.PositiveIntegerField(default=0)
    direction = models.SmallIntegerField(
        _("direction"), choices=Direction.choices, default=Direction.HIGHER_IS_BETTER
    )
    weight = models.FloatField(_("weight"), default=1.0, validators=[MinValueValidator(0)])
    unit = models.CharField(_("unit"), max_length=80, blank=True)
    target = models.FloatField(_("target"), null=True, blank=True)
    denominator = models.CharField(_("divided by"), max_length=40, blank=True)
    min_value = models.FloatField(_("lowest possible value"), null=True, blank=True)
    max_value = models.FloatField(_("highest possible value"), null=True, blank=True)
    derived = models.CharField(
        _("computed from the platform's data"),
        max_length=60,
        blank=True,
        help_text=_("Empty when coordinators enter the values."),
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="node_code_unique"),
            models.CheckConstraint(
                condition=models.Q(min_value__isnull=True)
                | models.Q(max_value__isnull=True)
                | models.Q(min_value__lte=models.F("max_value")),
                name="node_range_ordered",
            ),
        ]
        verbose_name = _("framework item")
        verbose_name_plural = _("framework items")

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def label(self) -> str:
        """The name in the reader's language (see ``Framework.label``)."""
        return gettext(self.name) if self.name else ""

    @property
    def unit_label(self) -> str:
        return gettext(self.unit) if self.unit else ""

    @property
    def is_indicator(self) -> bool:
        return self.type == NodeType.INDICATOR

    def allows(self, value: float) -> bool:
        """Inside the declared range (an open end allows anything)."""
        too_low = self.min_value is not None and value < self.min_value
        too_high = self.max_value is not None and value > self.max_value
        return not (too_low or too_high)


class ValueStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    VALIDATED = "validated", _("Validated")


class IndicatorValue(models.Model):
    """One city's value of one indicator in one year, with where it came from."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="indicator_values")
    indicator = models.ForeignKey(FrameworkNode, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    value = models.FloatField(_("value"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ValueStatus.choices, default=ValueStatus.DRAFT
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered"), default=timezone.now)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    validated_at = models.DateTimeField(_("validated"), null=True, blank=True)

    class Meta:
        ordering = ["indicator__position", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "indicator", "year"], name="one_value_per_city_indicator_year"
            )
        ]
        indexes = [models.Index(fields=["indicator", "year", "status"])]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}: {self.value:g}"

    @property
    def is_validated(self) -> bool:
        return self.status == ValueStatus.VALIDATED


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to run")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class IndexRun(models.Model):
    """One build of the index for the network's cities (and, optionally, an
    uncertainty analysis). ``inputs`` keeps the exact iMeta and iData used, so a run
    can be reproduced with the command line."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="runs")
    title = models.CharField(_("title"), max_length=200, blank=True)
    years = models.JSONField(_("years"), default=list)
    spec = models.JSONField(_("pipeline"), default=dict)
    uncertainty = models.JSONField(_("uncertainty analysis"), default=dict, blank=True)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)], help_text=_("Per cent done.")
    )
    problems = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True)
    inputs = models.JSONField(default=dict, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Dead workers (monitoring.services.reap_stalled_runs): a worker holds a queued
    # run until ``lease_expires_at`` and renews it with each progress report; a run
    # whose lease ran out is queued again, or failed once ``attempts`` is used up.
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("index run")
        verbose_name_plural = _("index runs")

    def __str__(self) -> str:
        return self.title or f"{self.framework} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_done(self) -> bool:
        return self.status == RunStatus.DONE

    @property
    def has_uncertainty(self) -> bool:
        return bool(self.uncertainty)

    @property
    def last_year(self) -> int | None:
        return max(self.years) if self.years else None

    @property
    def has_panel_inputs(self) -> bool:
        """Whether ``inputs`` holds one framework for all years (the panel that
        ``learningcity index build`` re-runs); runs stored before years were built
        together kept a framework per year."""
        return isinstance(self.inputs.get("rows"), list)

    @property
    def years_normalisation(self) -> str:
        """How the run put its years on one scale; see :func:`years_normalisation`."""
        return years_normalisation(self.spec)


# The values of ``IndexRun.years_normalisation``.
GLOBAL_NORMALISATION = "global"
PER_YEAR_NORMALISATION = "per_year"
NO_NORMALISATION = "none"


def years_normalisation(spec: object) -> str:
    """``"global"`` when a pipeline normalises all its years together (COINr's global
    normalisation of a panel: scores compare across years), ``"per_year"`` when each
    year is normalised on its own (a score then shows the city's position among that
    year's cities), ``"none"`` when the pipeline has no normalise step.

    A normalise step without ``"global"`` pools the years in a panel build (a spec
    with ``"split_to"``, as COINr's default) and not otherwise (runs stored before
    years were built together)."""
    if isinstance(spec, list):
        spec = {"steps": spec}
    if not isinstance(spec, dict) or not isinstance(spec.get("steps"), list):
        return NO_NORMALISATION
    panel = spec.get("split_to") is not None
    pooled = [
        step.get("global", panel) is True
        for step in spec["steps"]
        if isinstance(step, dict) and step.get("step") == "normalise"
    ]
    if not pooled:
        return NO_NORMALISATION
    return GLOBAL_NORMALISATION if all(pooled) else PER_YEAR_NORMALISATION


class IndexResult(models.Model):
    """A city's score and rank for one aggregate in one year of a run; for the index
    itself after an uncertainty run, also its median rank and 5–95 % interval."""

    run = models.ForeignKey(IndexRun, on_delete=models.CASCADE, related_name="results")
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=40)
    level = models.PositiveSmallIntegerField()
    score = models.FloatField(null=True)
    rank = models.PositiveIntegerField(null=True)
    median_rank = models.FloatField(null=True)
    rank_low = models.FloatField(null=True, help_text="5th percentile of the simulated ranks")
    rank_high = models.FloatField(null=True, help_text="95th percentile of the simulated ranks")

    class Meta:
        ordering = ["year", "rank", "city__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "city", "year", "code"], name="one_result_per_run_city_year_code"
            )
        ]
        indexes = [models.Index(fields=["run", "year", "code"])]
        verbose_name = _("index result")
        verbose_name_plural = _("index results")

    def __str__(self) -> str:
        return f"{self.code} {self.year}: {self.score} (rank {self.rank})"
