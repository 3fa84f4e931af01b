"""Reads of the participation app: lists with their filters and counts, suggestions."""

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import get_language

from learningcity.core.tenancy import for_city
from learningcity.engines.similar import Case, similar_cases

from . import fulltext
from .models import Comment, Debate, Process, Proposal

SIMILAR_POOL = 1000  # the newest proposals a draft is compared with


class CountedPaginator(Paginator):
    """A paginator told how many rows there are, when the page has counted them
    already (the proposal list's counts per state): one COUNT fewer per page."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @property
    def count(self) -> int:  # type: ignore[override]
        return self.known_count


def visible_processes(city: Any) -> QuerySet[Process]:
    return for_city(Process, city).filter(is_published=True).prefetch_related("phases")


def proposal_list(
    process: Process, filters: dict[str, Any]
) -> tuple[QuerySet[Proposal], dict[str, int]]:
    """The process's visible proposals after ``filters`` and, per state, how many match
    the other filters (so each state's count says what choosing it would give; the
    rows' own count is the chosen state's, or the sum)."""
    rows = Proposal.objects.filter(process=process, hidden_at=None)
    if filters.get("district"):
        rows = rows.filter(district=filters["district"])
    if filters.get("q"):
        rows = fulltext.filter_proposals(rows, filters["q"])
    counts = dict(rows.order_by().values_list("state").annotate(n=Count("id")))
    if filters.get("state"):
        rows = rows.filter(state=filters["state"])
    order = (
        ["-support_count", "-id"] if filters.get("order") == "supports" else ["-created_at", "-id"]
    )
    return rows.select_related("district").order_by(*order), counts


def similar_proposals(process: Process, title: str, body: str, k: int = 3) -> list[Proposal]:
    """Proposals like a draft, to merge rather than duplicate (TF-IDF, engines.similar)."""
    pool = list(
        Proposal.objects.filter(process=process, hidden_at=None)
        .exclude(state="withdrawn")
        .order_by("-created_at")
        .values_list("id", "title", "body")[:SIMILAR_POOL]
    )
    if not pool:
        return []
    language = (get_language() or "en").split("-")[0]
    cases = [Case(key=-1, language=language, text=f"{title} {title} {body}")]
    cases += [Case(key=pk, language=language, text=f"{t} {t} {b}") for pk, t, b in pool]
    neighbours = similar_cases(cases, k=k, min_score=0.15).get(-1, ())
    keys = [n.key for n in neighbours]
    found = {p.pk: p for p in Proposal.objects.filter(pk__in=keys)}
    return [found[key] for key in keys if key in found]


def debate_with_comments(debate: Debate, order: str) -> list[Comment]:
    """Top-level comments in ``order`` (best, newest, oldest), replies kept under them
    oldest first; hidden comments are shown as hidden, their replies kept."""
    orders = {
        "best": ["-score", "created_at"],
        "newest": ["-created_at", "-id"],
        "oldest": ["created_at", "id"],
    }
    replies = Prefetch(
        "replies", queryset=Comment.objects.select_related("author").order_by("created_at", "id")
    )
    return list(
        Comment.objects.filter(debate=debate, parent=None)
        .select_related("author")
        .prefetch_related(replies)
        .order_by(*orders.get(order, orders["best"]))
    )
