"""Every figure the quality app shows or publishes, read in a few grouped queries.

The one anonymity rule: answers are counted only in groups of (opportunity, year of
the session) that have at least ``QUALITY_MIN_ANSWERS`` answers ("disclosable
cells"). Every figure anyone outside the city's moderation sees (an opportunity, a
provider, a topic, a district, a target group, the city's yearly indicator) is a sum
of whole disclosable cells, so no figure can be subtracted from another to reveal a
group smaller than the minimum. Below it, pages say "not enough answers yet" and
show no count, date or comment.

Completion is the share of the people enrolled (confirmed or attended) in finished
sessions who attended. Sessions where nobody is marked as attending are left out:
we cannot tell "nobody came" from "attendance was not taken"."""

import hashlib
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from learningcity.catalogue.models import (
    TARGET_GROUPS,
    TOPICS,
    Enrolment,
    EnrolmentStatus,
    Opportunity,
    Provider,
)
from learningcity.core.models import City
from learningcity.core.tenancy import for_city

from .models import CommentStatus, Feedback, Recommend

Cell = tuple[int, int]  # (opportunity id, year)


def minimum_answers() -> int:
    return int(getattr(settings, "QUALITY_MIN_ANSWERS", 5))


@dataclass
class Tally:
    answers: int = 0
    useful: int = 0
    accessible: int = 0
    recommend_yes: int = 0

    def add(self, other: "Tally") -> None:
        self.answers += other.answers
        self.useful += other.useful
        self.accessible += other.accessible
        self.recommend_yes += other.recommend_yes

    @property
    def mean_useful(self) -> float | None:
        return self.useful / self.answers if self.answers else None

    @property
    def mean_accessible(self) -> float | None:
        return self.accessible / self.answers if self.answers else None

    @property
    def share_recommend(self) -> float | None:
        return 100 * self.recommend_yes / self.answers if self.answers else None


@dataclass
class Completion:
    enrolled: int = 0
    attended: int = 0

    def add(self, other: "Completion") -> None:
        self.enrolled += other.enrolled
        self.attended += other.attended

    @property
    def rate(self) -> float | None:
        return 100 * self.attended / self.enrolled if self.enrolled else None


def _cells(feedback: "QuerySet[Feedback]") -> dict[Cell, Tally]:
    rows = (
        feedback.values("opportunity_id", "year")
        .annotate(
            answers=Count("id"),
            useful_sum=Sum("useful"),
            accessible_sum=Sum("accessible"),
            yes=Count("id", filter=Q(recommend=Recommend.YES)),
        )
        .order_by()
    )
    return {
        (row["opportunity_id"], row["year"]): Tally(
            row["answers"], row["useful_sum"] or 0, row["accessible_sum"] or 0, row["yes"]
        )
        for row in rows
    }


def disclosable_cells(
    city: City, *, opportunities: Iterable[int] | None = None, years: Iterable[int] | None = None
) -> dict[Cell, Tally]:
    """The (opportunity, year) groups with enough answers to be shown: one query."""
    feedback = for_city(Feedback, city)
    if opportunities is not None:
        feedback = feedback.filter(opportunity_id__in=list(opportunities))
    if years is not None:
        feedback = feedback.filter(year__in=list(years))
    least = minimum_answers()
    return {cell: tally for cell, tally in _cells(feedback).items() if tally.answers >= least}


def by_opportunity(cells: dict[Cell, Tally]) -> dict[int, Tally]:
    totals: dict[int, Tally] = defaultdict(Tally)
    for (opportunity_id, _year), tally in cells.items():
        totals[opportunity_id].add(tally)
    return dict(totals)


def opportunity_rating(opportunity: Opportunity) -> Tally | None:
    """The public rating of one opportunity, or None below the minimum: one query."""
    # Only the city's id is needed to filter: no query for the city row.
    cells = disclosable_cells(City(pk=opportunity.city_id), opportunities=[opportunity.pk])
    total = by_opportunity(cells).get(opportunity.pk)
    return total if total is not None and total.answers else None


# ---------------------------------------------------------------------------
# Completion


def _completion_rows(
    city: City, *, now: datetime | None = None, opportunities: Iterable[int] | None = None
) -> dict[Cell, Completion]:
    """(opportunity, year of the session) → enrolled and attended: one grouped query."""
    now = now or timezone.now()
    taken = Enrolment.objects.filter(session=OuterRef("session"), status=EnrolmentStatus.ATTENDED)
    enrolments = for_city(Enrolment, city).filter(
        Exists(taken),
        status__in=(EnrolmentStatus.CONFIRMED, EnrolmentStatus.ATTENDED),
        session__is_cancelled=False,
        session__ends_at__lte=now,
    )
    if opportunities is not None:
        enrolments = enrolments.filter(session__opportunity_id__in=list(opportunities))
    rows = (
        enrolments.values("session__opportunity_id", "session__starts_at__year")
        .annotate(
            enrolled=Count("id"),
            came=Count("id", filter=Q(status=EnrolmentStatus.ATTENDED)),
        )
        .order_by()
    )
    return {
        (row["session__opportunity_id"], row["session__starts_at__year"]): Completion(
            row["enrolled"], row["came"]
        )
        for row in rows
    }


def completion_by_opportunity(
    city: City, *, opportunities: Iterable[int] | None = None
) -> dict[int, Completion]:
    totals: dict[int, Completion] = defaultdict(Completion)
    for (opportunity_id, _year), figures in _completion_rows(
        city, opportunities=opportunities
    ).items():
        totals[opportunity_id].add(figures)
    return dict(totals)


# ---------------------------------------------------------------------------
# Yearly figures for the KFLC indicators (monitoring's derived indicators)


def yearly_tallies(city: City, years: list[int]) -> dict[int, Tally]:
    totals: dict[int, Tally] = defaultdict(Tally)
    for (_opportunity, year), tally in disclosable_cells(city, years=years).items():
        totals[year].add(tally)
    return dict(totals)


def yearly_completion(city: City, years: list[int]) -> dict[int, Completion]:
    totals: dict[int, Completion] = defaultdict(Completion)
    for (_opportunity, year), figures in _completion_rows(city).items():
        if year in years:
            totals[year].add(figures)
    return dict(totals)


# ---------------------------------------------------------------------------
# Tables


@dataclass
class Row:
    key: str
    label: str
    tally: Tally = field(default_factory=Tally)
    completion: Completion = field(default_factory=Completion)
    opportunities: int = 0
    slug: str = ""
    comments: list[str] = field(default_factory=list)


def median(values: Iterable[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else None


@dataclass
class Medians:
    useful: float | None
    accessible: float | None
    recommend: float | None
    completion: float | None


def medians_of(rows: Iterable[Row]) -> Medians:
    listed = list(rows)
    return Medians(
        median(row.tally.mean_useful for row in listed),
        median(row.tally.mean_accessible for row in listed),
        median(row.tally.share_recommend for row in listed),
        median(row.completion.rate for row in listed),
    )


def _opportunity_details(city: City, ids: Iterable[int]) -> list[dict[str, Any]]:
    rows = (
        for_city(Opportunity, city)
        .filter(id__in=list(ids))
        .values(
            "id",
            "slug",
            "title",
            "provider_id",
            "provider__name",
            "provider__slug",
            "topics",
            "target_groups",
            "site__district__slug",
            "site__district__name",
        )
        .order_by("title", "id")
    )
    return [dict(row) for row in rows]


def opportunity_rows(city: City, *, provider: Provider | None = None) -> list[Row]:
    """One row per opportunity with answers or completion figures (of one provider)."""
    scope = for_city(Opportunity, city)
    if provider is not None:
        scope = scope.filter(provider=provider)
    ids = list(scope.values_list("id", flat=True)) if provider is not None else None
    tallies = by_opportunity(disclosable_cells(city, opportunities=ids))
    completion = completion_by_opportunity(city, opportunities=ids)
    rows = []
    for item in _opportunity_details(city, set(tallies) | set(completion)):
        opportunity_id = int(item["id"])
        rows.append(
            Row(
                key=str(opportunity_id),
                label=str(item["title"]),
                slug=str(item["slug"]),
                tally=tallies.get(opportunity_id, Tally()),
                completion=completion.get(opportunity_id, Completion()),
                opportunities=1,
            )
        )
    return rows


def provider_rows(city: City) -> list[Row]:
    return grouped_rows(city, "provider")


DIMENSIONS = ("provider", "topic", "district", "group")


def grouped_rows(city: City, by: str) -> list[Row]:
    """Quality and completion by provider, topic, district or target group. An
    opportunity with several topics (or groups) counts in each of them."""
    cells = disclosable_cells(city)
    tallies = by_opportunity(cells)
    completion = completion_by_opportunity(city)
    rows: dict[str, Row] = {}
    for item in _opportunity_details(city, set(tallies) | set(completion)):
        opportunity_id = int(item["id"])
        for key, label in _keys(item, by):
            row = rows.setdefault(key, Row(key=key, label=label))
            row.opportunities += 1
            row.tally.add(tallies.get(opportunity_id, Tally()))
            row.completion.add(completion.get(opportunity_id, Completion()))
    return sorted(rows.values(), key=lambda row: (row.key == "", str(row.label).casefold()))


def _keys(item: dict[str, Any], by: str) -> list[tuple[str, str]]:
    if by == "provider":
        return [(str(item["provider__slug"]), str(item["provider__name"]))]
    if by == "district":
        slug = item["site__district__slug"]
        return [(str(slug), str(item["site__district__name"]))] if slug else [("", "")]
    flags, labels = (TOPICS, "topics") if by == "topic" else (TARGET_GROUPS, "target_groups")
    mask = int(item[labels] or 0)
    values = flags.to_values(mask)
    if not values:
        return [("", "")]
    return list(zip(values, flags.labels(mask), strict=True))


def approved_comments(city: City, provider: Provider) -> dict[int, list[str]]:
    """The approved comments of the provider's disclosable cells, per opportunity, in
    an order that says nothing about when they were written."""
    ids = list(for_city(Opportunity, city).filter(provider=provider).values_list("id", flat=True))
    cells = set(disclosable_cells(city, opportunities=ids))
    comments: dict[int, list[str]] = defaultdict(list)
    rows = (
        for_city(Feedback, city)
        .filter(opportunity_id__in=ids, comment_status=CommentStatus.APPROVED)
        .values_list("opportunity_id", "year", "comment")
    )
    for opportunity_id, year, comment in rows:
        if (opportunity_id, year) in cells:
            comments[opportunity_id].append(comment)
    for texts in comments.values():
        texts.sort(key=lambda text: hashlib.sha256(text.encode()).hexdigest())
    return dict(comments)
