"""The member directory as a spreadsheet: export (CSV, XLSX) and import.

The export writes the import's layout, so a network coordinator edits an export and
uploads it again. Import creates or updates by ``slug`` (a new slug is a new City:
a city that joins the network is a City), and is all-or-nothing: every row is
checked first, every problem is listed by row and column, and nothing is saved
unless there is none. Files are read by ``core.spreadsheets.read_rows`` (its size,
row and zip limits)."""

import csv
import io
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from learningcity.core import spreadsheets
from learningcity.core.audit import record_event
from learningcity.core.countries import country_name
from learningcity.core.models import RESERVED_SLUGS, City, UnescoRegion, User

from .models import CityProfile, Cluster, ClusterMembership
from .services import change_membership_status, ensure_profile
from .vocabulary import CommunicationLanguage, MembershipStatus

MAX_ROWS = 5_000
MAX_BYTES = 5 * 1024 * 1024
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Codes CLDR names that are not countries (unknown region, groupings, pseudo-locales).
NOT_COUNTRIES = frozenset({"XX", "ZZ", "QO", "EU", "EZ", "UN", "XA", "XB"})

# (column, required) in the order of the file.
LAYOUT = [
    ("slug", True),
    ("name", True),
    ("country_code", True),
    ("region", True),
    ("latitude", True),
    ("longitude", True),
    ("time_zone", False),
    ("languages", False),
    ("population", True),
    ("population_year", False),
    ("area_km2", True),
    ("area_year", False),
    ("status", True),
    ("status_since", False),
    ("joined_on", False),
    ("clusters", False),
    ("website", False),
    ("mayor_title", False),
    ("mayor_name", False),
    ("mayor_office", False),
    ("contact_name", False),
    ("contact_title", False),
    ("contact_organisation", False),
    ("contact_address", False),
    ("contact_phone", False),
    ("contact_email", False),
    ("communication_language", False),
    ("gdp_city_usd", False),
    ("gdp_city_year", False),
    ("gdp_country_usd", False),
    ("gdp_country_year", False),
    ("schooling_men", False),
    ("schooling_women", False),
    ("schooling_year", False),
]
COLUMNS = [name for name, _required in LAYOUT]
REQUIRED = [name for name, required in LAYOUT if required]
TEXT_COLUMNS = {
    "website": 200,
    "mayor_title": 40,
    "mayor_name": 120,
    "mayor_office": 160,
    "contact_name": 120,
    "contact_title": 120,
    "contact_organisation": 160,
    "contact_address": 500,
    "contact_phone": 40,
}
YEAR_COLUMNS = [
    "population_year",
    "area_year",
    "gdp_city_year",
    "gdp_country_year",
    "schooling_year",
]
PROFILE_COLUMNS = [
    *TEXT_COLUMNS,
    "contact_email",
    "communication_language",
    "joined_on",
    *YEAR_COLUMNS,
    "gdp_city_usd",
    "gdp_country_usd",
    "schooling_men",
    "schooling_women",
]

UnreadableFile = spreadsheets.UnreadableFile


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    message: str


@dataclass
class PlannedCity:
    row: int
    slug: str
    city: dict[str, Any]
    profile: dict[str, Any]
    status: str
    status_since: date | None
    clusters: list[str] | None  # None: the column is absent or empty, leave as is


@dataclass
class Plan:
    cities: list[PlannedCity] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def file_format_for(name: str) -> str | None:
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return "csv"
    if lowered.endswith(".xlsx"):
        return "xlsx"
    return None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if text.startswith("'") and text[1:2] and text[1] in _FORMULA_STARTS:
        return text[1:]
    return text


def read_file(
    data: bytes, file_format: str | None
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    limits = spreadsheets.limits_for(max_rows=MAX_ROWS, max_bytes=MAX_BYTES)
    rows = spreadsheets.read_rows(data, file_format, limits)
    if not rows:
        raise UnreadableFile(_("The file is empty."))
    (_number, header), *body = [
        (number, [_cell_text(value) for value in cells]) for number, cells in rows
    ]
    return [re.sub(r"[\s-]+", "_", name.strip().lower()) for name in header], body


def check_file(data: bytes, file_format: str | None) -> Plan:
    """Read and check a file; ``UnreadableFile`` for a file that cannot be read."""
    header, rows = read_file(data, file_format)
    return check_rows(header, rows)


def check_rows(header: list[str], rows: list[tuple[int, list[str]]]) -> Plan:
    plan = Plan()
    seen_columns: set[str] = set()
    for name in header:
        if not name:
            plan.errors.append(RowError(1, "", _("A column has no name.")))
        elif name not in COLUMNS:
            plan.errors.append(
                RowError(1, name, _("Unknown column. The columns are: %s") % ", ".join(COLUMNS))
            )
        elif name in seen_columns:
            plan.errors.append(RowError(1, name, _("This column appears twice.")))
        seen_columns.add(name)
    for name in REQUIRED:
        if name not in seen_columns:
            plan.errors.append(RowError(1, name, _("This column is missing.")))
    if plan.errors:
        return plan
    clusters = set(Cluster.objects.values_list("slug", flat=True))
    first_row: dict[str, int] = {}
    for number, cells in rows:
        checker = _Row(number, header, cells, clusters)
        planned = checker.plan()
        if planned is not None and planned.slug in first_row:
            checker.error(
                "slug", _("Row %(row)s already has this city.") % {"row": first_row[planned.slug]}
            )
        elif planned is not None:
            first_row[planned.slug] = number
        plan.errors.extend(checker.errors)
        if planned is not None and not checker.errors:
            plan.cities.append(planned)
    if plan.errors:
        plan.cities = []
    return plan


class _Row:
    def __init__(self, number: int, header: list[str], cells: list[str], clusters: set[str]):
        self.number = number
        self.errors: list[RowError] = []
        self.clusters = clusters
        padded = [*cells, *[""] * (len(header) - len(cells))]
        self.values = dict(zip(header, padded, strict=False))
        if any(cells[len(header) :]):
            self.error("", _("This row has more cells than there are columns."))
        for name, value in self.values.items():
            if "\x00" in value:
                self.error(name, _("This cell contains an invisible NUL character."))
                self.values[name] = value.replace("\x00", "")

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))

    def get(self, name: str) -> str:
        return self.values.get(name, "").strip()

    def plan(self) -> PlannedCity | None:
        slug = self.slug()
        city = {
            "name": self.text("name", 120, required=True),
            "country_code": self.country(),
            "region": self.choice("region", UnescoRegion.values, required=True),
            "latitude": self.number_in("latitude", -90, 90, required=True),
            "longitude": self.number_in("longitude", -180, 180, required=True),
            "time_zone": self.time_zone(),
            "languages": self.languages(),
            "population": self.integer("population", 1, 100_000_000, required=True),
            "area_km2": self.decimal("area_km2", 0, 10_000_000, required=True),
        }
        profile: dict[str, Any] = {
            name: self.text(name, limit) for name, limit in TEXT_COLUMNS.items()
        }
        profile["contact_email"] = self.email("contact_email")
        profile["communication_language"] = (
            self.choice("communication_language", CommunicationLanguage.values) or "en"
        )
        profile["joined_on"] = self.date("joined_on")
        for name in YEAR_COLUMNS:
            profile[name] = self.integer(name, 1950, 2100)
        for name in ("gdp_city_usd", "gdp_country_usd"):
            profile[name] = self.decimal(name, 0, 10_000_000)
        for name in ("schooling_men", "schooling_women"):
            profile[name] = self.decimal(name, 0, 25, places=1)
        status = self.choice("status", MembershipStatus.values, required=True)
        status_since = self.date("status_since")
        clusters = self.cluster_list()
        if slug is None or status is None:
            return None
        return PlannedCity(self.number, slug, city, profile, status, status_since, clusters)

    # -- cells

    def slug(self) -> str | None:
        value = self.get("slug").lower()
        if not value:
            self.error("slug", _("This cell is required."))
            return None
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", value) or len(value) > 60:
            self.error(
                "slug",
                _("Use lower-case letters, digits and hyphens only (at most 60), as in kyiv-2."),
            )
            return None
        if value in RESERVED_SLUGS:
            self.error("slug", _("This address name is used by the platform itself."))
            return None
        return value

    def text(self, name: str, limit: int, *, required: bool = False) -> str:
        value = self.get(name)
        if required and not value:
            self.error(name, _("This cell is required."))
        elif len(value) > limit:
            self.error(name, _("At most %(count)s characters.") % {"count": limit})
        return value

    def choice(self, name: str, allowed: Iterable[str], *, required: bool = False) -> str | None:
        value = self.get(name).lower()
        options = list(allowed)
        if not value:
            if required:
                self.error(name, _("This cell is required."))
            return None
        if value not in options:
            self.error(name, _("Use one of: %s") % ", ".join(options))
            return None
        return value

    def country(self) -> str:
        value = self.get("country_code").upper()
        if not value:
            self.error("country_code", _("This cell is required."))
        elif (
            not re.fullmatch(r"[A-Z]{2}", value)
            or value in NOT_COUNTRIES
            or not country_name(value, "en", default="")
        ):
            self.error("country_code", _("Use a two-letter ISO 3166 country code, such as KE."))
        return value

    def time_zone(self) -> str:
        value = self.get("time_zone") or "UTC"
        if value not in zoneinfo.available_timezones():
            self.error("time_zone", _("Use a time zone name such as Africa/Nairobi."))
        return value

    def languages(self) -> list[str]:
        codes = [code.strip().lower() for code in re.split(r"[,;\s]+", self.get("languages"))]
        codes = [code for code in codes if code]
        if any(not re.fullmatch(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*", code) for code in codes):
            self.error("languages", _("Use language codes separated by commas, such as sw, en."))
        return codes or ["en"]

    def _number(self, name: str, required: bool) -> Decimal | None:
        value = self.get(name).replace(" ", "").replace("\u202f", "")
        if not value:
            if required:
                self.error(name, _("This cell is required."))
            return None
        if not re.fullmatch(r"-?\d+(?:[.,]\d+)?", value):
            self.error(name, _("Write a plain number, such as 1234.5."))
            return None
        try:
            return Decimal(value.replace(",", "."))
        except InvalidOperation:
            self.error(name, _("Write a plain number, such as 1234.5."))
            return None

    def _in_range(self, name: str, number: Decimal, low: float, high: float) -> bool:
        if not low <= number <= high:
            self.error(
                name,
                _("Use a number from %(low)s to %(high)s.") % {"low": low, "high": high},
            )
            return False
        return True

    def number_in(
        self, name: str, low: float, high: float, *, required: bool = False
    ) -> float | None:
        number = self._number(name, required)
        if number is None or not self._in_range(name, number, low, high):
            return None
        return float(number)

    def integer(self, name: str, low: int, high: int, *, required: bool = False) -> int | None:
        number = self._number(name, required)
        if number is None:
            return None
        if number != number.to_integral_value():
            self.error(name, _("Write a whole number."))
            return None
        if not self._in_range(name, number, low, high):
            return None
        return int(number)

    def decimal(
        self, name: str, low: float, high: float, *, required: bool = False, places: int = 2
    ) -> Decimal | None:
        number = self._number(name, required)
        if number is None or not self._in_range(name, number, low, high):
            return None
        return round(number, places)

    def email(self, name: str) -> str:
        value = self.get(name)
        if value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            self.error(name, _("Write an e-mail address, such as name@example.org."))
        return value[:254]

    def date(self, name: str) -> date | None:
        value = self.get(name)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.error(name, _("Write a date as YYYY-MM-DD."))
            return None

    def cluster_list(self) -> list[str] | None:
        value = self.get("clusters")
        if "clusters" not in self.values:
            return None
        slugs = [slug for slug in re.split(r"[,;\s]+", value.lower()) if slug]
        unknown = [slug for slug in slugs if slug not in self.clusters]
        if unknown:
            self.error(
                "clusters",
                _("Unknown cluster: %(names)s. The clusters are: %(known)s")
                % {"names": ", ".join(unknown), "known": ", ".join(sorted(self.clusters))},
            )
        return slugs


@transaction.atomic
def apply_plan(plan: Plan, *, actor: User | None) -> dict[str, int]:
    """Save a checked plan in one transaction; returns counts of created and updated."""
    if plan.errors:
        raise ValueError("a plan with errors cannot be applied")
    clusters = {cluster.slug: cluster for cluster in Cluster.objects.all()}
    created = updated = 0
    for planned in plan.cities:
        fields = {**planned.city, "country": country_name(planned.city["country_code"], "en")}
        city = City.objects.filter(slug=planned.slug).first()
        if city is None:
            city = City(slug=planned.slug, **fields)
            created += 1
        else:
            for name, value in fields.items():
                setattr(city, name, value)
            updated += 1
        try:
            city.full_clean()
        except ValidationError as error:
            # Checked already; a rule we did not check is still said by row.
            raise ImportRefused(
                [
                    RowError(planned.row, name, " ".join(messages))
                    for name, messages in error.message_dict.items()
                ]
            ) from None
        city.save()
        profile = ensure_profile(city)
        for name, value in planned.profile.items():
            setattr(profile, name, value)
        profile.save()
        if profile.status != planned.status or not city.membership_changes.exists():
            change_membership_status(
                actor=actor,
                city=city,
                status=planned.status,
                effective_on=planned.status_since,
                note=_("Imported"),
            )
        elif planned.status_since and profile.status_since != planned.status_since:
            CityProfile.objects.filter(pk=profile.pk).update(status_since=planned.status_since)
        if planned.clusters is not None:
            wanted = {clusters[slug] for slug in planned.clusters}
            ClusterMembership.objects.filter(city=city).exclude(cluster__in=wanted).delete()
            for cluster in wanted:
                ClusterMembership.objects.get_or_create(cluster=cluster, city=city)
    record_event(actor, "network.directory_imported", created=created, updated=updated)
    return {"created": created, "updated": updated}


class ImportRefused(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("import refused")
        self.errors = errors


# -- export ---------------------------------------------------------------------------


def safe_cells(values: Iterable[object]) -> list[str]:
    """Cells as text that no spreadsheet program will run as a formula."""
    cells = []
    for value in values:
        text = "" if value is None else str(value)
        cells.append("'" + text if text.startswith(_FORMULA_STARTS) else text)
    return cells


def export_rows() -> list[list[str]]:
    profiles = CityProfile.objects.select_related("city").order_by("city__name", "city_id")
    memberships: dict[int, list[str]] = {}
    for city_id, slug in ClusterMembership.objects.values_list("city_id", "cluster__slug").order_by(
        "cluster__position", "cluster__slug"
    ):
        memberships.setdefault(city_id, []).append(slug)
    rows = [COLUMNS]
    for profile in profiles:
        city = profile.city
        values: dict[str, Any] = {
            "slug": city.slug,
            "name": city.name,
            "country_code": city.country_code,
            "region": city.region,
            "latitude": city.latitude,
            "longitude": city.longitude,
            "time_zone": city.time_zone,
            "languages": ", ".join(city.languages),
            "population": city.population,
            "area_km2": city.area_km2,
            "status": profile.status,
            "status_since": profile.status_since,
            "clusters": ", ".join(memberships.get(city.pk, [])),
            **{name: getattr(profile, name) for name in PROFILE_COLUMNS},
        }
        rows.append(safe_cells(values[name] for name in COLUMNS))
    return rows


def export_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(export_rows())
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("cities")
    for row in export_rows():
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
