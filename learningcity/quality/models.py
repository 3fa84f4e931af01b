"""Feedback from learners and the invitations that ask for it.

Anonymity is built into the shape of the tables:

- ``FeedbackInvitation`` knows the person (an account or a guest's address) and the
  session, and whether they answered: it is what "My learning" and the e-mail read.
- ``Feedback`` knows the opportunity and the *year* of the session, the answers and the
  comment: no session, no person, no date. ``once_key`` is a keyed hash of (person,
  session), unique, so a second answer for the same session is refused by the
  database itself without the feedback pointing at anyone; erasing the account
  clears it (``services.erase_feedback_links_of``).

Provider and public views read ``Feedback`` through ``figures.py`` only, which counts
an (opportunity, year) group only once it has ``QUALITY_MIN_ANSWERS`` answers."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learningcity.catalogue.models import Opportunity, Session
from learningcity.core.models import City


class FeedbackInvitation(models.Model):
    """One invitation per person per attended session (made by the periodic task)."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    # The capability in the e-mailed link (like an enrolment's link).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    guest_email = models.EmailField(blank=True)
    language = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # No time of answering is kept: it could be matched with anything else dated.
    answered = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=models.Q(user__isnull=False),
                name="feedback_invitation_once_per_user",
            ),
            models.UniqueConstraint(
                fields=["session", "guest_email"],
                condition=models.Q(user__isnull=True),
                name="feedback_invitation_once_per_guest",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(guest_email=""),
                name="feedback_invitation_has_a_person",
            ),
        ]
        verbose_name = _("feedback invitation")
        verbose_name_plural = _("feedback invitations")

    def __str__(self) -> str:
        return f"{self.session_id} · {self.pk}"

    @property
    def email(self) -> str:
        return self.user.email if self.user is not None else self.guest_email


class Recommend(models.TextChoices):
    YES = "yes", _("Yes")
    UNSURE = "unsure", _("Not sure")
    NO = "no", _("No")


class CommentStatus(models.TextChoices):
    NONE = "none", _("No comment")
    PENDING = "pending", _("Waiting for the city to check it")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not shown")


class RejectionReason(models.TextChoices):
    PERSONAL = "personal", _("It names or describes a person")
    OFFENSIVE = "offensive", _("It is offensive")
    OFF_TOPIC = "off_topic", _("It is not about the learning")
    OTHER = "other", _("Another reason")


class Feedback(models.Model):
    """One learner's answers about one session, kept without the learner or the date."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="+")
    # The year the session started: what yearly indicators need, and nothing finer.
    year = models.PositiveSmallIntegerField()
    # Keyed hash of (person, session); NULL once the person's account is erased.
    once_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    useful = models.PositiveSmallIntegerField(
        _("useful"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    accessible = models.PositiveSmallIntegerField(
        _("accessible"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    recommend = models.CharField(_("would recommend"), max_length=8, choices=Recommend.choices)
    comment = models.TextField(_("comment"), blank=True)
    comment_status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.NONE
    )
    rejection_reason = models.CharField(max_length=12, choices=RejectionReason.choices, blank=True)
    moderation_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["city", "opportunity", "year"]),
            models.Index(fields=["city", "comment_status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(useful__gte=1, useful__lte=5)
                & models.Q(accessible__gte=1, accessible__lte=5),
                name="feedback_ratings_in_range",
            ),
        ]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self) -> str:
        return f"{self.opportunity_id} · {self.year} · {self.pk}"
