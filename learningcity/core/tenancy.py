"""The one tenant filter: every city-scoped query goes through ``for_city``.

A model is city-scoped when it has a ``city`` foreign key, or names the path to its
city in a ``tenant_field`` class attribute (``"opportunity__city"``, say) when the
city is reached through a parent. Views never write ``.filter(city=...)`` themselves.
"""

from typing import TypeVar

from django.db import models
from django.utils.translation import gettext as _

from .http import PageNotFound
from .models import City

M = TypeVar("M", bound=models.Model)


def tenant_field(model: type[models.Model]) -> str:
    return getattr(model, "tenant_field", "city")


def for_city(source: "type[M] | models.QuerySet[M]", city: City) -> "models.QuerySet[M]":
    """Rows of ``source`` (a model or a queryset) that belong to ``city``, and no others."""
    queryset = source._default_manager.all() if isinstance(source, type) else source
    return queryset.filter(**{tenant_field(queryset.model): city})


def get_city(slug: str) -> City:
    """The city at ``/<slug>/``, or a 404 in the visitor's language."""
    try:
        return City.objects.get(slug=slug)
    except City.DoesNotExist:
        raise PageNotFound(_("There is no learning city at this address.")) from None


def get_in_city(source: "type[M] | models.QuerySet[M]", city: City, **lookup: object) -> M:
    """One row of ``source`` in ``city``; another city's row is a 404, never a leak."""
    try:
        return for_city(source, city).get(**lookup)
    except (models.ObjectDoesNotExist, ValueError):
        raise PageNotFound(_("This page does not exist in this city.")) from None


def get_at_address(source: "type[M] | models.QuerySet[M]", city_slug: str, **lookup: object) -> M:
    """One row of ``source`` in the city at ``/<city_slug>/``, read in one query with
    the rows on its path to the city (``select_related``): for busy pages that would
    otherwise read the city, then each parent, then the row. Anything else is a 404."""
    queryset = source._default_manager.all() if isinstance(source, type) else source
    path = tenant_field(queryset.model)
    try:
        return queryset.select_related(path).get(**{f"{path}__slug": city_slug}, **lookup)
    except (models.ObjectDoesNotExist, ValueError):
        raise PageNotFound(_("This page does not exist in this city.")) from None
