"""The catalogue: providers, learning sites, opportunities, sessions and enrolments.

Multi-valued fixed vocabularies are bitmasks (see ``core.flags``); topics and
languages of instruction are open lists kept as JSON lists of codes."""

import calendar
import re
import uuid
from datetime import datetime

from dateutil.rrule import rrulestr
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from learningcity.core.flags import FlagSet
from learningcity.core.models import City, District


class Sector(models.TextChoices):
    PUBLIC = "public", _("Public body")
    PRIVATE = "private", _("Private company")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    EMPLOYER = "employer", _("Employer")
    CULTURAL = "cultural", _("Cultural institution")
    SCHOOL = "school", _("School")
    UNIVERSITY = "university", _("University")
    LIBRARY = "library", _("Library")


class SiteKind(models.TextChoices):
    LIBRARY = "library", _("Library")
    MOBILE_LIBRARY_STOP = "mobile_library_stop", _("Mobile library stop")
    CULTURAL_CENTRE = "cultural_centre", _("Cultural centre")
    MUSEUM = "museum", _("Museum")
    COMMUNITY_CENTRE = "community_centre", _("Community learning centre")
    SCHOOL = "school", _("School")
    UNIVERSITY = "university", _("University")
    WORKPLACE = "workplace", _("Workplace")
    ONLINE = "online", _("Online")


class Accessibility(models.TextChoices):
    STEP_FREE = "step_free", _("Step-free access")
    ACCESSIBLE_TOILET = "accessible_toilet", _("Accessible toilet")
    HEARING_LOOP = "hearing_loop", _("Hearing loop")
    SIGN_LANGUAGE = "sign_language", _("Sign language")
    LARGE_PRINT = "large_print", _("Large print or braille")
    QUIET_ROOM = "quiet_room", _("Quiet room")


class Level(models.TextChoices):
    EARLY_CHILDHOOD = "early_childhood", _("Early childhood")
    LITERACY = "literacy", _("Literacy and basic skills")
    SCHOOL = "school", _("Primary and secondary")
    VOCATIONAL = "vocational", _("Vocational")
    HIGHER = "higher", _("Higher education")
    NON_FORMAL = "non_formal", _("Non-formal")
    INFORMAL = "informal", _("Informal")


class Format(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")
    MOBILE = "mobile", _("Mobile")


class Cost(models.TextChoices):
    FREE = "free", _("Free")
    FEE = "fee", _("Fee")
    CONCESSIONS = "concessions", _("Fee with concessions")


class TargetGroup(models.TextChoices):
    OUTSIDE_FORMAL = "outside_formal", _("People outside formal education")
    MIGRANTS = "migrants", _("Migrants")
    OLDER_PEOPLE = "older_people", _("Older people")
    DISABILITIES = "disabilities", _("People with disabilities")
    WOMEN = "women", _("Women")
    FAMILIES = "families", _("Families")
    CHILDREN = "children", _("Children")
    YOUNG_PEOPLE = "young_people", _("Young people")
    UNEMPLOYED = "unemployed", _("Unemployed people")


class Outcome(models.TextChoices):
    NONE = "none", _("No certificate")
    CERTIFICATE = "certificate", _("Certificate")
    QUALIFICATION = "qualification", _("Qualification")


class Topic(models.TextChoices):
    LITERACY = "literacy", _("Reading, writing and numbers")
    LANGUAGES = "languages", _("Languages")
    DIGITAL = "digital", _("Digital skills")
    WORK = "work", _("Work and careers")
    HEALTH = "health", _("Health and well-being")
    ARTS = "arts", _("Arts and culture")
    HERITAGE = "heritage", _("History and heritage")
    SCIENCE = "science", _("Science and nature")
    SUSTAINABILITY = "sustainability", _("Sustainability")
    CITIZENSHIP = "citizenship", _("Citizenship and rights")
    FAMILY = "family", _("Family and parenting")
    MONEY = "money", _("Money and business")
    CRAFTS = "crafts", _("Crafts and practical skills")
    SPORT = "sport", _("Sport and movement")


class Weekday(models.TextChoices):
    MONDAY = "mon", _("Monday")
    TUESDAY = "tue", _("Tuesday")
    WEDNESDAY = "wed", _("Wednesday")
    THURSDAY = "thu", _("Thursday")
    FRIDAY = "fri", _("Friday")
    SATURDAY = "sat", _("Saturday")
    SUNDAY = "sun", _("Sunday")


class OpportunityKind(models.TextChoices):
    """What sort of learning it is: decides how it is described to search engines
    (schema.org Course or Event) and lets people look for, say, lectures only."""

    COURSE = "course", _("Course")
    WORKSHOP = "workshop", _("Workshop")
    LECTURE = "lecture", _("Talk or lecture")
    CLUB = "club", _("Club or group")
    EVENT = "event", _("Event")


class TimeOfDay(models.TextChoices):
    MORNING = "morning", _("Morning (before 12:00)")
    AFTERNOON = "afternoon", _("Afternoon (12:00–17:00)")
    EVENING = "evening", _("Evening (after 17:00)")


ACCESSIBILITY = FlagSet(Accessibility)
TARGET_GROUPS = FlagSet(TargetGroup)
TOPICS = FlagSet(Topic)
WEEKDAYS = FlagSet(Weekday)
TIMES_OF_DAY = FlagSet(TimeOfDay)


class Provider(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="providers")
    slug = models.SlugField(max_length=80)
    name = models.CharField(_("name"), max_length=160)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_verified = models.BooleanField(_("verified by the city"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="provider_slug_unique_in_city")
        ]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")

    def __str__(self) -> str:
        return self.name


class ProviderMembership(models.Model):
    """Provider staff: a person who may manage one provider's catalogue."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_memberships"
    )
    created_at = models.DateTimeField(default=timezone.now)

    tenant_field = "provider__city"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "user"], name="provider_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.provider}"


class LearningSite(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="sites")
    provider = models.ForeignKey(
        Provider, on_delete=models.SET_NULL, null=True, blank=True, related_name="sites"
    )
    slug = models.SlugField(max_length=100)
    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("kind of place"), max_length=24, choices=SiteKind.choices)
    address = models.CharField(_("address"), max_length=240, blank=True)
    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sites",
        verbose_name=_("district"),
    )
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    opening_hours = models.CharField(
        _("opening hours"),
        max_length=200,
        blank=True,
        help_text=_("For example: Mo-Fr 09:00-18:00; Sa 10:00-14:00"),
    )
    accessibility = models.PositiveIntegerField(_("accessibility"), default=0)
    public_transport = models.CharField(_("public transport"), max_length=240, blank=True)
    # Lets the finder notice a moved or changed place cheaply (see catalogue.search).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="site_slug_unique_in_city")
        ]
        indexes = [models.Index(fields=["city", "updated_at"])]
        verbose_name = _("learning site")
        verbose_name_plural = _("learning sites")

    def __str__(self) -> str:
        return self.name

    @property
    def accessibility_labels(self) -> list[str]:
        return ACCESSIBILITY.labels(self.accessibility)


class Opportunity(models.Model):
    """A course, lecture, event or series offered by a provider (and co-providers)."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="opportunities")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="opportunities")
    co_providers = models.ManyToManyField(
        Provider, blank=True, related_name="joint_opportunities", verbose_name=_("co-providers")
    )
    site = models.ForeignKey(
        LearningSite,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
        verbose_name=_("main site"),
    )
    slug = models.SlugField(max_length=120)
    kind = models.CharField(
        _("kind"), max_length=12, choices=OpportunityKind.choices, default=OpportunityKind.COURSE
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Other languages' wording: {"fr": {"title": "...", "description": "..."}}.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    topics = models.PositiveIntegerField(_("topics"), default=0)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    format = models.CharField(_("format"), max_length=12, choices=Format.choices)
    # Empty when not said (the form and the import both allow it).
    languages = models.JSONField(_("languages of instruction"), default=list, blank=True)
    cost = models.CharField(_("cost"), max_length=12, choices=Cost.choices, default=Cost.FREE)
    fee = models.DecimalField(_("fee"), max_digits=8, decimal_places=2, null=True, blank=True)
    target_groups = models.PositiveIntegerField(_("for"), default=0)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    accessibility = models.PositiveIntegerField(_("accessibility"), default=0)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.NONE
    )
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    # When sessions happen, kept up to date from the sessions, for the finder's facets.
    weekdays = models.PositiveSmallIntegerField(default=0)
    times_of_day = models.PositiveSmallIntegerField(default=0)
    next_start = models.DateTimeField(null=True, blank=True, db_index=True)
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "slug"], name="opportunity_slug_unique_in_city"
            ),
            models.CheckConstraint(
                condition=models.Q(min_age__isnull=True)
                | models.Q(max_age__isnull=True)
                | models.Q(min_age__lte=models.F("max_age")),
                name="opportunity_age_range_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["city", "is_published", "level"]),
            # The finder's index asks "what changed in this city since ...?" per search.
            models.Index(fields=["city", "updated_at"]),
        ]
        verbose_name = _("learning opportunity")
        verbose_name_plural = _("learning opportunities")

    def __str__(self) -> str:
        return self.title

    @property
    def topic_values(self) -> list[str]:
        return TOPICS.to_values(self.topics)

    @property
    def target_group_values(self) -> list[str]:
        return TARGET_GROUPS.to_values(self.target_groups)


# The parts of an RFC 5545 RRULE a session may use. Sub-daily frequencies and the rarer
# parts (BYSETPOS, BYYEARDAY, ...) are left out on purpose: sessions do not need them,
# and impossible combinations of them make dateutil search for thousands of years.
RECURRENCE_PARTS = ("FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "WKST")
RECURRENCE_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
RECURRENCE_MAX_COUNT = 1000
RECURRENCE_MAX_INTERVAL = 52
_UNTIL_FORMAT = re.compile(r"^\d{8}T\d{6}Z$")


def normalise_recurrence(rule: str) -> str:
    """``"rrule:freq=weekly; count=3;"`` → ``"FREQ=WEEKLY;COUNT=3"``."""
    text = rule.strip().upper().removeprefix("RRULE:")
    return ";".join(part.strip() for part in text.split(";") if part.strip())


def recurrence_problem(rule: str, starts_at: datetime) -> str | None:
    """Why ``rule`` (normalised) is not a usable repeat rule, in plain words; None if it is."""
    parts: dict[str, str] = {}
    for part in rule.split(";"):
        name, _equals, value = part.partition("=")
        if not value:
            return gettext("Each part of the rule needs a name and a value, like FREQ=WEEKLY.")
        if name not in RECURRENCE_PARTS:
            return gettext(
                "“%(name)s” cannot be used here. Use FREQ, INTERVAL, COUNT, UNTIL, BYDAY, "
                "BYMONTHDAY or BYMONTH."
            ) % {"name": name}
        if name in parts:
            return gettext("“%(name)s” is written twice.") % {"name": name}
        parts[name] = value
    problem = _recurrence_part_problem(parts)
    if problem:
        return problem
    try:
        parsed = rrulestr(rule, dtstart=starts_at)
    except (ValueError, TypeError) as error:
        return gettext("The rule could not be read (%(reason)s).") % {"reason": error}
    if parsed.after(starts_at, inc=True) is None:
        return gettext(
            "This rule never gives a date on or after the start. Check its days and months."
        )
    return None


def _recurrence_part_problem(parts: dict[str, str]) -> str | None:
    frequency = parts.get("FREQ")
    if frequency is None:
        return gettext("Say how often it repeats, for example FREQ=WEEKLY.")
    if frequency not in RECURRENCE_FREQUENCIES:
        return gettext("FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY, not “%(value)s”.") % {
            "value": frequency
        }
    if "COUNT" in parts and "UNTIL" in parts:
        return gettext("Use COUNT (how many times) or UNTIL (the last date), not both.")
    for name, highest in (("COUNT", RECURRENCE_MAX_COUNT), ("INTERVAL", RECURRENCE_MAX_INTERVAL)):
        value = parts.get(name)
        if value is not None and not (value.isdigit() and 1 <= int(value) <= highest):
            return gettext("%(name)s must be a whole number from 1 to %(highest)s.") % {
                "name": name,
                "highest": highest,
            }
    until = parts.get("UNTIL")
    if until is not None and not _UNTIL_FORMAT.match(until):
        return gettext("Write UNTIL as a date and time in UTC, for example UNTIL=20260630T235959Z.")
    return _month_day_problem(parts.get("BYMONTH"), parts.get("BYMONTHDAY"))


def _numbers(text: str | None) -> list[int] | None:
    if text is None:
        return []
    try:
        return [int(value) for value in text.split(",")]
    except ValueError:
        return None


def _month_day_problem(months_text: str | None, days_text: str | None) -> str | None:
    """Checked here, because dateutil searches for years before giving up on an
    impossible month (BYMONTH=0) or date (30 February)."""
    months, days = _numbers(months_text), _numbers(days_text)
    if months is None or not all(1 <= month <= 12 for month in months):
        return gettext("BYMONTH takes month numbers from 1 to 12, separated by commas.")
    if days is None or not all(1 <= abs(day) <= 31 for day in days):
        return gettext(
            "BYMONTHDAY takes days of the month from 1 to 31 (or -1 for the last day), "
            "separated by commas."
        )
    if months and days:
        # 2024 is a leap year: 29 February exists.
        longest = [calendar.monthrange(2024, month)[1] for month in months]
        if not any(abs(day) <= length for day in days for length in longest):
            return gettext("These months never have that day of the month.")
    return None


# Statuses that hold a seat, and statuses that still count as "taking part".
SEAT_STATUSES = ("confirmed", "attended")
LIVE_STATUSES = ("confirmed", "waitlisted")


class SessionQuerySet(models.QuerySet["Session"]):
    def with_seat_counts(self) -> "SessionQuerySet":
        """Annotate seats taken and waiting-list length (read by ``seats_taken``,
        ``seats_left`` and ``waitlist_length`` without further queries)."""
        return self.annotate(
            taken_count=models.Count(
                "enrolments", filter=models.Q(enrolments__status__in=SEAT_STATUSES)
            ),
            waiting_count=models.Count(
                "enrolments", filter=models.Q(enrolments__status="waitlisted")
            ),
        )


class Session(models.Model):
    """One run of an opportunity: a single date, a recurring pattern (RFC 5545 RRULE),
    or one lecture of an online series. Seats are counted per session."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="sessions")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    site = models.ForeignKey(
        LearningSite, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    recurrence = models.CharField(
        _("repeats (RFC 5545 rule)"),
        max_length=200,
        blank=True,
        help_text=_("For example: FREQ=WEEKLY;BYDAY=SA;COUNT=10"),
    )
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    live_url = models.URLField(_("live link"), blank=True)
    recording_url = models.URLField(_("recording link"), blank=True)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)

    objects = SessionQuerySet.as_manager()

    tenant_field = "opportunity__city"

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            )
        ]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return f"{self.opportunity.title} · {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def seats(self) -> int | None:
        return self.capacity if self.capacity is not None else self.opportunity.capacity

    @property
    def place(self) -> "LearningSite | None":
        """Where the session happens: its own place, else the opportunity's main place
        (a session held there leaves ``site`` empty). Every page, e-mail and calendar
        file reads this, never ``site`` alone."""
        return self.site if self.site_id is not None else self.opportunity.site

    @property
    def place_text(self) -> str:
        """The place as one line: "name, address" (empty when there is none)."""
        place = self.place
        if place is None:
            return ""
        return ", ".join(part for part in (place.name, place.address) if part)

    def clean(self) -> None:
        if self.recurrence:
            self.recurrence = normalise_recurrence(self.recurrence)
        if self.recurrence and self.starts_at:
            problem = recurrence_problem(self.recurrence, self.starts_at)
            if problem:
                raise ValidationError({"recurrence": problem})

    @property
    def seats_taken(self) -> int:
        counted = getattr(self, "taken_count", None)
        if counted is not None:
            return int(counted)
        return self.enrolments.filter(status__in=SEAT_STATUSES).count()

    @property
    def seats_left(self) -> int | None:
        """Free places, or None when the session has no limit."""
        if self.seats is None:
            return None
        return max(self.seats - self.seats_taken, 0)

    @property
    def waitlist_length(self) -> int:
        counted = getattr(self, "waiting_count", None)
        if counted is not None:
            return int(counted)
        return self.enrolments.filter(status="waitlisted").count()

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def is_open_for_enrolment(self) -> bool:
        return not self.is_cancelled and not self.has_started


class EnrolmentStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")


class EnrolmentQuerySet(models.QuerySet["Enrolment"]):
    def with_waitlist_positions(self) -> "EnrolmentQuerySet":
        """Annotate ``waitlist_position`` (1 = next in line; None unless waitlisted) in
        the same query: the number of people who joined the same waiting list earlier."""
        earlier = models.Q(created_at__lt=models.OuterRef("created_at")) | models.Q(
            created_at=models.OuterRef("created_at"), pk__lt=models.OuterRef("pk")
        )
        ahead = (
            Enrolment.objects.filter(earlier, session=models.OuterRef("session"))
            .filter(status="waitlisted")
            .order_by()
            .values("session")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return self.annotate(
            waitlist_position=models.Case(
                models.When(
                    status="waitlisted",
                    then=Coalesce(models.Subquery(ahead), 0) + 1,
                ),
                default=None,
                output_field=models.IntegerField(),
            )
        )


class Enrolment(models.Model):
    """A person's place (or place in line) in a session. Either an account or a light
    sign-up (name and email only); ``public_id`` is the opaque id in links and emails."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="enrolments")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="enrolments",
    )
    guest_name = models.CharField(_("name"), max_length=80, blank=True)
    guest_email = models.EmailField(_("email address"), blank=True)
    status = models.CharField(max_length=12, choices=EnrolmentStatus.choices)
    # Arrival order: the waiting list is served first come, first served.
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)
    needs = models.CharField(_("help you need"), max_length=300, blank=True)
    # The language the person used when joining: emails to a light sign-up use it.
    language = models.CharField(_("language"), max_length=10, blank=True)
    # Set when the reminder email went out, so that reminders are sent once.
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    # Only on rows read through ``with_waitlist_positions()``.
    waitlist_position: int | None

    tenant_field = "session__opportunity__city"

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["session", "status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(guest_email=""),
                name="enrolment_has_a_person",
            ),
            # One live enrolment per account per session: a double submit cannot take
            # two seats.
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=models.Q(status__in=["confirmed", "waitlisted"]),
                name="enrolment_one_live_per_user",
            ),
            models.UniqueConstraint(
                fields=["session", "guest_email"],
                condition=models.Q(status__in=["confirmed", "waitlisted"], user__isnull=True),
                name="enrolment_one_live_per_guest",
            ),
        ]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")

    def __str__(self) -> str:
        return f"{self.name} · {self.session} · {self.get_status_display()}"

    @property
    def email(self) -> str:
        return self.user.email if self.user is not None else self.guest_email

    @property
    def name(self) -> str:
        return str(self.user) if self.user is not None else self.guest_name


class ImportJobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to start")
    CHECKING = "checking", _("Checking every row")
    # Checked and planned: the preview waits for the person to confirm it.
    READY = "ready", _("Checked: waiting for your confirmation")
    CONFIRMED = "confirmed", _("Confirmed: waiting to be saved")
    SAVING = "saving", _("Saving")
    DONE = "done", _("Imported")
    REFUSED = "refused", _("Refused: nothing was imported")
    # The worker stopped too often (see catalogue.jobs): ``errors`` says why.
    FAILED = "failed", _("Failed: nothing was imported")


class ImportJob(models.Model):
    """One upload of opportunities. Small files are processed during the upload; large
    ones wait for the background worker (``catalogue.jobs``), and the job page shows
    their progress.

    The file is kept in the database (not on a disk one app server owns) until the
    job has run, so any worker can pick it up."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="import_jobs")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file_name = models.CharField(max_length=200)
    file_format = models.CharField(max_length=8)
    data = models.BinaryField(blank=True)
    status = models.CharField(
        max_length=12, choices=ImportJobStatus.choices, default=ImportJobStatus.PENDING
    )
    total = models.PositiveIntegerField(default=0)
    progress = models.PositiveIntegerField(default=0)
    opportunities_created = models.PositiveIntegerField(default=0)
    sessions_created = models.PositiveIntegerField(default=0)
    # Every problem found: [{"row": 3, "column": "level", "message": "..."}].
    errors = models.JSONField(default=list, blank=True)
    # What the file creates, changes and leaves alone (importer.ChangePlan.summary), and
    # a fingerprint of that plan: the plan applied must be the one confirmed.
    summary = models.JSONField(default=dict, blank=True)
    plan_fingerprint = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Dead workers (catalogue.jobs): a worker holds the job until ``lease_expires_at``
    # and renews it as it reports progress; the periodic reaper gives a job whose lease
    # ran out to another worker (``stalls`` counts those), or fails it after too many.
    # ``attempts`` counts the times a worker took the job up: each one's fence.
    attempts = models.PositiveSmallIntegerField(default=0)
    stalls = models.PositiveSmallIntegerField(default=0)
    lease_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.file_name} · {self.get_status_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status in {
            ImportJobStatus.DONE,
            ImportJobStatus.REFUSED,
            ImportJobStatus.FAILED,
        }

    @property
    def is_busy(self) -> bool:
        """Being (or waiting to be) checked or saved: its page updates by itself. A job
        that is ready waits for the person, not for a worker."""
        return self.status in {
            ImportJobStatus.PENDING,
            ImportJobStatus.CHECKING,
            ImportJobStatus.CONFIRMED,
            ImportJobStatus.SAVING,
        }

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        return int(100 * self.progress / self.total) if self.total else 0


class SavedSearch(models.Model):
    """A finder question a resident asked to be told about: when something new
    matches it, an e-mail goes out (``catalogue.alerts``). A guest gives an e-mail
    address and confirms it first (double opt-in); ``public_id`` is in the confirm
    and unsubscribe links."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="saved_searches")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="saved_searches",
    )
    guest_email = models.EmailField(_("email address"), blank=True)
    # The finder's query string, without the page number.
    query = models.CharField(_("search"), max_length=1000, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    # Opportunities already matching (or already announced): only others are new.
    known = models.JSONField(default=list, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(guest_email=""),
                name="saved_search_has_a_person",
            )
        ]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")

    def __str__(self) -> str:
        return f"{self.email} · {self.city} · {self.query or '*'}"

    @property
    def email(self) -> str:
        return self.user.email if self.user is not None else self.guest_email

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
