"""Drawing a citizens' panel from volunteers with quotas by district, age group and
sex, with the maintained ``sortition-algorithms`` library (maximin: the least likely
volunteer is as likely as the quotas allow).

The library computes a distribution over valid panels; each volunteer's selection
probability is the sum of the probabilities of the panels they are in (published),
and one panel is drawn from the distribution with the library's random provider set
to a published seed, so the draw can be repeated by anyone."""

import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcity.core.audit import record_event
from learningcity.core.models import User

from .models import Sortition, Volunteer

FEATURES = ("district", "age_group", "sex")


@dataclass(frozen=True)
class Draw:
    selected: frozenset[str]
    probabilities: dict[str, float]
    seed: int


def draw(
    people: list[dict[str, str]], quotas: list[dict[str, object]], size: int, seed: int
) -> Draw:
    """``people``: ``{"id", "district", "age_group", "sex"}``; ``quotas``: ``{"feature",
    "value", "min", "max"}`` for every value present. Raises ValidationError naming the
    quota to change when no panel meets them."""
    from sortition_algorithms import CSVStringDataSource, SelectionData, Settings
    from sortition_algorithms.committee_generation.maximin import find_distribution_maximin
    from sortition_algorithms.core import lottery_rounding
    from sortition_algorithms.errors import SortitionBaseError
    from sortition_algorithms.settings import DEFAULT_BACKEND
    from sortition_algorithms.utils import set_random_provider

    features_csv = "feature,value,min,max\n" + "".join(
        f"{q['feature']},{q['value']},{q['min']},{q['max']}\n" for q in quotas
    )
    people_csv = "id,district,age_group,sex\n" + "".join(
        f"{p['id']},{p['district']},{p['age_group']},{p['sex']}\n" for p in people
    )
    try:
        data = SelectionData(CSVStringDataSource(features_csv, people_csv))
        features, _report = data.load_features(size)
        settings = Settings(id_column="id", columns_to_keep=[], random_number_seed=seed)
        pool, _report = data.load_people(settings, features)
        set_random_provider(seed)
        committees, probabilities, _report = find_distribution_maximin(
            features, pool, size, [], DEFAULT_BACKEND
        )
        chosen = lottery_rounding(committees, probabilities, 1)[0]
    except SortitionBaseError as exc:
        raise ValidationError(
            _("No panel meets these quotas. Loosen them and draw again. (%(detail)s)")
            % {"detail": str(exc)[:300]}
        ) from None
    marginal = {str(p["id"]): 0.0 for p in people}
    for committee, probability in zip(committees, probabilities, strict=True):
        for member in committee:
            marginal[member] += probability
    return Draw(selected=frozenset(chosen), probabilities=marginal, seed=seed)


def draw_sortition(*, actor: User | None, sortition: Sortition, seed: int | None = None) -> Draw:
    volunteers = list(sortition.volunteers.select_related("district"))
    if len(volunteers) < sortition.panel_size:
        raise ValidationError(
            _("%(n)s volunteers for a panel of %(size)s: find more volunteers first.")
            % {"n": len(volunteers), "size": sortition.panel_size}
        )
    seed = seed if seed is not None else secrets.randbelow(2**31 - 1) + 1
    people = [
        {"id": str(v.number), "district": v.district.slug, "age_group": v.age_group, "sex": v.sex}
        for v in volunteers
    ]
    result = draw(people, sortition.quotas, sortition.panel_size, seed)
    with transaction.atomic():
        for volunteer in volunteers:
            volunteer.probability = result.probabilities[str(volunteer.number)]
            volunteer.selected = str(volunteer.number) in result.selected
        Volunteer.objects.bulk_update(volunteers, ["probability", "selected"])
        sortition.seed = seed
        sortition.drawn_at = timezone.now()
        sortition.save(update_fields=["seed", "drawn_at"])
        record_event(
            actor,
            "participation.sortition_drawn",
            city=sortition.city,
            target=sortition.title,
            seed=seed,
        )
    return result
