"""Civic participation: processes with phases, proposals and supports, debates with
threaded comments, participatory budgets with secret ballots, census verification,
accountability results, moderation reports, follows and endorsements.

Secret ballots: a ``Ballot`` row (and its ``BallotChoice`` rows) holds no link to a
person, no time and no counter that follows the order of voting (its key is a random
UUID); the separate ``HasVoted`` row holds only that a person voted in a budget, with
a unique constraint so nobody votes twice. Both are written in one transaction
(``services.cast_ballot``), so a ballot is never counted without its "has voted" row
and never refused after it was stored.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learningcity.core.models import City, District
from learningcity.monitoring.models import FrameworkNode


class Who(models.TextChoices):
    SIGNED_IN = "signed_in", _("Signed-in residents")
    CENSUS = "census", _("Residents verified against the census")


class Process(models.Model):
    """A participatory process ("next year's lifelong-learning plan")."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="processes")
    slug = models.SlugField(max_length=80)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)  # Markdown
    districts = models.ManyToManyField(
        District, blank=True, related_name="processes", verbose_name=_("districts")
    )
    areas = models.ManyToManyField(
        FrameworkNode, blank=True, related_name="processes", verbose_name=_("areas of focus")
    )
    support_threshold = models.PositiveIntegerField(
        _("supports needed"), default=50, validators=[MinValueValidator(1)]
    )
    who_may_take_part = models.CharField(
        _("who may take part"), max_length=12, choices=Who.choices, default=Who.SIGNED_IN
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=16)
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="process_slug_unique_in_city")
        ]
        verbose_name = _("participatory process")
        verbose_name_plural = _("participatory processes")

    def __str__(self) -> str:
        return self.title

    @property
    def is_city_wide(self) -> bool:
        return not self.districts.exists()

    def current_phase(self) -> "Phase | None":
        today = timezone.localdate()
        for phase in self.phases.all():
            if phase.starts_on <= today <= phase.ends_on:
                return phase
        return None


class Phase(models.Model):
    """A stretch of a process, with the components open during it."""

    tenant_field = "process__city"
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(_("name"), max_length=120)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    proposals_open = models.BooleanField(_("residents may submit proposals"), default=False)
    supports_open = models.BooleanField(_("residents may support proposals"), default=False)
    debates_open = models.BooleanField(_("debates are open"), default=False)
    voting_open = models.BooleanField(_("budgets are open for voting"), default=False)
    shows_results = models.BooleanField(_("results are shown"), default=False)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="phase_dates_ordered"
            )
        ]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")

    def __str__(self) -> str:
        return self.name


class ProposalState(models.TextChoices):
    PUBLISHED = "published", _("Open for support")
    EVALUATING = "evaluating", _("Being evaluated")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Moderated(models.Model):
    """Hidden content stays in the table for the audit; pages leave it out."""

    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(_("why it was hidden"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class Proposal(Moderated):
    tenant_field = "process__city"
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="proposals")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("what you propose"))  # Markdown
    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    area = models.ForeignKey(
        FrameworkNode,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area of focus"),
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
    state = models.CharField(
        _("state"), max_length=12, choices=ProposalState.choices, default=ProposalState.PUBLISHED
    )
    answer = models.TextField(_("the city's answer"), blank=True)  # Markdown
    answered_at = models.DateTimeField(null=True, blank=True)
    support_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["process", "hidden_at", "-created_at"], name="proposal_list"),
            models.Index(
                fields=["process", "hidden_at", "district", "state"], name="proposal_counts"
            ),
            # The counts per state without a district filter, read in index order.
            models.Index(fields=["process", "hidden_at", "state"], name="proposal_states"),
            # "Most supported first" read in index order, with no sort of the process.
            models.Index(
                fields=["process", "hidden_at", "-support_count", "-id"], name="proposal_support"
            ),
        ]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self) -> str:
        return self.title

    @property
    def reached_threshold(self) -> bool:
        return self.support_count >= self.process.support_threshold


def proposal_image_path(instance: "ProposalImage", filename: str) -> str:
    # The name is ours (never the uploader's), the format the one we re-encoded to.
    return f"participation/proposals/{instance.proposal_id}/{uuid.uuid4().hex}.jpg"


class ProposalImage(models.Model):
    """A picture of a proposal, re-encoded (``proposal_images``): no metadata kept."""

    tenant_field = "proposal__process__city"
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(upload_to=proposal_image_path, max_length=200)
    alt_text = models.CharField(_("alternative text"), max_length=300)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt_text


class Support(models.Model):
    tenant_field = "proposal__process__city"
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="one_support_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} supports {self.proposal_id}"


class Endorsement(models.Model):
    """An organisation (a catalogue provider) stands behind a proposal."""

    tenant_field = "proposal__process__city"
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="endorsements")
    provider = models.ForeignKey(
        "catalogue.Provider", on_delete=models.CASCADE, related_name="endorsements"
    )
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "provider"], name="one_endorsement_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider_id} endorses {self.proposal_id}"


class Debate(Moderated):
    tenant_field = "process__city"
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="debates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("what to discuss"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("debate")
        verbose_name_plural = _("debates")

    def __str__(self) -> str:
        return self.title


class Alignment(models.IntegerChoices):
    AGAINST = -1, _("Against")
    NEUTRAL = 0, _("Neutral")
    FOR = 1, _("For")


class Comment(Moderated):
    tenant_field = "debate__process__city"
    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("comment"))
    alignment = models.SmallIntegerField(
        _("your position"), choices=Alignment.choices, default=Alignment.NEUTRAL
    )
    score = models.IntegerField(default=0)  # up votes minus down votes
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class CommentVote(models.Model):
    tenant_field = "comment__debate__process__city"
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField(choices=[(1, "+1"), (-1, "-1")])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="one_comment_vote_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.value:+d} on {self.comment_id}"


class BallotKind(models.TextChoices):
    KNAPSACK = "knapsack", _("Choose projects up to the budget")
    K_APPROVAL = "k_approval", _("Choose up to a number of projects")


class Rule(models.TextChoices):
    GREEDY = "greedy", _("Most votes first (greedy)")
    EQUAL_SHARES = "equal-shares", _("Method of Equal Shares")
    EQUAL_SHARES_COMPLETED = "equal-shares-completed", _("Method of Equal Shares, completed")


class WhoMayVote(models.TextChoices):
    PROCESS_RULE = "process", _("As the process says (signed-in or census-verified residents)")
    EMAIL_ONCE = "email_once", _("Anyone who confirms an e-mail address, once")


class Budget(models.Model):
    tenant_field = "process__city"
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="budgets")
    slug = models.SlugField(max_length=80)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    amount = models.PositiveBigIntegerField(_("amount to share"), validators=[MinValueValidator(1)])
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district (empty for city-wide)"),
    )
    ballot_kind = models.CharField(
        _("how residents vote"),
        max_length=12,
        choices=BallotKind.choices,
        default=BallotKind.KNAPSACK,
    )
    max_choices = models.PositiveSmallIntegerField(
        _("most projects on one ballot"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    rule = models.CharField(
        _("how votes are counted"),
        max_length=24,
        choices=Rule.choices,
        default=Rule.EQUAL_SHARES_COMPLETED,
    )
    # Per component: who may vote in this budget. "email_once" also lets a visitor who
    # is not signed in vote once by confirming an e-mail address (``email_voting``).
    who_may_vote = models.CharField(
        _("who may vote"),
        max_length=12,
        choices=WhoMayVote.choices,
        default=WhoMayVote.PROCESS_RULE,
    )
    tallied_at = models.DateTimeField(null=True, blank=True)
    # Funded project codes by every rule counted so far: {"greedy": ["3", "7"], ...}.
    outcomes = models.JSONField(default=dict, blank=True)
    # How many ballots the budget held when they were last mixed (participation.mixing):
    # a budget holding more has ballots still in the order they were cast.
    ballots_mixed = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "slug"], name="budget_slug_unique_in_process"
            )
        ]
        verbose_name = _("participatory budget")
        verbose_name_plural = _("participatory budgets")

    def __str__(self) -> str:
        return self.title


class FundingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNDER_WAY = "under_way", _("Under way")
    DONE = "done", _("Done")


class BudgetProject(models.Model):
    tenant_field = "budget__process__city"
    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="projects")
    code = models.CharField(_("project id"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    cost = models.PositiveBigIntegerField(_("cost"), validators=[MinValueValidator(1)])
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="projects"
    )
    # Filled by the tally (services.tally_budget).
    votes = models.PositiveIntegerField(default=0)
    funded = models.BooleanField(default=False)
    why = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "code"], name="project_code_unique_in_budget")
        ]

    def __str__(self) -> str:
        return self.title


class Ballot(models.Model):
    """One anonymous ballot: no person, no time, a random key."""

    tenant_field = "budget__process__city"
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="ballots")

    def __str__(self) -> str:
        return f"ballot {self.pk}"


class BallotChoice(models.Model):
    tenant_field = "ballot__budget__process__city"
    # Random keys here and on HasVoted: sequential ids would give the order of the
    # ballots and of the voters, and matching the two orders would unmask votes.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No index of its own: the unique constraint (ballot, project) starts with it, and
    # every index costs each ballot a write.
    ballot = models.ForeignKey(
        Ballot, on_delete=models.CASCADE, related_name="choices", db_index=False
    )
    project = models.ForeignKey(BudgetProject, on_delete=models.CASCADE, related_name="choices")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "project"], name="one_choice_per_project")
        ]

    def __str__(self) -> str:
        return f"choice of {self.project_id}"


class HasVoted(models.Model):
    """Only that a person voted in a budget: never what, never when."""

    tenant_field = "budget__process__city"
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexed by the unique constraint (budget, user), which starts with it.
    budget = models.ForeignKey(
        Budget, on_delete=models.CASCADE, related_name="voters", db_index=False
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "user"], name="one_vote_per_person_per_budget"
            )
        ]

    def __str__(self) -> str:
        return f"voted in {self.budget_id}"


class EmailVoter(models.Model):
    """Only that an e-mail address voted in a budget (one-time participation): the
    address is kept as an HMAC (``email_voting.hash_email``), never in clear, and, like
    ``HasVoted``, nothing links it to the ballot."""

    tenant_field = "budget__process__city"
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexed by the unique constraint (budget, email_hash), which starts with it.
    budget = models.ForeignKey(
        Budget, on_delete=models.CASCADE, related_name="email_voters", db_index=False
    )
    email_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "email_hash"], name="one_vote_per_email_per_budget"
            )
        ]

    def __str__(self) -> str:
        return f"an address voted in {self.budget_id}"


class CensusEntry(models.Model):
    """A census row: the identifier only as an HMAC, with what eligibility needs."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    identifier_hash = models.CharField(max_length=64)
    birth_year = models.PositiveSmallIntegerField()
    district = models.ForeignKey(District, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "identifier_hash"], name="census_unique")
        ]

    def __str__(self) -> str:
        return f"census entry {self.pk}"


class Verification(models.Model):
    """A resident matched to a census row (one account per census row)."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="census_verifications"
    )
    identifier_hash = models.CharField(max_length=64)
    birth_year = models.PositiveSmallIntegerField()
    district = models.ForeignKey(District, on_delete=models.SET_NULL, null=True, related_name="+")
    verified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "user"], name="one_verification_per_person"),
            models.UniqueConstraint(
                fields=["city", "identifier_hash"], name="one_account_per_census_row"
            ),
        ]

    def __str__(self) -> str:
        return f"verification {self.pk}"


class Result(models.Model):
    """Accountability: what was decided, how far it has got, what it should move."""

    tenant_field = "process__city"
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="results")
    title = models.CharField(_("title"), max_length=200)
    proposal = models.ForeignKey(
        Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="results"
    )
    project = models.ForeignKey(
        BudgetProject, on_delete=models.SET_NULL, null=True, blank=True, related_name="results"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=FundingStatus.choices, default=FundingStatus.PLANNED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    note = models.TextField(_("what happened"), blank=True)
    indicators = models.ManyToManyField(
        FrameworkNode, blank=True, related_name="participation_results"
    )

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    OFFENSIVE = "offensive", _("Offensive or hateful")
    PERSONAL = "personal", _("Shares someone's personal data")
    OFF_TOPIC = "off_topic", _("Off topic")


class Report(models.Model):
    tenant_field = "process__city"
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="reports")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, null=True, blank=True)
    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, null=True, blank=True)
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=12, choices=ReportReason.choices)
    details = models.CharField(_("details"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.reason} report {self.pk}"

    @property
    def target(self) -> "Proposal | Debate | Comment | None":
        return self.proposal or self.debate or self.comment


class Follow(models.Model):
    tenant_field = "process__city"
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="follows")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, null=True, blank=True)
    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, null=True, blank=True)

    # One row per thing followed: services.follow uses get_or_create (a unique
    # constraint over nullable columns would not hold on every database).

    def __str__(self) -> str:
        return f"follow {self.pk}"


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participation_notices"
    )
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set once the notice went out by e-mail (at once, or in the daily digest).
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text


class EmailChoice(models.TextChoices):
    DAILY = "daily", _("One e-mail a day with everything new")
    INSTANT = "instant", _("An e-mail for each notification")
    NONE = "none", _("No e-mails: I read them here")


class NotificationSettings(models.Model):
    """How a person hears of what they follow; without a row, the daily digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participation_settings"
    )
    email = models.CharField(
        _("e-mails"), max_length=8, choices=EmailChoice.choices, default=EmailChoice.DAILY
    )

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email}"


# ---- surveys ------------------------------------------------------------------------


class Survey(models.Model):
    tenant_field = "process__city"
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="surveys")
    slug = models.SlugField(max_length=80)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_open = models.BooleanField(_("open for answers"), default=True)
    # How many responses the survey held when they were last mixed (participation.mixing).
    responses_mixed = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["process", "slug"], name="survey_slug_unique")
        ]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SHORT = "short", _("Short answer")
    LONG = "long", _("Long answer")
    SINGLE = "single", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    SCALE = "scale", _("Scale from 1 to 5")


class Question(models.Model):
    tenant_field = "survey__process__city"
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("type"), max_length=10, choices=QuestionKind.choices)
    options = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class SurveyResponse(models.Model):
    """One set of answers, with no link to the person (like a ballot)."""

    tenant_field = "survey__process__city"
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")

    def __str__(self) -> str:
        return f"response {self.pk}"


class Answer(models.Model):
    tenant_field = "response__survey__process__city"
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.TextField()

    def __str__(self) -> str:
        return self.value[:40]


class HasAnswered(models.Model):
    tenant_field = "survey__process__city"
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="respondents")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "user"], name="one_response_per_person")
        ]

    def __str__(self) -> str:
        return f"answered {self.survey_id}"


# ---- sortition and assemblies -------------------------------------------------------


class AgeGroup(models.TextChoices):
    YOUNG = "16-29", _("16 to 29")
    MIDDLE = "30-49", _("30 to 49")
    OLDER = "50-64", _("50 to 64")
    ELDER = "65+", _("65 and over")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other or not said")


class Sortition(models.Model):
    """A citizens' panel drawn from volunteers with quotas (sortition-algorithms).

    ``seed`` is published: with the volunteers' published numbers and features and the
    quotas, anyone can rerun the library and get the same panel."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    process = models.ForeignKey(
        Process, on_delete=models.SET_NULL, null=True, blank=True, related_name="sortitions"
    )
    slug = models.SlugField(max_length=80)
    title = models.CharField(_("title"), max_length=200)
    panel_size = models.PositiveSmallIntegerField(
        _("panel size"), validators=[MinValueValidator(1)]
    )
    quotas = models.JSONField(default=list)  # [{"feature", "value", "min", "max"}]
    seed = models.PositiveIntegerField(null=True, blank=True)
    algorithm = models.CharField(max_length=20, default="maximin")
    drawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="sortition_slug_unique")
        ]

    def __str__(self) -> str:
        return self.title


class Volunteer(models.Model):
    tenant_field = "sortition__city"
    sortition = models.ForeignKey(Sortition, on_delete=models.CASCADE, related_name="volunteers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    number = models.PositiveIntegerField()  # published instead of the name
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    age_group = models.CharField(_("age group"), max_length=8, choices=AgeGroup.choices)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    probability = models.FloatField(null=True, blank=True)
    selected = models.BooleanField(default=False)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["sortition", "number"], name="volunteer_number_unique")
        ]

    def __str__(self) -> str:
        return f"volunteer {self.number}"


class Assembly(models.Model):
    """A standing group: a learning-city steering committee, a neighbourhood council."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="assemblies")
    slug = models.SlugField(max_length=80)
    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    sortition = models.ForeignKey(
        Sortition, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="assembly_slug_unique")
        ]

    def __str__(self) -> str:
        return self.name


class AssemblyMeeting(models.Model):
    """A meeting; with ``session`` it is a catalogue session residents find and join."""

    tenant_field = "assembly__city"
    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    session = models.ForeignKey(
        "catalogue.Session", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    minutes = models.TextField(_("minutes"), blank=True)  # Markdown

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.title
