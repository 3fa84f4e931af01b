"""Peer matching for member cities: "cities like mine" (profile similarity) and
"cities that can help me" (strong where a city's area scores are weakest), each
suggestion with the reasons it was made.

Plain typed Python; no Django. The network app gathers the facts (profiles,
clusters, stored index results) and shows the reasons in the reader's language."""

from .peers import (
    CityFacts,
    Reason,
    Suggestion,
    cities_like,
    cities_that_can_help,
    weakest_areas,
)

__all__ = [
    "CityFacts",
    "Reason",
    "Suggestion",
    "cities_like",
    "cities_that_can_help",
    "weakest_areas",
]
