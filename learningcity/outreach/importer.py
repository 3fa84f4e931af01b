"""Reading demand blocks and candidate stops from a CSV/XLSX file or GeoJSON.

All or nothing: the file is checked whole and every fault comes back by row and
column (``RowError``); only a file without faults is saved (``services``). Tables
are read by ``core.spreadsheets.read_rows`` (its size and row limits); GeoJSON by
``json`` after a size check, points as they are and polygons at their centroid.
"""

import json
import math
import re
from dataclasses import dataclass, field
from datetime import time
from typing import Any

from django.utils.translation import gettext as _

from learningcity.core import spreadsheets
from learningcity.core.models import City, District
from learningcity.core.spreadsheets import UnreadableFile
from learningcity.core.tenancy import for_city

from .models import Group

MAX_ROWS = 20_000
MAX_BYTES = 5_000_000
# A point farther than this from the city's centre is taken for a typing mistake
# (a swapped lat/lon, a missing minus sign), not for a place in the city.
MAX_KM_FROM_CITY = 80.0

DEMAND_COLUMNS = ["name", "district", "lat", "lon", "older", "disabled", "under_five"]
DEMAND_REQUIRED = ["name", "lat", "lon"]
CANDIDATE_COLUMNS = [
    "name",
    "address",
    "lat",
    "lon",
    "required",
    "group",
    "window_start",
    "window_end",
]
CANDIDATE_REQUIRED = ["name", "lat", "lon"]
_ALIASES = {"latitude": "lat", "longitude": "lon", "lng": "lon"}
_TRUE = {"yes", "y", "true", "1", "x"}
_FALSE = {"no", "n", "false", "0", ""}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class Checked:
    """The rows ready to save (field dicts), or the faults that stop the import."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def file_format(name: str) -> str | None:
    lowered = name.lower()
    for ext in ("csv", "xlsx", "geojson", "json"):
        if lowered.endswith("." + ext):
            return "geojson" if ext == "json" else ext
    return None


def check_file(data: bytes, name: str, kind: str, city: City) -> Checked:
    """Check an upload of ``kind`` ("demand" or "candidates") for ``city``."""
    fmt = file_format(name)
    try:
        if fmt == "geojson":
            header, rows = _geojson_rows(data)
        elif fmt in ("csv", "xlsx"):
            header, rows = _table_rows(data, fmt)
        else:
            raise UnreadableFile(_("Upload a .csv, .xlsx or .geojson file."))
    except UnreadableFile as error:
        return Checked(errors=[RowError(0, "", error.message)])
    if kind == "demand":
        return _check(header, rows, city, DEMAND_COLUMNS, DEMAND_REQUIRED, _demand_row)
    return _check(header, rows, city, CANDIDATE_COLUMNS, CANDIDATE_REQUIRED, _candidate_row)


Rows = list[tuple[int, dict[str, str]]]


def _normal(name: str) -> str:
    key = re.sub(r"[\s-]+", "_", name.strip().lower().lstrip("\ufeff"))
    return _ALIASES.get(key, key)


def _table_rows(data: bytes, fmt: str) -> tuple[list[str], Rows]:
    limits = spreadsheets.limits_for(max_rows=MAX_ROWS, max_bytes=MAX_BYTES)
    rows = spreadsheets.read_rows(data, fmt, limits)
    if not rows:
        raise UnreadableFile(_("The file is empty."))
    (_first, head), *body = rows
    header = [_normal(str(cell or "")) for cell in head]
    out: Rows = []
    for number, cells in body:
        texts = ["" if c is None else _cell(c) for c in cells]
        out.append(
            (number, {h: (texts[i] if i < len(texts) else "") for i, h in enumerate(header)})
        )
    return header, out


def _cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value).strip()


def _geojson_rows(data: bytes) -> tuple[list[str], Rows]:
    if len(data) > MAX_BYTES:
        raise UnreadableFile(_("The file is larger than 5 MB. Split it into smaller files."))
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise UnreadableFile(
            _("This is not a GeoJSON file: it could not be read as JSON.")
        ) from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise UnreadableFile(_("A GeoJSON file needs a FeatureCollection with features."))
    if len(features) > MAX_ROWS:
        raise UnreadableFile(
            _("The file has more than %(count)s features. Split it into smaller files.")
            % {"count": MAX_ROWS}
        )
    header: list[str] = []
    rows: Rows = []
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        values = {
            _normal(str(k)): ("" if v is None else _cell(v))
            for k, v in (props.items() if isinstance(props, dict) else [])
        }
        point = _feature_point(feature.get("geometry") if isinstance(feature, dict) else None)
        if point is None:
            values["lat"], values["lon"] = "?", "?"
            values["__geometry__"] = "bad"
        else:
            values["lat"], values["lon"] = repr(point[0]), repr(point[1])
        for key in values:
            if key not in header and key != "__geometry__":
                header.append(key)
        rows.append((number, values))
    for must in ("lat", "lon"):
        if must not in header:
            header.append(must)
    return header, rows


def _feature_point(geometry: object) -> tuple[float, float] | None:
    """(lat, lon) of a Point, or the area centroid of a Polygon / MultiPolygon."""
    if not isinstance(geometry, dict):
        return None
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    try:
        if kind == "Point":
            lon, lat = float(coords[0]), float(coords[1])  # type: ignore[index]
            return (lat, lon)
        if kind == "Polygon":
            return _centroid([coords[0]])  # type: ignore[index]
        if kind == "MultiPolygon":
            return _centroid([polygon[0] for polygon in coords])  # type: ignore[union-attr]
    # OverflowError: a JSON integer too large for a float (JSON numbers have no limit).
    except (TypeError, ValueError, IndexError, KeyError, OverflowError):
        return None
    return None


def _centroid(rings: list[Any]) -> tuple[float, float] | None:
    """Area-weighted centroid of outer rings (shoelace on lon/lat: blocks are small
    enough for the plane to be right to well under a metre)."""
    area_sum = cx = cy = 0.0
    for ring in rings:
        pts = [(float(p[0]), float(p[1])) for p in ring]
        for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1], strict=True):
            cross = x0 * y1 - x1 * y0
            area_sum += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
    if area_sum == 0:
        return None
    return (cy / (3 * area_sum), cx / (3 * area_sum))


def _check(
    header: list[str],
    rows: Rows,
    city: City,
    columns: list[str],
    required: list[str],
    build: Any,
) -> Checked:
    checked = Checked()
    seen: set[str] = set()
    for name in header:
        if name and name not in columns and name not in seen:
            checked.errors.append(
                RowError(1, name, _("Unknown column. The columns are: %s") % ", ".join(columns))
            )
        seen.add(name)
    for name in required:
        if name not in header:
            checked.errors.append(RowError(1, name, _("This column is missing.")))
    if checked.errors:
        return checked
    if not rows:
        checked.errors.append(RowError(0, "", _("The file has a header but no rows.")))
        return checked
    districts = {}
    for district in for_city(District, city):
        districts[district.slug.lower()] = district
        districts[district.name.lower()] = district
    names: dict[str, int] = {}
    for number, values in rows:
        errors: list[RowError] = []
        for column, value in values.items():
            if "\x00" in value:  # databases refuse it; it is never meant
                errors.append(
                    RowError(number, column, _("This cell contains an invisible NUL character."))
                )
                values[column] = value.replace("\x00", "")
        fields = build(number, values, errors, districts)
        _check_place(number, values, fields, city, errors)
        name = str(fields.get("name", "")).lower()
        if name and name in names:
            errors.append(
                RowError(
                    number,
                    "name",
                    _("This name is already used in row %(row)s.") % {"row": names[name]},
                )
            )
        names.setdefault(name, number)
        if errors:
            checked.errors.extend(errors)
        else:
            checked.rows.append(fields)
    if checked.errors:
        checked.rows = []
    return checked


def _check_place(
    number: int, values: dict[str, str], fields: dict[str, Any], city: City, errors: list[RowError]
) -> None:
    if values.get("__geometry__"):
        errors.append(
            RowError(number, "geometry", _("Give a Point, Polygon or MultiPolygon geometry."))
        )
        return
    lat = _number(number, values, "lat", errors, low=-90, high=90)
    lon = _number(number, values, "lon", errors, low=-180, high=180)
    if lat is None or lon is None:
        return
    if km_between(lat, lon, city.latitude, city.longitude) > MAX_KM_FROM_CITY:
        errors.append(
            RowError(
                number,
                "lat",
                _(
                    "This place is more than %(km)s km from %(city)s. Check the latitude "
                    "and longitude (are they swapped?)."
                )
                % {"km": int(MAX_KM_FROM_CITY), "city": city.name},
            )
        )
        return
    fields["latitude"], fields["longitude"] = lat, lon


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h)))


def _number(
    number: int,
    values: dict[str, str],
    column: str,
    errors: list[RowError],
    *,
    low: float | None = None,
    high: float | None = None,
) -> float | None:
    text = values.get(column, "").strip().replace(",", ".")
    if not text:
        errors.append(RowError(number, column, _("This value is missing.")))
        return None
    try:
        value = float(text)
    except ValueError:
        errors.append(
            RowError(number, column, _("“%(value)s” is not a number.") % {"value": text[:40]})
        )
        return None
    if (
        not math.isfinite(value)
        or (low is not None and value < low)
        or (high is not None and value > high)
    ):
        errors.append(
            RowError(
                number,
                column,
                _("The value must be between %(low)s and %(high)s.") % {"low": low, "high": high},
            )
        )
        return None
    return value


def _count(number: int, values: dict[str, str], column: str, errors: list[RowError]) -> int:
    text = values.get(column, "").strip()
    if not text:
        return 0
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        errors.append(RowError(number, column, _("Write a whole number of people.")))
        return 0
    if not math.isfinite(value) or value < 0 or value != int(value) or value > 10_000_000:
        errors.append(RowError(number, column, _("Write a whole number of people.")))
        return 0
    return int(value)


def _name(number: int, values: dict[str, str], errors: list[RowError]) -> str:
    name = " ".join(values.get("name", "").split())
    if not name:
        errors.append(RowError(number, "name", _("This value is missing.")))
    elif len(name) > 160:
        errors.append(RowError(number, "name", _("Keep the name under 160 characters.")))
    return name


def _demand_row(
    number: int, values: dict[str, str], errors: list[RowError], districts: dict[str, District]
) -> dict[str, Any]:
    fields: dict[str, Any] = {"name": _name(number, values, errors)}
    key = values.get("district", "").strip().lower()
    if key:
        district = districts.get(key)
        if district is None:
            errors.append(
                RowError(number, "district", _("There is no district of this name in the city."))
            )
        fields["district"] = district
    else:
        fields["district"] = None
    for column in ("older", "disabled", "under_five"):
        fields[column] = _count(number, values, column, errors)
    return fields


def _time(number: int, values: dict[str, str], column: str, errors: list[RowError]) -> time | None:
    text = values.get(column, "").strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{1,2})[:.h](\d{2})(?::\d{2})?", text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        errors.append(RowError(number, column, _("Write a time as HH:MM, for example 09:30.")))
        return None
    return time(int(match[1]), int(match[2]))


def _candidate_row(
    number: int, values: dict[str, str], errors: list[RowError], districts: dict[str, District]
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": _name(number, values, errors),
        "address": values.get("address", "").strip()[:240],
    }
    flag = values.get("required", "").strip().lower()
    if flag not in _TRUE | _FALSE:
        errors.append(RowError(number, "required", _("Write yes or no.")))
    fields["required"] = flag in _TRUE
    group = values.get("group", "").strip().lower()
    if group and group not in Group.values:
        errors.append(RowError(number, "group", _("Write one of: %s") % ", ".join(Group.values)))
        group = ""
    fields["group"] = group
    start = _time(number, values, "window_start", errors)
    end = _time(number, values, "window_end", errors)
    if (start is None) != (end is None):
        errors.append(
            RowError(number, "window_end", _("Give both the start and the end of the window."))
        )
    elif start is not None and end is not None and end <= start:
        errors.append(RowError(number, "window_end", _("The window must end after it starts.")))
    fields["window_start"], fields["window_end"] = start, end
    return fields
