"""What the catalogue's pages show from this app, through core's slots (core.slots): an
opportunity's rating once it has enough answers, and a person's open "Give feedback"
invitations on "My learning". Registered in ``QualityConfig.ready()``."""

from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from learningcity.catalogue.models import Opportunity
from learningcity.core.models import City
from learningcity.core.tenancy import for_city

from . import figures, services
from .models import FeedbackInvitation

RATING_SECONDS = 600


def opportunity_rating(request: HttpRequest | None, opportunity: Opportunity) -> str:
    """Cached per opportunity (cleared when an answer is saved): one query at most."""
    key = services.rating_cache_key(opportunity.pk)
    found: dict[str, Any] | None = cache.get(key)
    if found is None:
        tally = figures.opportunity_rating(opportunity)
        found = {"answers": tally.answers, "mean": tally.mean_useful} if tally else {"answers": 0}
        cache.set(key, found, RATING_SECONDS)
    if not found.get("answers"):
        return ""
    return render_to_string("quality/_rating.html", {"rating": found}, request=request)


def pending_feedback(request: HttpRequest | None, city: City) -> str:
    """The signed-in person's open invitations in this city: one query."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return ""
    invitations = list(
        for_city(FeedbackInvitation, city)
        .filter(
            user=user,
            answered=False,
            created_at__gte=timezone.now() - timedelta(days=services.OPEN_DAYS),
        )
        .select_related("session__opportunity")
        .order_by("-session__starts_at")
    )
    if not invitations:
        return ""
    return render_to_string(
        "quality/_pending.html", {"city": city, "invitations": invitations}, request=request
    )
