"""Links that apps contribute to core pages, so core never imports a later app.

Each app registers its sections in ``AppConfig.ready()``; the city page, the
coordinator's desk and the account page list the ones the visitor may use."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from django.urls import reverse
from django.utils.functional import Promise

from .models import City
from .permissions import AnyUser

# "network" sections belong to the network space and take no city.
Place = Literal["city", "desk", "account", "network"]


@dataclass(frozen=True)
class Section:
    place: Place
    label: str | Promise
    url_name: str
    description: str | Promise = ""
    visible: Callable[[AnyUser, City | None], bool] | None = None


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    description: str


_SECTIONS: list[Section] = []


def register_section(section: Section) -> None:
    if section not in _SECTIONS:
        _SECTIONS.append(section)


def links_for(place: Place, user: AnyUser, city: City | None = None) -> list[Link]:
    args = [city.slug] if city is not None else []
    return [
        Link(str(section.label), reverse(section.url_name, args=args), str(section.description))
        for section in _SECTIONS
        if section.place == place and (section.visible is None or section.visible(user, city))
    ]
