"""E-mails of peer learning: a peer-exchange request to the other city's
coordinators (in that city's language of communication), the answer back to the
asking city, and the digest of new posts in a followed cluster (in the subscriber's
language). Sent through ``notifications._send`` (plain text with an HTML version)."""

from django.conf import settings
from django.urls import reverse

from learningcity.core.http import absolute_url
from learningcity.core.models import User

from .models import Cluster, ClusterPost, PeerExchange
from .notifications import _send, city_language, city_recipients

DIGEST_EXCERPT_CHARS = 400


def _exchange(exchange_id: int) -> PeerExchange | None:
    return (
        PeerExchange.objects.select_related("from_city", "to_city", "requested_by")
        .filter(pk=exchange_id)
        .first()
    )


def send_exchange_request(exchange_id: int) -> bool:
    exchange = _exchange(exchange_id)
    if exchange is None:
        return False
    to = city_recipients(exchange.to_city)
    if not to:
        return False
    url = reverse("network:exchange", args=[exchange.public_id])
    return _send(
        "exchange_request",
        {"exchange": exchange, "url": absolute_url(url)},
        city_language(exchange.to_city),
        to,
    )


def send_exchange_answer(exchange_id: int) -> bool:
    exchange = _exchange(exchange_id)
    if exchange is None:
        return False
    to = city_recipients(
        exchange.from_city, exchange.requested_by.email if exchange.requested_by else ""
    )
    if not to:
        return False
    url = reverse("network:exchange", args=[exchange.public_id])
    return _send(
        "exchange_answer",
        {
            "exchange": exchange,
            "accepted": exchange.status == "accepted",
            "url": absolute_url(url),
        },
        city_language(exchange.from_city),
        to,
    )


def send_digest(user: User, cluster: Cluster, posts: list[ClusterPost]) -> bool:
    language = user.preferred_language or str(settings.LANGUAGE_CODE)
    url = reverse("network:cluster_threads", args=[cluster.slug])
    rows = [
        {
            "thread": post.thread.title,
            "city": post.author_city.name if post.author_city else "",
            "excerpt": " ".join(post.body.split())[:DIGEST_EXCERPT_CHARS],
            "url": absolute_url(reverse("network:thread", args=[post.thread_id])),
        }
        for post in posts
    ]
    return _send(
        "cluster_digest",
        {"cluster": cluster, "posts": rows, "url": absolute_url(url)},
        language,
        [user.email],
    )
