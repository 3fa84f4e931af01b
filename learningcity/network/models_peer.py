"""Peer learning and policy dialogue: the clusters' discussion threads (posts,
reports, moderation, subscriptions) and peer exchanges between two cities.

Imported at the end of ``models`` (Django finds the models there). A thread belongs
to a cluster, not to a city: members of the cluster's cities and network
coordinators write in it (``permissions.can_post_in_cluster``). A post is never
deleted by moderation: it is hidden and restored, each time with a reason, and every
such step is a ``PostModeration`` row (the kept history)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learningcity.core.models import City

from .models import Cluster

POST_MAX_CHARS = 5000


class ClusterThread(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The city the author wrote for (empty: a network coordinator).
    author_city = models.ForeignKey(
        City, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_post_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-last_post_at", "-id"]
        verbose_name = _("discussion thread")
        verbose_name_plural = _("discussion threads")

    def __str__(self) -> str:
        return self.title


class ClusterPost(models.Model):
    """A post in a thread (the first one opens it, the others reply)."""

    thread = models.ForeignKey(ClusterThread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_city = models.ForeignKey(
        City, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Markdown, shown through core.richtext (sanitised), never as raw HTML.
    body = models.TextField(_("message"), max_length=POST_MAX_CHARS)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.TextField(_("reason"), blank=True, max_length=1000)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self) -> str:
        return f"{self.thread_id} #{self.pk}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class PostReport(models.Model):
    """A reader's report that a post breaks the rules (once per reader and post)."""

    post = models.ForeignKey(ClusterPost, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("what is wrong"), max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)
    # Set when a moderator hides or restores the post (the report is dealt with).
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["post", "reporter"], name="post_report_once")
        ]

    def __str__(self) -> str:
        return f"report on {self.post_id}"


class ModerationAction(models.TextChoices):
    HIDDEN = "hidden", _("Hidden")
    RESTORED = "restored", _("Restored")


class PostModeration(models.Model):
    """One hide or restore of a post, with its reason; never edited."""

    post = models.ForeignKey(ClusterPost, on_delete=models.CASCADE, related_name="moderation")
    action = models.CharField(max_length=10, choices=ModerationAction.choices)
    reason = models.TextField(_("reason"), max_length=1000)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.post_id} {self.action}"


class ClusterSubscription(models.Model):
    """A person follows a cluster's threads and gets a digest of new posts."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="subscriptions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cluster_subscriptions"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Posts up to this moment were in a digest already (or came before subscribing).
    sent_until = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cluster", "user"], name="cluster_subscription_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.cluster_id}"


class ExchangeStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")


class PeerExchange(models.Model):
    """A peer exchange: one city asks another to share what it learnt on a topic;
    the other accepts or declines; an accepted exchange is later recorded with its
    outcome. Both cities see it (``permissions.exchanges_of``)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    from_city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="exchanges_sent")
    to_city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="exchanges_received")
    topic = models.CharField(_("topic"), max_length=200)
    message = models.TextField(_("message"), max_length=3000)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ExchangeStatus.choices,
        default=ExchangeStatus.REQUESTED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    answer_note = models.TextField(_("answer"), blank=True, max_length=2000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True, max_length=3000)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_city=models.F("to_city")), name="exchange_two_cities"
            )
        ]
        verbose_name = _("peer exchange")
        verbose_name_plural = _("peer exchanges")

    def __str__(self) -> str:
        return f"{self.from_city_id} → {self.to_city_id}: {self.topic}"
