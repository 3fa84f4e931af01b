"""The coordinators' writes: processes with their phases, budgets with their projects
(typed in or imported from a pabulib file), accountability results and surveys with
their questions.

Each function checks everything first and collects every problem, then writes in one
transaction and audits. A refusal is a ``ValidationError`` whose keys name the field
to change: a form field (``"slug"``), a list as a whole (``"phases"``) or one field of
one row (``"phases.2.ends_on"``: the row's ``row`` value, else its place in the list).
Nothing is saved when anything is refused.

Rows (phases, projects, questions) are dicts with the row's fields, ``id`` (empty for
a new row), ``delete`` (true to remove it) and ``row`` (the number of the form it came
from, used in error keys)."""

import itertools
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from learningcity.core.audit import record_event
from learningcity.core.models import City, User
from learningcity.core.tenancy import for_city
from learningcity.engines.budgeting.pabulib import PabulibError, parse_pb
from learningcity.monitoring.models import FrameworkNode, NodeType

from . import services
from .models import (
    BallotKind,
    Budget,
    BudgetProject,
    FundingStatus,
    Phase,
    Process,
    ProposalState,
    Question,
    QuestionKind,
    Result,
    Rule,
    Survey,
    Who,
    WhoMayVote,
)

# Addresses the participation pages use: a process or budget may not take them.
RESERVED_PROCESS_SLUGS = frozenset(
    {"manage", "verify", "census", "notifications", "panels", "assemblies"}
)
RESERVED_CHILD_SLUGS = frozenset({"new", "import", "results", "tally"})
# More supports than any city has residents would never be reached, and a larger
# number overflows the column.
SUPPORT_THRESHOLD_MAX = 1_000_000
PHASE_FLAGS = ("proposals_open", "supports_open", "debates_open", "voting_open", "shows_results")
AREA_OF_FOCUS_LEVEL = 3  # KFLC levels from the indicators (1) up: area of focus is 3
MAX_PB_BYTES = 5 * 1024 * 1024
TEXT_MAX = services.BODY_MAX
CHOICE_MAX = 200

Faults = dict[str, list[str]]


def _add(faults: Faults, key: str, message: str) -> None:
    faults.setdefault(key, []).append(message)


def _merge(faults: Faults, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for key, messages in error.message_dict.items():
            for message in messages:
                _add(faults, key, message)
    else:
        for message in error.messages:
            _add(faults, "__all__", message)


def _refuse_if(faults: Faults) -> None:
    if faults:
        raise ValidationError(dict(faults))


def _text(
    faults: Faults,
    value: Any,
    key: str,
    label: str,
    max_length: int,
    required: bool = True,
) -> str:
    try:
        return services._clean_text(str(value or ""), key, label, max_length, required)
    except ValidationError as error:
        _merge(faults, error)
        return ""


def _slug(faults: Faults, value: Any, reserved: frozenset[str], key: str = "slug") -> str:
    slug = str(value or "").strip().lower()
    if not slug:
        _add(faults, key, _("Write a short name for the address."))
        return ""
    try:
        validate_slug(slug)
    except ValidationError:
        _add(faults, key, _("Use only lowercase letters, numbers and hyphens in the address."))
        return ""
    if len(slug) > 80:
        _add(faults, key, _("The address is too long: at most 80 characters."))
    if slug in reserved:
        _add(
            faults,
            key,
            _("“%(slug)s” is used by the site's own pages: choose another.") % {"slug": slug},
        )
    return slug


def _whole(faults: Faults, value: Any, key: str, lowest: int, highest: int | None = None) -> int:
    if value is None or value == "" or isinstance(value, bool) or not isinstance(value, int):
        _add(faults, key, _("Write a whole number."))
        return lowest
    if value < lowest or (highest is not None and value > highest):
        if highest is None:
            _add(faults, key, _("Write a whole number of at least %(n)s.") % {"n": lowest})
        else:
            _add(
                faults,
                key,
                _("Write a whole number from %(low)s to %(high)s.")
                % {"low": lowest, "high": highest},
            )
    return value


def _row_key(row: dict[str, Any], index: int, list_name: str, field: str) -> str:
    return f"{list_name}.{row.get('row', index)}.{field}"


def _row_ids(
    faults: Faults, rows: Sequence[dict[str, Any]], existing: dict[int, Any], list_name: str
) -> bool:
    """Each row's ``id`` is one of ``existing`` (the parent's rows) or empty."""
    for row in rows:
        pk = row.get("id")
        if pk and pk not in existing:
            _add(
                faults,
                list_name,
                _("A row was removed or belongs elsewhere. Reload the page and try again."),
            )
            return False
    return True


# ---- processes ----------------------------------------------------------------------


def _areas_of_focus(city: City, nodes: Iterable[FrameworkNode]) -> bool:
    return all(
        node.type == NodeType.AGGREGATE
        and node.level == AREA_OF_FOCUS_LEVEL
        and node.framework.city_id in (None, city.pk)
        for node in nodes
    )


def _check_process(faults: Faults, city: City, process: Process, fields: dict[str, Any]) -> None:
    process.title = _text(faults, fields.get("title"), "title", _("title"), 200)
    process.summary = _text(faults, fields.get("summary"), "summary", _("summary"), 300, False)
    process.description = _text(
        faults, fields.get("description"), "description", _("description"), TEXT_MAX, False
    )
    process.slug = _slug(faults, fields.get("slug"), RESERVED_PROCESS_SLUGS)
    if (
        process.slug
        and for_city(Process, city).filter(slug=process.slug).exclude(pk=process.pk).exists()
    ):
        _add(faults, "slug", _("Another process of this city has this address."))
    process.support_threshold = _whole(
        faults, fields.get("support_threshold"), "support_threshold", 1, SUPPORT_THRESHOLD_MAX
    )
    process.min_age = _whole(faults, fields.get("min_age"), "min_age", 0, 120)
    who = fields.get("who_may_take_part")
    if who not in Who.values:
        _add(faults, "who_may_take_part", _("Choose who may take part."))
    else:
        process.who_may_take_part = who
    process.is_published = bool(fields.get("is_published"))
    if any(d.city_id != city.pk for d in fields.get("districts") or []):
        _add(faults, "districts", _("Choose districts of this city."))
    if not _areas_of_focus(city, fields.get("areas") or []):
        _add(faults, "areas", _("Choose areas of focus of the city's framework."))


def _check_phases(
    faults: Faults, process: Process, rows: Sequence[dict[str, Any]]
) -> tuple[list[tuple[Phase, dict[str, Any]]], list[Phase]]:
    """The phases to keep (changed or new) and to delete. Dates must be in order and
    phases must not overlap (one phase is current at a time)."""
    existing = {p.pk: p for p in process.phases.all()} if process.pk else {}
    if not _row_ids(faults, rows, existing, "phases"):
        return [], []
    kept: list[tuple[Phase, dict[str, Any], int]] = []
    dropped: list[Phase] = []
    for index, row in enumerate(rows):
        pk = row.get("id")
        if row.get("delete"):
            if pk:
                dropped.append(existing[pk])
            continue
        phase = existing[pk] if pk else Phase(process=process)
        phase.name = _text(
            faults, row.get("name"), _row_key(row, index, "phases", "name"), _("name"), 120
        )
        starts, ends = row.get("starts_on"), row.get("ends_on")
        for field, value in (("starts_on", starts), ("ends_on", ends)):
            if not isinstance(value, date):
                _add(faults, _row_key(row, index, "phases", field), _("Give a date."))
        if isinstance(starts, date) and isinstance(ends, date):
            if ends < starts:
                _add(
                    faults,
                    _row_key(row, index, "phases", "ends_on"),
                    _("“%(name)s” ends before it starts: choose an end date on or after the start.")
                    % {"name": phase.name or _("This phase")},
                )
            phase.starts_on, phase.ends_on = starts, ends
            kept.append((phase, row, index))
        for flag in PHASE_FLAGS:
            setattr(phase, flag, bool(row.get(flag)))
    mentioned = {row.get("id") for row in rows}
    kept += [(phase, {}, -1) for pk, phase in existing.items() if pk not in mentioned]
    ordered = sorted(kept, key=lambda item: (item[0].starts_on, item[0].ends_on))
    for (first, row1, index1), (second, row2, index2) in itertools.pairwise(ordered):
        if first.ends_on >= second.starts_on:
            if index2 >= 0:
                key = _row_key(row2, index2, "phases", "starts_on")
            elif index1 >= 0:
                key = _row_key(row1, index1, "phases", "ends_on")
            else:
                key = "phases"
            _add(
                faults,
                key,
                _(
                    "“%(second)s” starts before “%(first)s” ends: phases must not overlap. "
                    "Start it after %(end)s."
                )
                % {"first": first.name, "second": second.name, "end": first.ends_on.isoformat()},
            )
    return [(phase, row) for phase, row, index in kept if index >= 0], dropped


def _save_process(
    actor: User,
    process: Process,
    fields: dict[str, Any],
    phases: tuple[list[tuple[Phase, dict[str, Any]]], list[Phase]],
) -> Process:
    kept, dropped = phases
    with transaction.atomic():
        try:
            with transaction.atomic():
                process.save()
        except IntegrityError:
            raise ValidationError(
                {"slug": _("Another process of this city has this address.")}
            ) from None
        process.districts.set(fields.get("districts") or [])
        process.areas.set(fields.get("areas") or [])
        Phase.objects.filter(pk__in=[p.pk for p in dropped]).delete()
        for phase, _row in kept:
            phase.process = process
            phase.save()
        record_event(actor, "participation.process_saved", city=process.city, target=process.title)
    return process


def create_process(
    *, actor: User, city: City, fields: dict[str, Any], phases: Sequence[dict[str, Any]] = ()
) -> Process:
    faults: Faults = {}
    process = Process(city=city)
    _check_process(faults, city, process, fields)
    checked = _check_phases(faults, process, phases)
    _refuse_if(faults)
    return _save_process(actor, process, fields, checked)


def update_process(
    *, actor: User, process: Process, fields: dict[str, Any], phases: Sequence[dict[str, Any]] = ()
) -> Process:
    faults: Faults = {}
    process = Process.objects.select_related("city").get(pk=process.pk)
    _check_process(faults, process.city, process, fields)
    checked = _check_phases(faults, process, phases)
    _refuse_if(faults)
    return _save_process(actor, process, fields, checked)


# ---- budgets ------------------------------------------------------------------------

# What a ballot depends on: fixed once anyone voted. ``who_may_vote`` too: opening a
# budget to e-mail voting after accounts voted would let the same person vote twice.
BALLOT_FIELDS = ("amount", "ballot_kind", "max_choices", "district_id", "who_may_vote")
PROJECT_FIELDS = ("code", "title", "description", "cost", "district_id", "proposal_id")


def _check_budget(faults: Faults, budget: Budget, fields: dict[str, Any]) -> None:
    process = budget.process
    budget.title = _text(faults, fields.get("title"), "title", _("title"), 200)
    budget.description = _text(
        faults, fields.get("description"), "description", _("description"), TEXT_MAX, False
    )
    budget.slug = _slug(faults, fields.get("slug"), RESERVED_CHILD_SLUGS)
    if budget.slug and (
        Budget.objects.filter(process=process, slug=budget.slug).exclude(pk=budget.pk).exists()
    ):
        _add(faults, "slug", _("A budget with this address already exists."))
    budget.amount = _whole(faults, fields.get("amount"), "amount", 1)
    currency = str(fields.get("currency") or "").strip().upper()
    if len(currency) != 3 or not currency.isascii() or not currency.isalpha():
        _add(faults, "currency", _("Write the currency as its three-letter code, such as EUR."))
    budget.currency = currency
    district = fields.get("district")
    if district is not None and district.city_id != process.city_id:
        _add(faults, "district", _("Choose a district of this city."))
    budget.district = district
    kind, rule = fields.get("ballot_kind"), fields.get("rule")
    if kind not in BallotKind.values:
        _add(faults, "ballot_kind", _("Choose how residents vote."))
    else:
        budget.ballot_kind = kind
    if rule not in Rule.values:
        _add(faults, "rule", _("Choose how the votes are counted."))
    else:
        budget.rule = rule
    # Not given (an older form, a script): stays as it is.
    who_may_vote = fields.get("who_may_vote") or budget.who_may_vote
    if who_may_vote not in WhoMayVote.values:
        _add(faults, "who_may_vote", _("Choose who may vote."))
    else:
        budget.who_may_vote = who_may_vote
    budget.max_choices = fields.get("max_choices") or None
    if kind == BallotKind.K_APPROVAL:
        if budget.max_choices is None:
            _add(
                faults,
                "max_choices",
                _("Say how many projects a resident may choose at most."),
            )
        else:
            _whole(faults, budget.max_choices, "max_choices", 1, 1000)
    else:
        budget.max_choices = None


def _check_projects(
    faults: Faults, budget: Budget, rows: Sequence[dict[str, Any]]
) -> tuple[list[BudgetProject], list[BudgetProject], bool]:
    """The projects to keep (changed or new), to delete, and whether anything changed."""
    process = budget.process
    existing = {p.pk: p for p in budget.projects.all()} if budget.pk else {}
    if not _row_ids(faults, rows, existing, "projects"):
        return [], [], False
    kept: list[BudgetProject] = []
    dropped: list[BudgetProject] = []
    changed = False
    codes: dict[str, int] = {}
    for index, row in enumerate(rows):
        pk = row.get("id")
        if row.get("delete"):
            if pk:
                dropped.append(existing[pk])
                changed = True
            continue
        project = existing[pk] if pk else BudgetProject(budget=budget)
        before = tuple(getattr(project, f) for f in PROJECT_FIELDS) if pk else None
        key = lambda field, row=row, index=index: _row_key(row, index, "projects", field)  # noqa: E731
        project.code = _text(faults, row.get("code"), key("code"), _("project id"), 40)
        if project.code in codes:
            _add(
                faults,
                key("code"),
                _("Two projects have the id “%(code)s”.") % {"code": project.code},
            )
        if project.code:
            codes[project.code] = index
        project.title = _text(faults, row.get("title"), key("title"), _("title"), 200)
        project.description = _text(
            faults, row.get("description"), key("description"), _("description"), TEXT_MAX, False
        )
        project.cost = _whole(faults, row.get("cost"), key("cost"), 1)
        district, proposal = row.get("district"), row.get("proposal")
        if district is not None and district.city_id != process.city_id:
            _add(faults, key("district"), _("Choose a district of this city."))
        if proposal is not None and proposal.process_id != process.pk:
            _add(faults, key("proposal"), _("Choose a proposal of this process."))
        project.district, project.proposal = district, proposal
        if before != tuple(getattr(project, f) for f in PROJECT_FIELDS):
            changed = True
        kept.append(project)
    return kept, dropped, changed


def _refuse_after_ballots(
    faults: Faults, budget: Budget, stored: Budget | None, projects_changed: bool
) -> None:
    if stored is None or not stored.ballots.exists():
        return
    if projects_changed:
        _add(
            faults,
            "projects",
            _(
                "Residents have already voted in this budget, so its projects can no longer "
                "change: the ballots cast would count for something else."
            ),
        )
    for field in BALLOT_FIELDS:
        if getattr(stored, field) != getattr(budget, field):
            _add(
                faults,
                field.removesuffix("_id"),
                _(
                    "Residents have already voted in this budget, so the amount, the way of "
                    "voting and the district can no longer change."
                ),
            )


def _save_budget(
    actor: User, budget: Budget, kept: list[BudgetProject], dropped: list[BudgetProject]
) -> Budget:
    with transaction.atomic():
        try:
            with transaction.atomic():
                budget.save()
                BudgetProject.objects.filter(pk__in=[p.pk for p in dropped]).delete()
                # Codes may swap between rows: free them first, then save the rows.
                changing = [p for p in kept if p.pk]
                for project in changing:
                    BudgetProject.objects.filter(pk=project.pk).update(code=f"~{project.pk}~")
                for project in kept:
                    project.budget = budget
                    project.save()
        except IntegrityError:
            raise ValidationError(
                {"__all__": _("Someone else changed this budget meanwhile. Reload the page.")}
            ) from None
        record_event(
            actor, "participation.budget_saved", city=budget.process.city, target=budget.title
        )
    return budget


def create_budget(
    *,
    actor: User,
    process: Process,
    fields: dict[str, Any],
    projects: Sequence[dict[str, Any]] = (),
) -> Budget:
    faults: Faults = {}
    budget = Budget(process=process)
    _check_budget(faults, budget, fields)
    kept, dropped, _changed = _check_projects(faults, budget, projects)
    _refuse_if(faults)
    return _save_budget(actor, budget, kept, dropped)


def update_budget(
    *,
    actor: User,
    budget: Budget,
    fields: dict[str, Any],
    projects: Sequence[dict[str, Any]] = (),
) -> Budget:
    """Change a budget; once anyone voted, its projects and what its ballots depend on
    (amount, way of voting, district) stay as they are."""
    faults: Faults = {}
    stored = Budget.objects.select_related("process__city").get(pk=budget.pk)
    budget = Budget.objects.select_related("process__city").get(pk=budget.pk)
    _check_budget(faults, budget, fields)
    kept, dropped, changed = _check_projects(faults, budget, projects)
    _refuse_after_ballots(faults, budget, stored, changed)
    _refuse_if(faults)
    return _save_budget(actor, budget, kept, dropped)


def import_budget(*, actor: User, process: Process, slug: str, data: bytes) -> Budget:
    """A budget from an uploaded pabulib file (``services.import_budget_pb``): read as
    UTF-8, checked line by line; a faulty file saves nothing and names the line."""
    faults: Faults = {}
    slug = _slug(faults, slug, RESERVED_CHILD_SLUGS)
    if slug and Budget.objects.filter(process=process, slug=slug).exists():
        _add(faults, "slug", _("A budget with this address already exists."))
    text = ""
    if len(data) > MAX_PB_BYTES:
        _add(faults, "file", _("The file is too large: at most 5 MB."))
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            _add(faults, "file", _("The file is not UTF-8 text. Save it as UTF-8 and try again."))
    if text:
        try:
            election = parse_pb(text)
        except PabulibError as exc:
            _add(faults, "file", str(exc))
        else:
            for project in election.projects:
                if len(project.project_id) > 40:
                    _add(
                        faults,
                        "file",
                        _("Project id “%(code)s” is too long: at most 40 characters.")
                        % {"code": project.project_id[:60]},
                    )
    elif "file" not in faults:
        _add(faults, "file", _("The file is empty."))
    _refuse_if(faults)
    try:
        with transaction.atomic():
            return services.import_budget_pb(actor=actor, process=process, slug=slug, text=text)
    except IntegrityError:
        raise ValidationError(
            {"file": _("The file could not be imported. Check it and try again.")}
        ) from None


# ---- accountability results ---------------------------------------------------------


def _check_result(faults: Faults, result: Result, fields: dict[str, Any]) -> list[FrameworkNode]:
    process = result.process
    result.title = _text(faults, fields.get("title"), "title", _("title"), 200)
    result.note = _text(faults, fields.get("note"), "note", _("note"), TEXT_MAX, False)
    status = fields.get("status")
    if status not in FundingStatus.values:
        _add(faults, "status", _("Choose a status."))
    else:
        result.status = status
    result.progress = _whole(faults, fields.get("progress"), "progress", 0, 100)
    proposal, project = fields.get("proposal"), fields.get("project")
    if proposal is not None and (
        proposal.process_id != process.pk or proposal.state != ProposalState.ACCEPTED
    ):
        _add(faults, "proposal", _("Choose an accepted proposal of this process."))
    if project is not None and (project.budget.process_id != process.pk or not project.funded):
        _add(faults, "project", _("Choose a funded project of this process's budgets."))
    result.proposal, result.project = proposal, project
    indicators = list(fields.get("indicators") or [])
    if any(
        node.type != NodeType.INDICATOR or node.framework.city_id not in (None, process.city_id)
        for node in indicators
    ):
        _add(faults, "indicators", _("Choose indicators of this city."))
    return indicators


def create_result(*, actor: User, process: Process, fields: dict[str, Any]) -> Result:
    faults: Faults = {}
    draft = Result(process=process)
    indicators = _check_result(faults, draft, fields)
    _refuse_if(faults)
    return services.record_result(
        actor=actor,
        process=process,
        title=draft.title,
        status=draft.status,
        progress=draft.progress,
        note=draft.note,
        proposal=draft.proposal,
        project=draft.project,
        indicators=indicators,
    )


def update_result(*, actor: User, result: Result, fields: dict[str, Any]) -> Result:
    faults: Faults = {}
    result = Result.objects.select_related("process__city").get(pk=result.pk)
    indicators = _check_result(faults, result, fields)
    _refuse_if(faults)
    with transaction.atomic():
        result.save()
        result.indicators.set(indicators)
        record_event(
            actor,
            "participation.result_updated",
            city=result.process.city,
            target=result.title,
            progress=result.progress,
        )
    return result


# ---- surveys ------------------------------------------------------------------------

CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
QUESTION_FIELDS = ("text", "kind", "options", "required", "position")


def _check_options(faults: Faults, key: str, kind: str, raw: Any) -> list[str]:
    if isinstance(raw, str):
        raw = raw.splitlines()
    options = [str(line).replace("\x00", "").strip() for line in raw or []]
    options = [option for option in options if option]
    if kind not in CHOICE_KINDS:
        if options:
            _add(faults, key, _("Only questions with choices take a list of choices."))
        return []
    if len(options) < 2:
        _add(faults, key, _("Write at least two choices, one per line."))
    if len(set(options)) != len(options):
        _add(faults, key, _("Write each choice once."))
    if any(len(option) > CHOICE_MAX for option in options):
        _add(faults, key, _("A choice is too long: at most %(n)s characters.") % {"n": CHOICE_MAX})
    return options


def _check_survey(faults: Faults, survey: Survey, fields: dict[str, Any]) -> None:
    survey.title = _text(faults, fields.get("title"), "title", _("title"), 200)
    survey.description = _text(
        faults, fields.get("description"), "description", _("description"), TEXT_MAX, False
    )
    survey.slug = _slug(faults, fields.get("slug"), RESERVED_CHILD_SLUGS)
    if survey.slug and (
        Survey.objects.filter(process=survey.process, slug=survey.slug)
        .exclude(pk=survey.pk)
        .exists()
    ):
        _add(faults, "slug", _("A survey with this address already exists."))
    survey.is_open = bool(fields.get("is_open"))


def _check_questions(
    faults: Faults, survey: Survey, rows: Sequence[dict[str, Any]]
) -> tuple[list[Question], list[Question], bool]:
    existing = {q.pk: q for q in survey.questions.all()} if survey.pk else {}
    if not _row_ids(faults, rows, existing, "questions"):
        return [], [], False
    kept: list[Question] = []
    dropped: list[Question] = []
    changed = False
    for index, row in enumerate(rows):
        pk = row.get("id")
        if row.get("delete"):
            if pk:
                dropped.append(existing[pk])
                changed = True
            continue
        question = existing[pk] if pk else Question(survey=survey)
        before = tuple(getattr(question, f) for f in QUESTION_FIELDS) if pk else None
        question.text = _text(
            faults, row.get("text"), _row_key(row, index, "questions", "text"), _("question"), 300
        )
        kind = row.get("kind")
        if kind not in QuestionKind.values:
            _add(faults, _row_key(row, index, "questions", "kind"), _("Choose the type of answer."))
        else:
            question.kind = kind
        question.options = _check_options(
            faults, _row_key(row, index, "questions", "options"), str(kind), row.get("options")
        )
        question.required = bool(row.get("required"))
        question.position = len(kept)
        if before != tuple(getattr(question, f) for f in QUESTION_FIELDS):
            changed = True
        kept.append(question)
    if not kept:
        _add(faults, "questions", _("Add at least one question."))
    return kept, dropped, changed


def _save_survey(
    actor: User, survey: Survey, kept: list[Question], dropped: list[Question]
) -> Survey:
    with transaction.atomic():
        try:
            with transaction.atomic():
                survey.save()
        except IntegrityError:
            raise ValidationError(
                {"slug": _("A survey with this address already exists.")}
            ) from None
        Question.objects.filter(pk__in=[q.pk for q in dropped]).delete()
        for question in kept:
            question.survey = survey
            question.save()
        record_event(
            actor, "participation.survey_saved", city=survey.process.city, target=survey.title
        )
    return survey


def create_survey(
    *,
    actor: User,
    process: Process,
    fields: dict[str, Any],
    questions: Sequence[dict[str, Any]] = (),
) -> Survey:
    faults: Faults = {}
    survey = Survey(process=process)
    _check_survey(faults, survey, fields)
    kept, dropped, _changed = _check_questions(faults, survey, questions)
    _refuse_if(faults)
    return _save_survey(actor, survey, kept, dropped)


def update_survey(
    *,
    actor: User,
    survey: Survey,
    fields: dict[str, Any],
    questions: Sequence[dict[str, Any]] = (),
) -> Survey:
    """Change a survey; once anyone answered, its questions stay as they are (the title,
    description and whether it is open may still change)."""
    faults: Faults = {}
    survey = Survey.objects.select_related("process__city").get(pk=survey.pk)
    _check_survey(faults, survey, fields)
    kept, dropped, changed = _check_questions(faults, survey, questions)
    if changed and survey.responses.exists():
        _add(
            faults,
            "questions",
            _(
                "People have already answered this survey, so its questions can no longer "
                "change: their answers would no longer match. Make a new survey instead."
            ),
        )
    _refuse_if(faults)
    return _save_survey(actor, survey, kept, dropped)
