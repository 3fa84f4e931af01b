"""Finding a city from the home page: by name (or country) as typed, or the nearest
to a point (the visitor's location, when they share it). The network has a few
hundred cities at most, so this works on the list in memory."""

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from .models import City

EARTH_RADIUS_KM = 6371.0088
MAX_NAME_CHARS = 100
NEAREST_SHOWN = 3


@dataclass(frozen=True)
class FoundCity:
    city: City
    distance_km: float | None = None


def _folded(text: str) -> str:
    """Lower case without accents, so "bogota" finds "Bogotá"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def by_name(cities: Sequence[City], typed: str) -> list[FoundCity]:
    """Cities whose name (or country) contains what was typed; names first."""
    wanted = _folded(" ".join(typed.replace("\x00", " ").split())[:MAX_NAME_CHARS])
    if not wanted:
        return []
    by_city_name = [city for city in cities if wanted in _folded(city.name)]
    by_country = [
        city for city in cities if city not in by_city_name and wanted in _folded(str(city.country))
    ]
    return [FoundCity(city) for city in [*by_city_name, *by_country]]


def distance_km(latitude: float, longitude: float, city: City) -> float:
    """Great-circle (haversine) distance from a point to the city's centre."""
    phi1, phi2 = math.radians(latitude), math.radians(city.latitude)
    dphi = phi2 - phi1
    dlambda = math.radians(city.longitude - longitude)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def parse_point(latitude: str, longitude: str) -> tuple[float, float] | None:
    """A valid latitude and longitude from the query string, else None."""
    try:
        point = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return None
    if not all(math.isfinite(value) for value in point):
        return None
    if not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
        return None
    return point


def nearest(cities: Sequence[City], latitude: float, longitude: float) -> list[FoundCity]:
    placed = [city for city in cities if city.latitude is not None and city.longitude is not None]
    found = [FoundCity(city, distance_km(latitude, longitude, city)) for city in placed]
    found.sort(key=lambda each: each.distance_km or 0.0)
    return found[:NEAREST_SHOWN]
