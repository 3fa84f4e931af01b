"""Saved searches: a resident keeps a finder question and gets an e-mail when
something new matches it.

A signed-in resident's search is live at once; a guest's waits until the address is
confirmed from the e-mail we send (double opt-in). Every alert carries a link that
stops it. ``send_saved_search_alerts`` is a plain function: the task queue runs it
on a schedule, and tests call it directly."""

import logging
from dataclasses import replace
from functools import partial

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from learningcity.core.audit import record_event
from learningcity.core.http import absolute_url
from learningcity.core.models import City, User
from learningcity.core.tenancy import for_city

from . import forms_finder, search
from .models import Opportunity, SavedSearch

logger = logging.getLogger(__name__)

# A saved search remembers at most this many matches; one matching more is too broad
# to be news, and its alert names only the newest few anyway.
MAX_KNOWN = 1000
PAGE = 200
LISTED_IN_EMAIL = 10
MAX_SAVED_PER_PERSON = 20


class SearchNotSaved(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def matching_ids(city: City, query_string: str) -> list[int]:
    """The ids of the published opportunities that answer the question now (at most
    ``MAX_KNOWN``), as the finder would find them (places only within a distance)."""
    state = search.city_index(city)
    asked = forms_finder.parse_finder(QueryDict(query_string), state.schema)
    origin = asked.point
    if asked.near:
        place = search.find_place(city, asked.near, state, search.city_districts(city))
        origin = place.point if place is not None else origin
    asked.page = 1
    query = forms_finder.to_query(
        asked,
        city=city,
        origin=origin,
        language=None,
        now=timezone.now(),
        places_only=True,
        page_size=PAGE,
    )
    query = replace(query, count_facets=False)
    found: list[int] = []
    while len(found) < MAX_KNOWN:
        result = state.index.search(replace(query, offset=len(found)))
        found += [hit.key for hit in result.hits]
        if len(found) >= result.total or not result.hits:
            break
    return found[:MAX_KNOWN]


def save_search(
    *, city: City, query: str, user: User | None, email: str = "", language: str = ""
) -> SavedSearch:
    """Keep ``query`` for ``user`` (live at once) or for a guest ``email`` (live once
    confirmed: the confirmation e-mail goes out after commit)."""
    if user is None and not email:
        raise SearchNotSaved(_("Give your email address, so we can tell you."))
    person = {"user": user} if user is not None else {"user": None, "guest_email": email}
    with transaction.atomic():
        mine = SavedSearch.objects.filter(city=city, **person)
        existing = mine.filter(query=query).first()
        if existing is not None:
            return existing
        if mine.count() >= MAX_SAVED_PER_PERSON:
            raise SearchNotSaved(
                _("You already keep %(count)s searches in this city: stop one first.")
                % {"count": MAX_SAVED_PER_PERSON}
            )
        saved = SavedSearch.objects.create(
            city=city,
            query=query,
            language=language,
            known=matching_ids(city, query),
            confirmed_at=timezone.now() if user is not None else None,
            **person,
        )
        record_event(user, "saved_search.created", city=city, target=str(saved.public_id))
        if user is None:
            transaction.on_commit(partial(send_confirmation_email, saved))
    return saved


def confirm_saved_search(saved: SavedSearch) -> None:
    if saved.is_confirmed:
        return
    saved.confirmed_at = timezone.now()
    saved.known = matching_ids(saved.city, saved.query)
    saved.save(update_fields=["confirmed_at", "known"])
    record_event(None, "saved_search.confirmed", city=saved.city, target=str(saved.public_id))


def delete_saved_search(saved: SavedSearch) -> None:
    record_event(None, "saved_search.stopped", city=saved.city, target=str(saved.public_id))
    saved.delete()


def send_saved_search_alerts() -> int:
    """E-mail each confirmed saved search whose question has new matches since it was
    last looked at; returns how many e-mails were sent."""
    sent = 0
    searches = SavedSearch.objects.filter(confirmed_at__isnull=False).select_related("city", "user")
    for saved in searches.iterator(chunk_size=200):
        try:
            sent += _alert(saved)
        except Exception:
            # One broken search (a city gone, a mail server hiccup) must not stop
            # the others: it is logged and tried again next time.
            logger.exception("saved search %s could not be checked", saved.public_id)
    return sent


def _alert(saved: SavedSearch) -> int:
    now_matching = matching_ids(saved.city, saved.query)
    known = set(saved.known)
    new = [key for key in now_matching if key not in known]
    if not new:
        return 0
    opportunities = list(
        for_city(Opportunity, saved.city)
        .filter(pk__in=new[:LISTED_IN_EMAIL], is_published=True)
        .order_by("-created_at")
    )
    if opportunities and not _send_alert(saved, opportunities, len(new)):
        return 0
    saved.known = now_matching
    saved.last_sent_at = timezone.now()
    saved.save(update_fields=["known", "last_sent_at"])
    return 1 if opportunities else 0


def _links(saved: SavedSearch) -> dict[str, str]:
    city = saved.city.slug
    finder = reverse("catalogue:finder", kwargs={"city_slug": city})
    ids = {"city_slug": city, "saved_id": saved.public_id}
    return {
        "search_url": absolute_url(f"{finder}?{saved.query}" if saved.query else finder),
        "confirm_url": absolute_url(reverse("catalogue:saved_search_confirm", kwargs=ids)),
        "stop_url": absolute_url(reverse("catalogue:saved_search_stop", kwargs=ids)),
    }


def _send(saved: SavedSearch, kind: str, extra: dict[str, object]) -> bool:
    links = _links(saved)
    language = saved.language or (saved.user.preferred_language if saved.user else "") or "en"
    with translation.override(language):
        context = {"saved": saved, "city": saved.city, **links, **extra}
        subject = render_to_string(f"catalogue/emails/{kind}_subject.txt", context)
        text = render_to_string(f"catalogue/emails/{kind}.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[saved.email],
        headers={"List-Unsubscribe": f"<{links['stop_url']}>"},
    )
    try:
        message.send()
    except Exception:
        logger.exception("could not send the %s email for %s", kind, saved.public_id)
        return False
    return True


def send_confirmation_email(saved: SavedSearch) -> bool:
    return _send(saved, "saved_search_confirm", {})


def _send_alert(saved: SavedSearch, opportunities: list[Opportunity], total: int) -> bool:
    finder = reverse("catalogue:finder", kwargs={"city_slug": saved.city.slug})
    listed = [
        (opportunity.title, absolute_url(f"{finder}opportunities/{opportunity.slug}/"))
        for opportunity in opportunities
    ]
    return _send(saved, "saved_search_alert", {"listed": listed, "total": total})


def export_saved_searches_of(user: User) -> dict[str, object]:
    searches = SavedSearch.objects.filter(user=user).select_related("city")
    return {
        "saved_searches": [
            {
                "city": saved.city.slug,
                "search": saved.query,
                "saved_at": saved.created_at.isoformat(),
                "last_alert_at": saved.last_sent_at.isoformat() if saved.last_sent_at else None,
            }
            for saved in searches
        ]
    }


def erase_saved_searches_of(user: User) -> None:
    deleted, _by_model = SavedSearch.objects.filter(user=user).delete()
    record_event(None, "saved_searches.erased", count=deleted)
