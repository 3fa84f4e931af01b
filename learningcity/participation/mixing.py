"""Mixing anonymous ballots and survey responses, so that not even the database's
bookkeeping links one to the "has voted" (or "has answered") row written with it.

A ballot and its voter's ``HasVoted`` (or ``EmailVoter``) row are written in one
transaction (``services.store_ballot``): never one without the other; the same goes for
a survey response and ``HasAnswered``. But rows written together share traces no column
shows: on PostgreSQL the id of the transaction that created them (the ``xmin`` system
column) and their physical order; on SQLite the hidden ``rowid``, which follows the
order of insertion in both tables (and sequential ids, such as an answer's, do too).
Mixing rewrites every ballot of a budget (every response of a survey) in one
transaction, in a random order, with new keys: afterwards all of them carry the mixing
transaction's id, and their order and keys follow nobody. ``mix_new`` (a periodic task,
every five minutes) mixes each budget and survey that received some since it was last
mixed; until then only someone reading the database's system columns could pair them.

The whole budget is mixed each time, not only the new ballots: mixing a few new ballots
among themselves would leave them linkable to the few people who voted in those
minutes. On PostgreSQL voting goes on during a mix; on SQLite (one writer at a time)
ballots wait for it (a few seconds at 50,000 ballots).
"""

import secrets
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import Count, F

from .models import Answer, Ballot, BallotChoice, Budget, Survey, SurveyResponse

CHUNK = 2000
T = TypeVar("T")


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _rewrite(
    parent: type[models.Model],
    owner: dict[str, Any],
    child: type[models.Model],
    link: str,
    fields: list[str],
) -> int:
    """Rewrite the ``parent`` rows of ``owner`` with their ``child`` rows (joined by
    ``link``, carrying ``fields``) in a random order with new keys; returns how many.

    Only rows read at the start are rewritten (deleted by key, not by owner), so one
    written meanwhile is neither lost nor doubled: it waits for the next mix."""
    keys = list(parent._default_manager.filter(**owner).values_list("pk", flat=True))
    contents: dict[Any, list[tuple[Any, ...]]] = {key: [] for key in keys}
    for some in _chunks(keys):
        rows = child._default_manager.filter(**{f"{link}__in": some})
        for key, *values in rows.values_list(f"{link}_id", *fields):
            contents[key].append(tuple(values))
    groups = list(contents.values())
    secrets.SystemRandom().shuffle(groups)
    for some in _chunks(keys):
        child._default_manager.filter(**{f"{link}__in": some}).delete()
        parent._default_manager.filter(pk__in=some).delete()
    for group in _chunks(groups):
        made = parent._default_manager.bulk_create([parent(**owner) for _ in group])
        child._default_manager.bulk_create(
            child(**{link: made_row}, **dict(zip(fields, values, strict=True)))
            for made_row, rows_of in zip(made, group, strict=True)
            for values in rows_of
        )
    return len(groups)


def mix_ballots(budget: Budget) -> int:
    """Rewrite ``budget``'s ballots in a random order with new keys; returns how many."""
    with transaction.atomic():
        count = _rewrite(Ballot, {"budget": budget}, BallotChoice, "ballot", ["project_id"])
        Budget.objects.filter(pk=budget.pk).update(ballots_mixed=count)
    return count


def mix_responses(survey: Survey) -> int:
    """Rewrite ``survey``'s responses in a random order with new keys; returns how many."""
    with transaction.atomic():
        count = _rewrite(
            SurveyResponse, {"survey": survey}, Answer, "response", ["question_id", "value"]
        )
        Survey.objects.filter(pk=survey.pk).update(responses_mixed=count)
    return count


def mix_new() -> int:
    """Mix every budget and survey holding ballots or responses written since it was
    last mixed; returns how many were mixed."""
    budgets = Budget.objects.annotate(held=Count("ballots")).exclude(held=F("ballots_mixed"))
    surveys = Survey.objects.annotate(held=Count("responses")).exclude(held=F("responses_mixed"))
    for budget in budgets:
        mix_ballots(budget)
    for survey in surveys:
        mix_responses(survey)
    return len(budgets) + len(surveys)
