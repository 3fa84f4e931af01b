"""The award jury's arithmetic: plain typed Python, no Django (``mypy --strict``).

- ``normalise``: each juror's totals become z-scores over the dossiers that juror
  scored, so a strict and a lenient juror count alike. A juror who scored one dossier,
  or gave every dossier the same total, has no spread: their z-scores are 0 (they
  neither lift nor sink anyone).
- ``rank``: a dossier's score is the mean of its jurors' z-scores; the spread is the
  difference between its highest and lowest raw weighted total (on the 0–100 scale),
  and a dossier is flagged as disputed when that spread is at least
  ``disagreement_at`` points, or when its jurors' z-scores stand more than two
  standard deviations apart.
- The tie-break rule, stated: equal mean z-scores (to 1e-9) are ordered by the
  higher mean raw total, then by the higher score on the first criterion in the
  published order, then by the smaller spread (the jurors agreed more), then by the
  earlier submission (the dossier key given by the caller orders last).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

EPSILON = 1e-9
TIE_BREAK_RULE = (
    "mean z-score; then mean weighted total; then the first criterion; "
    "then the smaller spread; then the earlier submission"
)


@dataclass(frozen=True)
class Scorecard:
    """One juror's scores of one dossier: criterion code → score on the scale."""

    juror: str
    dossier: str
    scores: Mapping[str, int]


@dataclass(frozen=True)
class Criterion:
    code: str
    weight: float


@dataclass(frozen=True)
class Ranked:
    dossier: str
    rank: int
    mean_z: float
    mean_total: float
    spread: float
    disputed: bool
    jurors: int
    first_criterion: float
    tied_on_z: bool


def weighted_total(
    scores: Mapping[str, int], criteria: Sequence[Criterion], scale_max: int
) -> float:
    """The scores as one figure from 0 to 100 (weights need not add up to anything)."""
    weight_sum = sum(criterion.weight for criterion in criteria)
    if weight_sum <= 0 or scale_max <= 0:
        return 0.0
    raw = sum(criterion.weight * scores.get(criterion.code, 0) for criterion in criteria)
    return 100.0 * raw / (weight_sum * scale_max)


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _stdev(values: Sequence[float]) -> float:
    """Population standard deviation (0 for fewer than two values)."""
    if len(values) < 2:
        return 0.0
    mean = _mean(values)
    return math.sqrt(sum((value - mean) ** 2 for value in values) / len(values))


def normalise(
    cards: Sequence[Scorecard], criteria: Sequence[Criterion], scale_max: int
) -> dict[tuple[str, str], float]:
    """(juror, dossier) → the juror's z-score for that dossier."""
    by_juror: dict[str, list[tuple[str, float]]] = {}
    for card in cards:
        total = weighted_total(card.scores, criteria, scale_max)
        by_juror.setdefault(card.juror, []).append((card.dossier, total))
    z: dict[tuple[str, str], float] = {}
    for juror, rows in by_juror.items():
        totals = [total for _dossier, total in rows]
        mean, deviation = _mean(totals), _stdev(totals)
        for dossier, total in rows:
            z[(juror, dossier)] = (total - mean) / deviation if deviation > EPSILON else 0.0
    return z


def rank(
    cards: Sequence[Scorecard],
    criteria: Sequence[Criterion],
    scale_max: int,
    *,
    order: Mapping[str, int] | None = None,
    disagreement_at: float = 25.0,
) -> list[Ranked]:
    """Every dossier with at least one scorecard, best first. ``order`` gives each
    dossier's submission order (the last tie-break; missing: after the others)."""
    z = normalise(cards, criteria, scale_max)
    first = criteria[0].code if criteria else ""
    per_dossier: dict[str, list[Scorecard]] = {}
    for card in cards:
        per_dossier.setdefault(card.dossier, []).append(card)
    rows: list[Ranked] = []
    for dossier, dossier_cards in per_dossier.items():
        totals = [weighted_total(card.scores, criteria, scale_max) for card in dossier_cards]
        zs = [z[(card.juror, dossier)] for card in dossier_cards]
        spread = max(totals) - min(totals)
        rows.append(
            Ranked(
                dossier=dossier,
                rank=0,
                mean_z=_mean(zs),
                mean_total=_mean(totals),
                spread=spread,
                disputed=spread >= disagreement_at or (max(zs) - min(zs)) > 2.0,
                jurors=len(dossier_cards),
                first_criterion=_mean([float(card.scores.get(first, 0)) for card in dossier_cards]),
                tied_on_z=False,
            )
        )
    position = order or {}
    last = len(position) + len(rows)

    def key(row: Ranked) -> tuple[float, float, float, float, int, str]:
        return (
            -round(row.mean_z / EPSILON) * EPSILON,
            -row.mean_total,
            -row.first_criterion,
            row.spread,
            position.get(row.dossier, last),
            row.dossier,
        )

    rows.sort(key=key)
    result: list[Ranked] = []
    for index, row in enumerate(rows):
        tied = any(
            abs(other.mean_z - row.mean_z) <= EPSILON
            for other in rows[max(index - 1, 0) : index + 2]
            if other is not row
        )
        result.append(
            Ranked(
                dossier=row.dossier,
                rank=index + 1,
                mean_z=row.mean_z,
                mean_total=row.mean_total,
                spread=row.spread,
                disputed=row.disputed,
                jurors=row.jurors,
                first_criterion=row.first_criterion,
                tied_on_z=tied,
            )
        )
    return result
