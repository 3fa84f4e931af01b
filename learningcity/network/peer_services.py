"""Writes of peer learning and policy dialogue: cluster threads (posts, replies,
reports, moderation, subscriptions and their digests) and peer exchanges between
cities. Kept apart from ``services`` (the member profiles, practices and the
membership lifecycle), in the same shape: each function validates, writes in one
transaction, records an audit event and sends its e-mails on commit.

Who may call them is decided by the views with ``permissions``; the functions check
what the data must satisfy (the posting city is a member of the cluster, a request
goes to another city, only a waiting request is answered…) and refuse with a
``ValidationError`` naming the field to change."""

from datetime import datetime
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcity.core.audit import record_event
from learningcity.core.models import City, User

from . import peer_notifications, permissions
from .models import (
    Cluster,
    ClusterPost,
    ClusterSubscription,
    ClusterThread,
    ExchangeStatus,
    ModerationAction,
    PeerExchange,
    PostModeration,
    PostReport,
)
from .models_peer import POST_MAX_CHARS

TITLE_MAX_CHARS = 200
REASON_MAX_CHARS = 1000
TOPIC_MAX_CHARS = 200
MESSAGE_MAX_CHARS = 3000
OUTCOME_MAX_CHARS = 3000


def _text(
    errors: dict[str, str], field: str, value: str, limit: int, *, required: bool = True
) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if required and not text:
        errors[field] = _("Write something here.")
    elif len(text) > limit:
        errors[field] = _("Keep this to %(limit)s characters (it has %(count)s).") % {
            "limit": limit,
            "count": len(text),
        }
    return text


def _speaking_for(actor: User, cluster: Cluster, city: City | None) -> City | None:
    """The member city the actor writes for (None: as a network coordinator)."""
    if city is None:
        if not permissions.is_network_coordinator(actor):
            raise ValidationError({"city": _("Choose the city you write for.")})
        return None
    if city not in permissions.posting_cities(actor, cluster):
        raise ValidationError(
            {
                "city": _(
                    "You can write only for a member city of this cluster where you have a role."
                )
            }
        )
    return city


# -- threads and posts ----------------------------------------------------------------


@transaction.atomic
def start_thread(
    *, actor: User, cluster: Cluster, city: City | None, title: str, body: str
) -> ClusterThread:
    errors: dict[str, str] = {}
    title = _text(errors, "title", title, TITLE_MAX_CHARS)
    body = _text(errors, "body", body, POST_MAX_CHARS)
    if errors:
        raise ValidationError(errors)
    city = _speaking_for(actor, cluster, city)
    now = timezone.now()
    thread = ClusterThread.objects.create(
        cluster=cluster,
        title=title,
        author=actor,
        author_city=city,
        created_at=now,
        last_post_at=now,
    )
    ClusterPost.objects.create(
        thread=thread, author=actor, author_city=city, body=body, created_at=now
    )
    record_event(actor, "peer.thread_started", city=city, target=cluster.slug, thread=thread.pk)
    return thread


@transaction.atomic
def reply_to_thread(
    *, actor: User, thread: ClusterThread, city: City | None, body: str
) -> ClusterPost:
    errors: dict[str, str] = {}
    body = _text(errors, "body", body, POST_MAX_CHARS)
    if errors:
        raise ValidationError(errors)
    city = _speaking_for(actor, thread.cluster, city)
    now = timezone.now()
    post = ClusterPost.objects.create(
        thread=thread, author=actor, author_city=city, body=body, created_at=now
    )
    ClusterThread.objects.filter(pk=thread.pk).update(last_post_at=now)
    record_event(actor, "peer.post_added", city=city, target=thread.cluster.slug, thread=thread.pk)
    return post


@transaction.atomic
def report_post(*, actor: User, post: ClusterPost, reason: str) -> PostReport:
    """A reader flags a post for the moderators (once per reader and post)."""
    errors: dict[str, str] = {}
    reason = _text(errors, "reason", reason, REASON_MAX_CHARS)
    if errors:
        raise ValidationError(errors)
    if PostReport.objects.filter(post=post, reporter=actor).exists():
        raise ValidationError({"reason": _("You have reported this post already.")})
    report = PostReport.objects.create(post=post, reporter=actor, reason=reason)
    record_event(actor, "peer.post_reported", target=post.thread.cluster.slug, post=post.pk)
    return report


def _moderate(actor: User, post: ClusterPost, action: str, reason: str) -> ClusterPost:
    errors: dict[str, str] = {}
    reason = _text(errors, "reason", reason, REASON_MAX_CHARS)
    if errors:
        raise ValidationError(errors)
    post = ClusterPost.objects.select_for_update().get(pk=post.pk)
    hiding = action == ModerationAction.HIDDEN
    if post.is_hidden == hiding:
        raise ValidationError(
            {
                "reason": _("This post is hidden already.")
                if hiding
                else _("This post is shown already.")
            }
        )
    now = timezone.now()
    post.hidden_at = now if hiding else None
    post.hidden_reason = reason if hiding else ""
    post.save(update_fields=["hidden_at", "hidden_reason"])
    PostModeration.objects.create(post=post, action=action, reason=reason, actor=actor)
    PostReport.objects.filter(post=post, resolved_at__isnull=True).update(resolved_at=now)
    record_event(
        actor,
        f"peer.post_{action}",
        target=post.thread.cluster.slug,
        post=post.pk,
        reason=reason,
    )
    return post


@transaction.atomic
def hide_post(*, actor: User, post: ClusterPost, reason: str) -> ClusterPost:
    return _moderate(actor, post, ModerationAction.HIDDEN, reason)


@transaction.atomic
def restore_post(*, actor: User, post: ClusterPost, reason: str) -> ClusterPost:
    return _moderate(actor, post, ModerationAction.RESTORED, reason)


# -- subscriptions and digests --------------------------------------------------------


@transaction.atomic
def subscribe_to_cluster(*, actor: User, cluster: Cluster) -> ClusterSubscription:
    subscription, created = ClusterSubscription.objects.get_or_create(cluster=cluster, user=actor)
    if created:
        record_event(actor, "peer.subscribed", target=cluster.slug)
    return subscription


@transaction.atomic
def unsubscribe_from_cluster(*, actor: User, cluster: Cluster) -> None:
    deleted, _rows = ClusterSubscription.objects.filter(cluster=cluster, user=actor).delete()
    if deleted:
        record_event(actor, "peer.unsubscribed", target=cluster.slug)


def send_cluster_digests(*, now: datetime | None = None) -> int:
    """E-mail each subscriber the posts shown in their cluster since their last
    digest (not their own, not hidden ones); returns the digests sent. Safe to run
    twice: ``sent_until`` moves on only after a digest went out, and a run that
    finds nothing new sends nothing. A subscriber who can no longer read the
    cluster (their city left it) gets nothing."""
    now = now or timezone.now()
    sent = 0
    subscriptions = ClusterSubscription.objects.select_related("cluster", "user").filter(
        user__is_active=True
    )
    for subscription in subscriptions:
        user, cluster = subscription.user, subscription.cluster
        posts = list(
            ClusterPost.objects.filter(
                thread__cluster=cluster,
                created_at__gt=subscription.sent_until,
                created_at__lte=now,
                hidden_at__isnull=True,
            )
            .exclude(author=user)
            .select_related("thread", "author_city")
            .order_by("thread__last_post_at", "created_at")
        )
        if not posts or not permissions.can_read_cluster_threads(user, cluster):
            continue
        if peer_notifications.send_digest(user, cluster, posts):
            sent += 1
            ClusterSubscription.objects.filter(pk=subscription.pk).update(sent_until=now)
    return sent


# -- peer exchanges -------------------------------------------------------------------


@transaction.atomic
def request_exchange(
    *, actor: User | None, from_city: City, to_city: City, topic: str, message: str
) -> PeerExchange:
    errors: dict[str, str] = {}
    topic = _text(errors, "topic", topic, TOPIC_MAX_CHARS)
    message = _text(errors, "message", message, MESSAGE_MAX_CHARS)
    if from_city.pk == to_city.pk:
        errors["to_city"] = _("Choose another city than your own.")
    elif PeerExchange.objects.filter(
        from_city=from_city, to_city=to_city, status=ExchangeStatus.REQUESTED
    ).exists():
        errors["to_city"] = _("A request of your city to this city is still waiting for an answer.")
    if errors:
        raise ValidationError(errors)
    exchange = PeerExchange.objects.create(
        from_city=from_city, to_city=to_city, topic=topic, message=message, requested_by=actor
    )
    record_event(
        actor,
        "peer.exchange_requested",
        city=from_city,
        target=str(exchange.public_id),
        to_city=to_city.slug,
    )
    transaction.on_commit(partial(peer_notifications.send_exchange_request, exchange.pk))
    return exchange


@transaction.atomic
def answer_exchange(
    *, actor: User | None, exchange: PeerExchange, accept: bool, note: str = ""
) -> PeerExchange:
    errors: dict[str, str] = {}
    note = _text(errors, "note", note, 2000, required=False)
    if errors:
        raise ValidationError(errors)
    exchange = PeerExchange.objects.select_for_update().get(pk=exchange.pk)
    if exchange.status != ExchangeStatus.REQUESTED:
        raise ValidationError({"note": _("This request has been answered already.")})
    exchange.status = ExchangeStatus.ACCEPTED if accept else ExchangeStatus.DECLINED
    exchange.answer_note = note
    exchange.answered_by = actor
    exchange.answered_at = timezone.now()
    exchange.save(update_fields=["status", "answer_note", "answered_by", "answered_at"])
    record_event(
        actor,
        "peer.exchange_accepted" if accept else "peer.exchange_declined",
        city=exchange.to_city,
        target=str(exchange.public_id),
    )
    transaction.on_commit(partial(peer_notifications.send_exchange_answer, exchange.pk))
    return exchange


@transaction.atomic
def record_exchange_outcome(
    *, actor: User | None, exchange: PeerExchange, outcome: str, city: City | None = None
) -> PeerExchange:
    """What came of an accepted exchange (either city writes it; it can be
    completed later)."""
    errors: dict[str, str] = {}
    outcome = _text(errors, "outcome", outcome, OUTCOME_MAX_CHARS)
    if errors:
        raise ValidationError(errors)
    exchange = PeerExchange.objects.select_for_update().get(pk=exchange.pk)
    if exchange.status not in (ExchangeStatus.ACCEPTED, ExchangeStatus.COMPLETED):
        raise ValidationError({"outcome": _("Only an accepted exchange has an outcome.")})
    exchange.status = ExchangeStatus.COMPLETED
    exchange.outcome = outcome
    exchange.outcome_by = actor
    exchange.outcome_at = timezone.now()
    exchange.save(update_fields=["status", "outcome", "outcome_by", "outcome_at"])
    record_event(
        actor,
        "peer.exchange_completed",
        city=city or exchange.from_city,
        target=str(exchange.public_id),
    )
    return exchange


# -- personal data --------------------------------------------------------------------


def export_peer_data_of(user: User) -> dict[str, Any]:
    posts = ClusterPost.objects.filter(author=user).select_related("thread__cluster")
    return {
        "network_cluster_posts": [
            {
                "cluster": post.thread.cluster.slug,
                "thread": post.thread.title,
                "body": post.body,
                "created_at": post.created_at.isoformat(),
                "hidden": post.is_hidden,
            }
            for post in posts
        ],
        "network_post_reports": [
            {"post": report.post_id, "reason": report.reason, "at": report.created_at.isoformat()}
            for report in PostReport.objects.filter(reporter=user)
        ],
        "network_cluster_subscriptions": list(
            ClusterSubscription.objects.filter(user=user).values_list("cluster__slug", flat=True)
        ),
        "network_peer_exchanges_requested": [
            {
                "from": exchange.from_city.slug,
                "to": exchange.to_city.slug,
                "topic": exchange.topic,
                "requested_at": exchange.requested_at.isoformat(),
            }
            for exchange in PeerExchange.objects.filter(requested_by=user).select_related(
                "from_city", "to_city"
            )
        ],
    }


def erase_peer_data_of(user: User) -> None:
    """Posts and exchanges belong to the cities' dialogue: they stay, without the
    person's name; the person's reports and subscriptions go."""
    with transaction.atomic():
        ClusterThread.objects.filter(author=user).update(author=None)
        ClusterPost.objects.filter(author=user).update(author=None)
        PostReport.objects.filter(reporter=user).delete()
        PostModeration.objects.filter(actor=user).update(actor=None)
        ClusterSubscription.objects.filter(user=user).delete()
        PeerExchange.objects.filter(requested_by=user).update(requested_by=None)
        PeerExchange.objects.filter(answered_by=user).update(answered_by=None)
        PeerExchange.objects.filter(outcome_by=user).update(outcome_by=None)
