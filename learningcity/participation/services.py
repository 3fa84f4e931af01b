"""Every write of the participation app. Each function checks, writes in one
transaction, audits (``record_event``) and notifies followers on commit. A refusal is a
``ValidationError`` naming the field to change; nothing is half-saved."""

from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, models, transaction
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcity.catalogue.models import Provider
from learningcity.core.audit import record_event
from learningcity.core.models import User
from learningcity.engines.budgeting import Election, ProjectRow, VoteRow, tally
from learningcity.engines.budgeting.pabulib import Election as PbElection
from learningcity.engines.budgeting.pabulib import PabulibError, parse_pb, write_pb

from . import emails, permissions, proposal_images
from .models import (
    Alignment,
    Ballot,
    BallotChoice,
    BallotKind,
    Budget,
    BudgetProject,
    Comment,
    CommentVote,
    Debate,
    EmailChoice,
    Endorsement,
    Follow,
    HasVoted,
    Notification,
    NotificationSettings,
    Phase,
    Process,
    Proposal,
    ProposalState,
    Report,
    Result,
    Support,
    WhoMayVote,
)
from .proposal_images import PreparedImage

TITLE_MAX = 150
BODY_MAX = 10_000


def _refuse_unless_eligible(actor: User, process: Process, district: Any = None) -> None:
    problem = permissions.why_not_take_part(actor, process, district)
    if problem:
        raise ValidationError(problem)


def _open_phase(process: Process, flag: str, closed: str) -> Phase:
    phase = process.current_phase()
    if phase is None or not getattr(phase, flag):
        raise ValidationError(closed)
    return phase


def refuse_unless_voting_open(process: Process) -> None:
    """The check every way of voting makes (signed in, or by e-mail confirmation)."""
    _open_phase(process, "voting_open", _("Voting is closed in this phase."))


def _clean_text(value: str, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise ValidationError({field: _("Write the %(what)s.") % {"what": label}})
    if len(value) > max_length:
        raise ValidationError(
            {
                field: _("The %(what)s is too long: at most %(max)s characters, you wrote %(n)s.")
                % {"what": label, "max": max_length, "n": len(value)}
            }
        )
    return value


# ---- follows and notifications ----------------------------------------------------------


def follow(
    *, actor: User, process: Process, proposal: Proposal | None = None, debate: Debate | None = None
) -> Follow:
    row, _created = Follow.objects.get_or_create(
        user=actor, process=process, proposal=proposal, debate=debate
    )
    return row


def unfollow(
    *, actor: User, process: Process, proposal: Proposal | None = None, debate: Debate | None = None
) -> None:
    Follow.objects.filter(user=actor, process=process, proposal=proposal, debate=debate).delete()


def notify_followers(
    process: Process,
    text: str,
    url: str,
    *,
    proposal: Proposal | None = None,
    debate: Debate | None = None,
    skip: User | None = None,
) -> None:
    """On-site notices for those who follow the process or the thing itself."""
    follows = Follow.objects.filter(process=process)
    if proposal is not None:
        follows = follows.filter(proposal__in=[proposal, None])
    elif debate is not None:
        follows = follows.filter(debate__in=[debate, None])
    else:
        follows = follows.filter(proposal=None, debate=None)
    users = set(follows.values_list("user_id", flat=True))
    if skip is not None:
        users.discard(skip.pk)
    created = Notification.objects.bulk_create(
        [Notification(user_id=u, process=process, text=text[:300], url=url) for u in users]
    )
    # Those who asked for it hear at once; the rest get the daily digest (or nothing).
    emails.send_instant(
        Notification.objects.filter(pk__in=[n.pk for n in created]).select_related("process__city")
    )


def set_notification_emails(*, actor: User, choice: str) -> NotificationSettings:
    """How the person hears of what they follow: daily digest, each at once, or none."""
    if choice not in EmailChoice.values:
        raise ValidationError({"email": _("Choose how often you want e-mails.")})
    row, _created = NotificationSettings.objects.update_or_create(
        user=actor, defaults={"email": choice}
    )
    return row


# ---- proposals ----------------------------------------------------------------------


def submit_proposal(
    *,
    actor: User,
    process: Process,
    fields: dict[str, Any],
    images: Sequence[PreparedImage] = (),
) -> Proposal:
    """A new proposal; ``images`` were checked and re-encoded before
    (``proposal_images.prepare_images``) and are saved with it, or nothing is."""
    _refuse_unless_eligible(actor, process)
    _open_phase(process, "proposals_open", _("Proposals are not being taken in this phase."))
    district = fields.get("district")
    if district is not None and district.city_id != process.city_id:
        raise ValidationError({"district": _("Choose a district of this city.")})
    allowed = list(process.districts.all())
    if district is not None and allowed and district not in allowed:
        raise ValidationError({"district": _("Choose one of the process's districts.")})
    proposal = Proposal(
        process=process,
        author=actor,
        title=_clean_text(fields.get("title", ""), "title", _("title"), TITLE_MAX),
        body=_clean_text(fields.get("body", ""), "body", _("proposal"), BODY_MAX),
        district=district,
        area=fields.get("area"),
        latitude=fields.get("latitude"),
        longitude=fields.get("longitude"),
    )
    if (proposal.latitude is None) != (proposal.longitude is None):
        raise ValidationError({"latitude": _("Give both latitude and longitude, or neither.")})
    proposal.full_clean(exclude=["author", "process", "district", "area"])
    saved: list[Any] = []
    try:
        with transaction.atomic():
            proposal.save()
            Follow.objects.get_or_create(
                user=actor, process=process, proposal=proposal, debate=None
            )
            saved = proposal_images.attach_images(proposal, images)
            record_event(
                actor, "participation.proposal_submitted", city=process.city, target=proposal.title
            )
    except Exception:
        proposal_images.delete_files(saved)
        raise
    return proposal


def support_proposal(*, actor: User, proposal: Proposal) -> Proposal:
    process = proposal.process
    _refuse_unless_eligible(actor, process)
    _open_phase(process, "supports_open", _("Supports are closed in this phase."))
    if proposal.state != ProposalState.PUBLISHED or proposal.is_hidden:
        raise ValidationError(_("This proposal no longer takes supports."))
    try:
        with transaction.atomic():
            Support.objects.create(proposal=proposal, user=actor)
            Proposal.objects.filter(pk=proposal.pk).update(support_count=F("support_count") + 1)
            proposal.refresh_from_db(fields=["support_count"])
            if proposal.support_count >= process.support_threshold:
                # Reaching the threshold moves the proposal on to the city's evaluation.
                Proposal.objects.filter(pk=proposal.pk, state=ProposalState.PUBLISHED).update(
                    state=ProposalState.EVALUATING
                )
                proposal.refresh_from_db(fields=["state"])
                url = reverse(
                    "participation:proposal", args=[process.city.slug, process.slug, proposal.pk]
                )
                transaction.on_commit(
                    lambda: notify_followers(
                        process,
                        _("“%(title)s” reached its supports and is being evaluated.")
                        % {"title": proposal.title},
                        url,
                        proposal=proposal,
                    )
                )
    except IntegrityError:
        raise ValidationError(_("You already support this proposal.")) from None
    return proposal


def withdraw_proposal(*, actor: User, proposal: Proposal) -> Proposal:
    if proposal.author_id != actor.pk:
        raise ValidationError(_("Only the author can withdraw a proposal."))
    if proposal.state not in (ProposalState.PUBLISHED, ProposalState.EVALUATING):
        raise ValidationError(_("This proposal has already been answered."))
    with transaction.atomic():
        proposal.state = ProposalState.WITHDRAWN
        proposal.save(update_fields=["state"])
        record_event(
            actor,
            "participation.proposal_withdrawn",
            city=proposal.process.city,
            target=proposal.title,
        )
    return proposal


def answer_proposal(*, actor: User, proposal: Proposal, state: str, answer: str) -> Proposal:
    if state not in (ProposalState.EVALUATING, ProposalState.ACCEPTED, ProposalState.REJECTED):
        raise ValidationError({"state": _("Choose evaluating, accepted or rejected.")})
    answer = _clean_text(
        answer, "answer", _("answer"), BODY_MAX, required=state != ProposalState.EVALUATING
    )
    process = proposal.process
    with transaction.atomic():
        proposal.state = state
        proposal.answer = answer
        proposal.answered_at = timezone.now()
        proposal.save(update_fields=["state", "answer", "answered_at"])
        record_event(
            actor,
            "participation.proposal_answered",
            city=process.city,
            target=proposal.title,
            state=state,
        )
        url = reverse("participation:proposal", args=[process.city.slug, process.slug, proposal.pk])
        transaction.on_commit(
            lambda: notify_followers(
                process,
                _("The city answered “%(title)s”: %(state)s.")
                % {"title": proposal.title, "state": proposal.get_state_display()},
                url,
                proposal=proposal,
            )
        )
    return proposal


def endorse_proposal(*, actor: User, proposal: Proposal, provider: Provider) -> Endorsement:
    if provider.city_id != proposal.process.city_id or not permissions.can_endorse_for(
        actor, provider
    ):
        raise ValidationError(
            _("You can endorse only in the name of an organisation you work for.")
        )
    try:
        with transaction.atomic():
            row = Endorsement.objects.create(
                proposal=proposal, provider=provider, endorsed_by=actor
            )
            record_event(
                actor,
                "participation.proposal_endorsed",
                city=provider.city,
                target=proposal.title,
                provider=provider.name,
            )
    except IntegrityError:
        raise ValidationError(
            _("%(name)s already endorses this proposal.") % {"name": provider.name}
        ) from None
    return row


# ---- debates and comments -----------------------------------------------------------


def start_debate(*, actor: User, process: Process, title: str, body: str) -> Debate:
    _refuse_unless_eligible(actor, process)
    _open_phase(process, "debates_open", _("Debates are closed in this phase."))
    debate = Debate(
        process=process,
        author=actor,
        title=_clean_text(title, "title", _("title"), TITLE_MAX),
        body=_clean_text(body, "body", _("text"), BODY_MAX),
    )
    with transaction.atomic():
        debate.save()
        Follow.objects.get_or_create(user=actor, process=process, proposal=None, debate=debate)
        record_event(actor, "participation.debate_started", city=process.city, target=debate.title)
    return debate


def post_comment(
    *, actor: User, debate: Debate, body: str, alignment: int = 0, parent: Comment | None = None
) -> Comment:
    process = debate.process
    _refuse_unless_eligible(actor, process)
    _open_phase(process, "debates_open", _("Debates are closed in this phase."))
    if debate.is_hidden:
        raise ValidationError(_("This debate has been hidden."))
    if parent is not None and parent.debate_id != debate.pk:
        raise ValidationError(_("You can reply only to a comment of this debate."))
    if parent is not None and parent.parent_id is not None:
        parent = parent.parent  # threads are one level deep: a reply to a reply joins it
    if alignment not in Alignment.values:
        raise ValidationError({"alignment": _("Choose for, against or neutral.")})
    comment = Comment(
        debate=debate,
        parent=parent,
        author=actor,
        alignment=alignment,
        body=_clean_text(body, "body", _("comment"), 4000),
    )
    with transaction.atomic():
        comment.save()
        url = reverse("participation:debate", args=[process.city.slug, process.slug, debate.pk])
        transaction.on_commit(
            lambda: notify_followers(
                process,
                _("New comment in “%(title)s”.") % {"title": debate.title},
                url,
                debate=debate,
                skip=actor,
            )
        )
    return comment


def vote_comment(*, actor: User, comment: Comment, value: int) -> Comment:
    if value not in (1, -1):
        raise ValidationError(_("Vote up or down."))
    with transaction.atomic():
        existing = (
            CommentVote.objects.select_for_update().filter(comment=comment, user=actor).first()
        )
        change = value if existing is None else value - existing.value
        if existing is None:
            CommentVote.objects.create(comment=comment, user=actor, value=value)
        elif existing.value != value:
            existing.value = value
            existing.save(update_fields=["value"])
        if change:
            Comment.objects.filter(pk=comment.pk).update(score=F("score") + change)
        comment.refresh_from_db(fields=["score"])
    return comment


# ---- moderation ---------------------------------------------------------------------


def report_content(
    *, actor: User, target: Proposal | Debate | Comment, reason: str, details: str = ""
) -> Report:
    from .models import ReportReason

    if reason not in ReportReason.values:
        raise ValidationError({"reason": _("Choose why you report this.")})
    details = _clean_text(details, "details", _("details"), 500, required=False)
    process = target.debate.process if isinstance(target, Comment) else target.process
    report = Report(process=process, reporter=actor, reason=reason, details=details)
    setattr(report, type(target).__name__.lower(), target)
    with transaction.atomic():
        report.save()
        record_event(
            actor,
            "participation.content_reported",
            city=process.city,
            target=str(target)[:200],
            reason=reason,
        )
    return report


def hide_content(*, actor: User, target: Proposal | Debate | Comment, reason: str) -> None:
    reason = _clean_text(reason, "reason", _("reason"), 300)
    process = target.debate.process if isinstance(target, Comment) else target.process
    with transaction.atomic():
        target.hidden_at = timezone.now()
        target.hidden_reason = reason
        target.save(update_fields=["hidden_at", "hidden_reason"])
        _resolve_reports(target)
        record_event(
            actor,
            "participation.content_hidden",
            city=process.city,
            target=str(target)[:200],
            reason=reason,
        )


def restore_content(*, actor: User, target: Proposal | Debate | Comment, reason: str) -> None:
    reason = _clean_text(reason, "reason", _("reason"), 300)
    process = target.debate.process if isinstance(target, Comment) else target.process
    with transaction.atomic():
        target.hidden_at = None
        target.save(update_fields=["hidden_at"])
        _resolve_reports(target)
        record_event(
            actor,
            "participation.content_restored",
            city=process.city,
            target=str(target)[:200],
            reason=reason,
        )


def _resolve_reports(target: Proposal | Debate | Comment) -> None:
    field = type(target).__name__.lower()
    Report.objects.filter(**{field: target}, resolved_at=None).update(resolved_at=timezone.now())


# ---- budgets ------------------------------------------------------------------------


def check_ballot(budget: Budget, projects: list[BudgetProject]) -> None:
    if not projects:
        raise ValidationError({"projects": _("Choose at least one project.")})
    if len({p.pk for p in projects}) != len(projects) or any(
        p.budget_id != budget.pk for p in projects
    ):
        raise ValidationError({"projects": _("Choose projects of this budget, each once.")})
    if budget.ballot_kind == BallotKind.KNAPSACK:
        total = sum(p.cost for p in projects)
        if total > budget.amount:
            raise ValidationError(
                {
                    "projects": _(
                        "Your projects cost %(total)s, more than the %(amount)s to share. "
                        "Leave out projects worth at least %(over)s."
                    )
                    % {"total": total, "amount": budget.amount, "over": total - budget.amount}
                }
            )
    elif budget.max_choices and len(projects) > budget.max_choices:
        raise ValidationError(
            {
                "projects": _("Choose at most %(k)s projects; you chose %(n)s.")
                % {"k": budget.max_choices, "n": len(projects)}
            }
        )


# The largest id (and amount) a database column stores: a larger number in a query
# raises OverflowError on SQLite and DataError on PostgreSQL.
LARGEST_ID = 2**63 - 1


def ballot_projects(budget: Budget, project_ids: Iterable[int]) -> list[BudgetProject]:
    """The chosen projects, checked against the budget's ballot rules."""
    wanted = sorted({int(i) for i in project_ids})
    if any(not 0 < i <= LARGEST_ID for i in wanted):
        raise ValidationError({"projects": _("Choose projects of this budget, each once.")})
    projects = list(BudgetProject.objects.filter(budget=budget, pk__in=wanted))
    if len(projects) != len(wanted):
        raise ValidationError({"projects": _("Choose projects of this budget, each once.")})
    check_ballot(budget, projects)
    return projects


def store_ballot(
    budget: Budget, projects: list[BudgetProject], voted: Iterable[models.Model], refusal: str
) -> None:
    """The one place a ballot is written: the "has voted" rows (``voted``: ``HasVoted``,
    ``EmailVoter``), then the anonymous ballot and its choices, in one transaction. A
    unique constraint on a "has voted" row stops a second vote, also when two requests
    race: the second insert fails, its transaction rolls back, its ballot is never
    stored, and ``refusal`` is the message."""
    ballot = Ballot(budget=budget)
    rows = [*voted, ballot, *(BallotChoice(ballot=ballot, project=p) for p in projects)]
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                _insert_in_one_statement(rows)
            else:
                for row in rows:
                    row.save(force_insert=True)
    except IntegrityError:
        raise ValidationError(refusal) from None


def _insert_in_one_statement(rows: list[models.Model]) -> None:
    """INSERT ``rows`` with one PostgreSQL statement (data-modifying CTEs): one round
    trip instead of one per row, for the busiest write of the app. Foreign keys are
    checked at commit (Django creates them deferrable), so the order does not matter;
    a unique constraint still fails the whole statement."""
    parts, params = [], []
    quote = connection.ops.quote_name
    for row in rows:
        fields = row._meta.concrete_fields
        columns = ", ".join(quote(cast(str, field.column)) for field in fields)
        marks = ", ".join(["%s"] * len(fields))
        parts.append(f"INSERT INTO {quote(row._meta.db_table)} ({columns}) VALUES ({marks})")
        params += [
            field.get_db_prep_save(field.pre_save(row, add=True), connection) for field in fields
        ]
    *first, last = parts
    ctes = ", ".join(f"row{n} AS ({part})" for n, part in enumerate(first))
    with connection.cursor() as cursor:
        cursor.execute((f"WITH {ctes} " if ctes else "") + last, params)


def cast_ballot(*, actor: User, budget: Budget, project_ids: Iterable[int]) -> None:
    """Store an anonymous ballot and, in the same transaction, that ``actor`` voted.
    Nothing about the ballot is audited or logged with the person. In a budget open to
    one-time participation by e-mail, the account's address is also marked as having
    voted, so the same person cannot vote again by e-mail (nor the other way round)."""
    from .email_voting import email_voter_row

    process = budget.process
    _refuse_unless_eligible(actor, process, budget.district)
    refuse_unless_voting_open(process)
    projects = ballot_projects(budget, project_ids)
    voted: list[models.Model] = [HasVoted(budget=budget, user=actor)]
    if budget.who_may_vote == WhoMayVote.EMAIL_ONCE and actor.email:
        voted.append(email_voter_row(budget, actor.email))
    store_ballot(budget, projects, voted, _("You have already voted in this budget."))


def budget_election(budget: Budget) -> Election:
    """The budget's projects and anonymous ballots as a pabulib election. Ballots come
    in the order of their random keys and are numbered from 1, so the file says
    nothing about who voted or when."""
    projects = list(budget.projects.all())
    code_of = {p.pk: p.code for p in projects}
    choices: dict[Any, list[str]] = {}
    for ballot_id, project_id in (
        BallotChoice.objects.filter(ballot__budget=budget)
        .order_by("ballot_id", "project__code")
        .values_list("ballot_id", "project_id")
    ):
        choices.setdefault(ballot_id, []).append(code_of[project_id])
    for ballot_id in Ballot.objects.filter(budget=budget).values_list("id", flat=True):
        choices.setdefault(ballot_id, [])
    process = budget.process
    meta = {
        "description": budget.title,
        "country": process.city.country,
        "unit": process.city.name,
        "instance": f"{process.slug}/{budget.slug}",
        "budget": str(budget.amount),
        "vote_type": "approval",
        "rule": budget.rule,
        "currency": budget.currency,
    }
    if budget.ballot_kind == BallotKind.K_APPROVAL and budget.max_choices:
        meta["max_length"] = str(budget.max_choices)
    return Election(
        meta=meta,
        projects=[
            ProjectRow(p.code, Fraction(p.cost), {"name": p.title, "votes": str(p.votes)})
            for p in projects
        ],
        votes=[
            VoteRow(str(n), tuple(codes))
            for n, (_key, codes) in enumerate(sorted(choices.items(), key=lambda kv: str(kv[0])), 1)
        ],
        project_columns=["name", "votes"],
    )


def export_budget_pb(budget: Budget) -> str:
    return write_pb(budget_election(budget))


def tally_budget(*, actor: User | None, budget: Budget, rule: str | None = None) -> list[str]:
    """Count the ballots by the budget's rule (or ``rule``) and store, per project, its
    votes, whether it is funded and why. Returns the funded project codes."""
    rule = rule or budget.rule
    election = budget_election(budget)
    outcome = tally(election, rule)
    funded = set(outcome.selected)
    votes = dict(
        BallotChoice.objects.filter(ballot__budget=budget)
        .values("project_id")
        .annotate(n=Count("id"))
        .values_list("project_id", "n")
    )
    projects = list(budget.projects.all())
    ranked = sorted(projects, key=lambda p: (-votes.get(p.pk, 0), p.code))
    spent = sum(p.cost for p in projects if p.code in funded)
    with transaction.atomic():
        for p in projects:
            p.votes = votes.get(p.pk, 0)
            p.funded = p.code in funded
            p.why = _why(p, funded, ranked, budget.amount - spent, rule)
        BudgetProject.objects.bulk_update(projects, ["votes", "funded", "why"])
        budget.tallied_at = timezone.now()
        budget.rule = rule
        budget.outcomes = {**budget.outcomes, rule: outcome.selected}
        budget.save(update_fields=["tallied_at", "rule", "outcomes"])
        record_event(
            actor,
            "participation.budget_tallied",
            city=budget.process.city,
            target=budget.title,
            rule=rule,
            funded=len(funded),
        )
    return outcome.selected


def _why(
    project: BudgetProject, funded: set[str], ranked: list[BudgetProject], left: int, rule: str
) -> str:
    if project.code in funded:
        if rule == "greedy":
            return _("Funded: enough votes for its cost while money was left.")
        return _("Funded: its supporters' equal shares of the budget cover its cost.")
    if project.votes == 0:
        return _("Not funded: nobody voted for it.")
    if project.cost > left:
        return _("Not funded: it costs more than the money left after the funded projects.")
    return _("Not funded: its supporters' shares were spent on projects they preferred.")


def import_budget_pb(*, actor: User, process: Process, slug: str, text: str) -> Budget:
    """A budget with its projects and anonymous ballots from a pabulib file (approval
    ballots). A faulty file saves nothing and names the line to change."""
    try:
        election = parse_pb(text.replace("\x00", ""))
    except PabulibError as exc:
        raise ValidationError({"file": str(exc)}) from None
    if election.vote_type != "approval":
        raise ValidationError({"file": _("Only approval ballots can be imported.")})
    if Budget.objects.filter(process=process, slug=slug).exists():
        raise ValidationError({"slug": _("A budget with this address already exists.")})
    _check_pb_amounts(election)
    try:
        return _save_imported_budget(actor, process, slug, election)
    except (DataError, OverflowError):
        raise ValidationError(
            {"file": _("A number or a text in the file is too large to store.")}
        ) from None


def _check_pb_amounts(election: PbElection) -> None:
    """Whole amounts the database can store; a refusal names the project."""
    budget_amount = election.budget
    if budget_amount.denominator != 1 or any(
        p.cost.denominator != 1 or p.cost < 1 for p in election.projects
    ):
        raise ValidationError({"file": _("The budget and every cost must be whole amounts.")})
    if budget_amount > LARGEST_ID:
        raise ValidationError(
            {"file": _("The budget is too large: at most %(max)s.") % {"max": LARGEST_ID}}
        )
    for project in election.projects:
        if project.cost > LARGEST_ID:
            raise ValidationError(
                {
                    "file": _("The cost of project “%(id)s” is too large: at most %(max)s.")
                    % {"id": project.project_id, "max": LARGEST_ID}
                }
            )


def _save_imported_budget(actor: User, process: Process, slug: str, election: PbElection) -> Budget:
    with transaction.atomic():
        budget = Budget.objects.create(
            process=process,
            slug=slug,
            title=election.meta.get("description", slug)[:200] or slug,
            amount=int(election.budget),
            rule=election.meta.get("rule", "greedy")
            if election.meta.get("rule") in ("greedy", "equal-shares", "equal-shares-completed")
            else "greedy",
        )
        projects = BudgetProject.objects.bulk_create(
            [
                BudgetProject(
                    budget=budget,
                    code=p.project_id[:40],
                    title=(p.fields.get("name") or p.project_id)[:200],
                    cost=int(p.cost),
                )
                for p in election.projects
            ]
        )
        pk_of = {p.code: p for p in projects}
        ballots = Ballot.objects.bulk_create([Ballot(budget=budget) for _v in election.votes])
        BallotChoice.objects.bulk_create(
            [
                BallotChoice(ballot=ballot, project=pk_of[code])
                for ballot, vote in zip(ballots, election.votes, strict=True)
                for code in vote.vote
            ],
            batch_size=2000,
        )
        record_event(
            actor,
            "participation.budget_imported",
            city=process.city,
            target=budget.title,
            ballots=len(ballots),
        )
    return budget


# ---- accountability -----------------------------------------------------------------


def record_result(
    *,
    actor: User | None,
    process: Process,
    title: str,
    status: str,
    progress: int,
    note: str = "",
    proposal: Proposal | None = None,
    project: BudgetProject | None = None,
    indicators: Iterable[Any] = (),
) -> Result:
    """What became of an accepted proposal or a funded project, and the monitoring
    indicators it should move (of the city's frameworks or the network's)."""
    if proposal is not None and proposal.process_id != process.pk:
        raise ValidationError({"proposal": _("Choose a proposal of this process.")})
    if project is not None and project.budget.process_id != process.pk:
        raise ValidationError({"project": _("Choose a project of this process's budgets.")})
    result = Result(
        process=process,
        title=_clean_text(title, "title", _("title"), 200),
        status=status,
        progress=progress,
        note=_clean_text(note, "note", _("note"), BODY_MAX, required=False),
        proposal=proposal,
        project=project,
    )
    result.full_clean(exclude=["process", "proposal", "project"])
    chosen = list(indicators)
    for indicator in chosen:
        if indicator.framework.city_id not in (None, process.city_id):
            raise ValidationError({"indicators": _("Choose indicators of this city.")})
    with transaction.atomic():
        result.save()
        result.indicators.set(chosen)
        record_event(
            actor,
            "participation.result_recorded",
            city=process.city,
            target=result.title,
            progress=progress,
        )
    return result
