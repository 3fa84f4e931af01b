"""The Django side of "similar practices": read the published practices, ask the
engine (``learningcity.engines.similar``) for each one's nearest neighbours, and store
them, so a case page reads its neighbours with one indexed query.

Recomputed in the background after a practice is published or withdrawn (all pairs:
about a second per thousand practices), and by the demo seed."""

from django.db import transaction

from learningcity.engines.similar import Case, similar_cases

from .models import Practice, PracticeRevision, SimilarPractice
from .practice_fields import BODY_FIELDS, normalised

K = 5


def _case(practice_id: int, data: dict) -> Case:
    data = normalised(data)
    text = " ".join([data["title"], data["title"], *(str(data[name]) for name in BODY_FIELDS)])
    return Case(
        key=practice_id,
        language=data["language"] or "en",
        text=text,
        themes=frozenset(data["themes"]),
    )


def published_cases() -> list[Case]:
    revisions = PracticeRevision.objects.filter(
        pk__in=Practice.objects.published().values("published_revision_id")
    ).values_list("practice_id", "data")
    return [_case(practice_id, data) for practice_id, data in revisions]


def recompute_similar_practices(k: int = K) -> int:
    """Replace every stored neighbour list; returns the number of pairs stored."""
    neighbours = similar_cases(published_cases(), k)
    rows = [
        SimilarPractice(
            practice_id=key,
            other_id=neighbour.key,
            rank=rank,
            score=neighbour.score,
            shared_themes=list(neighbour.shared_themes),
            shared_terms=list(neighbour.shared_terms),
        )
        for key, found in neighbours.items()
        for rank, neighbour in enumerate(found, start=1)
    ]
    with transaction.atomic():
        SimilarPractice.objects.all().delete()
        SimilarPractice.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def similar_to(practice: Practice) -> list[SimilarPractice]:
    """The stored neighbours that readers may see (published now)."""
    return list(
        SimilarPractice.objects.filter(practice=practice, other__published_at__isnull=False)
        .select_related("other__city")
        .only(
            "rank",
            "score",
            "shared_themes",
            "shared_terms",
            "other__id",
            "other__title",
            "other__summary",
            "other__language",
            "other__city__name",
            "other__city__slug",
            "other__city__country_code",
        )
        .order_by("rank")
    )
