"""Inclusion programmes: befriending volunteers, intergenerational groups, career
guidance and mentoring.

Personal data here is sensitive (needs, concerns, loneliness scores, guidance notes):
every model that holds it is reached only through ``selectors`` and ``services``,
which check ``permissions`` and write an audit line for each view of a resident's
record. Free text that may be sensitive is named ``*_private`` and never goes into a
list, an e-mail or a log line.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learningcity.catalogue.models import LearningSite, Opportunity, Session
from learningcity.core.models import City, District


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    OTHER = "other", _("Another gender")


class CheckKind(models.TextChoices):
    TRAINING = "training", _("Volunteer training")
    SAFEGUARDING = "safeguarding", _("Safeguarding check")


# Both kinds must be valid for a volunteer to be matched, or to stay matched.
REQUIRED_CHECKS = (CheckKind.TRAINING, CheckKind.SAFEGUARDING)


class Volunteer(models.Model):
    """A trained volunteer who accompanies residents to activities."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer_profiles"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    languages = models.JSONField(_("languages"), default=list)
    interests = models.JSONField(_("interests"), default=list, blank=True)
    availability = models.JSONField(_("weekly availability"), default=list)
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    travel_km = models.PositiveSmallIntegerField(
        _("how far you can travel (km)"), validators=[MaxValueValidator(100)]
    )
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("how many people you can accompany"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    is_active = models.BooleanField(_("taking new people"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "user"], name="volunteer_once_per_city")
        ]

    def __str__(self) -> str:
        return self.user.display_name or self.user.email.split("@")[0]


class VolunteerCheck(models.Model):
    tenant_field = "volunteer__city"

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(_("check"), max_length=16, choices=CheckKind.choices)
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    checked_on = models.DateField(_("checked on"))
    expires_on = models.DateField(_("valid until"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gt=models.F("checked_on")),
                name="volunteer_check_expires_after_check",
            )
        ]
        ordering = ["kind", "-expires_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.expires_on}"

    def is_valid_on(self, day: date) -> bool:
        return self.checked_on <= day < self.expires_on


class ReferredBy(models.TextChoices):
    SELF = "self", _("The person themself")
    FAMILY = "family", _("Family or a friend")
    SOCIAL_WORKER = "social_worker", _("A social worker or health worker")


class ResidentStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for a volunteer")
    MATCHED = "matched", _("Matched")
    CLOSED = "closed", _("Closed")


class Resident(models.Model):
    """A resident referred to the befriending programme (needs consent to be kept)."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="befriending_records",
    )
    first_name = models.CharField(_("first name"), max_length=60)
    contact_private = models.CharField(_("phone or e-mail"), max_length=120, blank=True)
    referred_by = models.CharField(_("referred by"), max_length=16, choices=ReferredBy.choices)
    referrer_name = models.CharField(_("referrer's name"), max_length=120, blank=True)
    referrer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    consent_given_at = models.DateTimeField(_("consent recorded"))
    consent_how = models.CharField(_("how consent was given"), max_length=120)
    needs_private = models.TextField(_("needs"), blank=True)
    interests = models.JSONField(_("interests"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list)
    accessibility_needs = models.JSONField(_("accessibility needs"), default=list, blank=True)
    availability = models.JSONField(_("weekly availability"), default=list)
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    group = models.CharField(
        _("group"),
        max_length=20,
        blank=True,
        help_text=_("Used only for totals by group on the dashboard."),
    )
    wants_volunteer_gender = models.CharField(
        _("prefers a volunteer who is"), max_length=8, choices=Gender.choices, blank=True
    )
    status = models.CharField(
        max_length=10, choices=ResidentStatus.choices, default=ResidentStatus.WAITING
    )
    referred_at = models.DateTimeField(default=timezone.now)
    first_matched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["referred_at"]
        indexes = [models.Index(fields=["city", "status"])]

    def __str__(self) -> str:
        return self.first_name


class PairStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    ENDED = "ended", _("Ended")


LIVE_PAIR_STATUSES = (PairStatus.PROPOSED, PairStatus.ACTIVE, PairStatus.SUSPENDED)


class Pair(models.Model):
    """A volunteer and a resident: proposed by the matching, accepted by a coordinator."""

    tenant_field = "resident__city"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="pairs")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="pairs")
    status = models.CharField(max_length=10, choices=PairStatus.choices)
    score = models.FloatField(default=0)
    reasons = models.JSONField(default=list, blank=True)
    set_by_hand = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)
    suspended_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            # One live pair per resident: a re-run replaces proposals, never doubles them.
            models.UniqueConstraint(
                fields=["resident"],
                condition=models.Q(status__in=["proposed", "active", "suspended"]),
                name="pair_one_live_per_resident",
            )
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"pair {self.public_id}"


class PlanItem(models.Model):
    """A catalogue opportunity the pair plans to go to together."""

    tenant_field = "pair__resident__city"

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="plan_items")
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pair", "opportunity"], name="plan_item_once")
        ]

    def __str__(self) -> str:
        return f"plan item {self.pk}"


class Visit(models.Model):
    """Hours a volunteer spent with a resident. The city is kept on the visit itself:
    when a person's data is erased the pair goes, and the hours stay as an anonymous
    part of the volunteer-hours indicator."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    pair = models.ForeignKey(
        Pair, on_delete=models.SET_NULL, null=True, blank=True, related_name="visits"
    )
    visited_on = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("12"))],
    )
    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("activity"),
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    logged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-visited_on"]

    def __str__(self) -> str:
        return f"visit {self.visited_on}"


class ConcernStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class Concern(models.Model):
    tenant_field = "resident__city"

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="concerns")
    pair = models.ForeignKey(Pair, on_delete=models.SET_NULL, null=True, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text_private = models.TextField(_("what worries you"))
    is_urgent = models.BooleanField(_("urgent: someone may be at risk"), default=False)
    status = models.CharField(max_length=10, choices=ConcernStatus.choices, default="open")
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_private = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"concern {self.pk}"


class LonelinessScore(models.Model):
    """The three-item UCLA loneliness scale (Hughes et al. 2004): each item 1 (hardly
    ever), 2 (some of the time) or 3 (often); the total runs from 3 to 9."""

    tenant_field = "resident__city"

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="loneliness")
    taken_on = models.DateField(_("date"))
    lack_companionship = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    left_out = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    isolated = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["taken_on"]

    def __str__(self) -> str:
        return f"loneliness {self.taken_on}"

    @property
    def total(self) -> int:
        return self.lack_companionship + self.left_out + self.isolated


class MatchRun(models.Model):
    """One run of the matching: what it proposed and whether it was optimal."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    programme = models.CharField(max_length=20)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    waiting = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    total_score = models.FloatField(default=0)
    optimal = models.BooleanField(default=False)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.programme} run {self.created_at:%Y-%m-%d %H:%M}"


# Intergenerational learning -------------------------------------------------------


class GroupKind(models.TextChoices):
    CHILDREN = "children", _("School class or children's group")
    OLDER = "older", _("Older adults' group")


class Group(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind of group"), max_length=10, choices=GroupKind.choices)
    name = models.CharField(_("name"), max_length=120)
    site = models.ForeignKey(
        LearningSite, on_delete=models.PROTECT, related_name="+", verbose_name=_("where it meets")
    )
    size = models.PositiveSmallIntegerField(
        _("how many people"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    interests = models.JSONField(_("interests"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list)
    availability = models.JSONField(_("weekly availability"), default=list)
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    travel_km = models.PositiveSmallIntegerField(_("how far the group can travel (km)"), default=3)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class GroupPair(models.Model):
    """A children's group with an older adults' group, meeting in catalogue sessions."""

    tenant_field = "children__city"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    children = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    older = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=PairStatus.choices)
    score = models.FloatField(default=0)
    reasons = models.JSONField(default=list, blank=True)
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["children"],
                condition=models.Q(status__in=["proposed", "active"]),
                name="group_pair_one_live_per_children_group",
            )
        ]

    def __str__(self) -> str:
        return f"groups {self.public_id}"


class GroupAttendance(models.Model):
    tenant_field = "pair__children__city"

    pair = models.ForeignKey(GroupPair, on_delete=models.CASCADE, related_name="attendance")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    children_present = models.PositiveSmallIntegerField(_("children present"))
    older_present = models.PositiveSmallIntegerField(_("older adults present"))
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pair", "session"], name="group_attendance_once")
        ]

    # Career guidance and mentoring ----------------------------------------------------

    def __str__(self) -> str:
        return f"attendance {self.pk}"


class Counsellor(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="counsellor_profiles"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    languages = models.JSONField(_("languages"), default=list)
    about = models.CharField(_("about you"), max_length=300, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "user"], name="counsellor_once_per_city")
        ]

    def __str__(self) -> str:
        return self.user.display_name or self.user.email.split("@")[0]


class AppointmentMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")


class AppointmentSlot(models.Model):
    tenant_field = "counsellor__city"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    counsellor = models.ForeignKey(Counsellor, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    mode = models.CharField(_("how"), max_length=10, choices=AppointmentMode.choices)
    place = models.CharField(_("place or link"), max_length=240, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guidance_bookings",
    )
    booked_at = models.DateTimeField(null=True, blank=True)
    is_cancelled = models.BooleanField(default=False)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="appointment_slot_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"slot {self.starts_at:%Y-%m-%d %H:%M}"


class GuidanceNote(models.Model):
    """Seen only by the counsellor who wrote it and the person it is about."""

    tenant_field = "counsellor__city"

    counsellor = models.ForeignKey(Counsellor, on_delete=models.CASCADE, related_name="notes")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guidance_notes"
    )
    slot = models.ForeignKey(AppointmentSlot, on_delete=models.SET_NULL, null=True, blank=True)
    text_private = models.TextField(_("note"))
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-written_at"]

    def __str__(self) -> str:
        return f"note {self.pk}"


class MentoringAim(models.TextChoices):
    QUALIFICATION = "qualification", _("A higher qualification")
    LEADERSHIP = "leadership", _("A leadership role")


class Mentor(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_profiles"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    languages = models.JSONField(_("languages"), default=list)
    fields = models.JSONField(_("fields you know"), default=list, blank=True)
    aims = models.JSONField(_("what you can help with"), default=list)
    capacity = models.PositiveSmallIntegerField(
        _("how many people you can mentor"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "user"], name="mentor_once_per_city")
        ]

    def __str__(self) -> str:
        return self.user.display_name or self.user.email.split("@")[0]


class Mentee(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentee_profiles"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    aim = models.CharField(_("what you aim for"), max_length=16, choices=MentoringAim.choices)
    fields = models.JSONField(_("fields"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list)
    goals_private = models.TextField(_("your goals, in your words"), blank=True)
    applied_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "user"], name="mentee_once_per_city")
        ]

    def __str__(self) -> str:
        return f"mentee {self.public_id}"


class Mentorship(models.Model):
    tenant_field = "mentee__city"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, related_name="mentorships")
    mentee = models.ForeignKey(Mentee, on_delete=models.CASCADE, related_name="mentorships")
    status = models.CharField(max_length=10, choices=PairStatus.choices)
    score = models.FloatField(default=0)
    reasons = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mentee"],
                condition=models.Q(status__in=["proposed", "active", "suspended"]),
                name="mentorship_one_live_per_mentee",
            )
        ]

    def __str__(self) -> str:
        return f"mentorship {self.public_id}"


class MentoringGoal(models.Model):
    tenant_field = "mentorship__mentee__city"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=160)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class MentoringMeeting(models.Model):
    tenant_field = "mentorship__mentee__city"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="meetings")
    met_on = models.DateField(_("date"))
    minutes = models.PositiveSmallIntegerField(
        _("how long (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    note_private = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-met_on"]

    def __str__(self) -> str:
        return f"meeting {self.met_on}"


class OutcomeKind(models.TextChoices):
    HIGHER_QUALIFICATION = "higher_qualification", _("Enrolled in a higher qualification")
    NEW_ROLE = "new_role", _("Took up a new role")
    QUALIFICATION_GAINED = "qualification_gained", _("Gained a qualification")


class MentoringOutcome(models.Model):
    tenant_field = "mentorship__mentee__city"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(_("outcome"), max_length=24, choices=OutcomeKind.choices)
    achieved_on = models.DateField(_("date"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "kind"], name="mentoring_outcome_once")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()
