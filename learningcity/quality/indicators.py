"""The KFLC quality indicators this app feeds, registered with monitoring's derived
indicators (``monitoring.derived.register_derived``) from ``QualityConfig.ready``:
monitoring shows their formula (their provenance) and values without importing us."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from learningcity.core.models import City

from . import figures


def _average_usefulness(city: City, years: list[int]) -> dict[int, float | None]:
    return {
        year: None if tally.mean_useful is None else round(tally.mean_useful, 4)
        for year, tally in figures.yearly_tallies(city, years).items()
    }


def _share_recommend(city: City, years: list[int]) -> dict[int, float | None]:
    return {
        year: None if tally.share_recommend is None else round(tally.share_recommend, 4)
        for year, tally in figures.yearly_tallies(city, years).items()
    }


def _completion_rate(city: City, years: list[int]) -> dict[int, float | None]:
    return {
        year: None if completion.rate is None else round(completion.rate, 4)
        for year, completion in figures.yearly_completion(city, years).items()
    }


def register() -> None:
    from learningcity.monitoring.derived import Derived, register_derived

    counted = _(
        "answers from learners recorded as attending, about sessions starting in the "
        "year; an opportunity's answers count once it has the minimum number of answers "
        "in that year"
    )
    register_derived(
        Derived(
            "quality_average_usefulness",
            _("Average usefulness rating given by learners"),
            format_lazy("{} ({})", _("sum of usefulness ratings (1–5) ÷ answers"), counted),
            _("out of 5"),
            yearly=_average_usefulness,
        )
    )
    register_derived(
        Derived(
            "quality_share_recommend",
            _("Share of learners who would recommend what they attended"),
            format_lazy("{} ({})", _("answers saying “yes” ÷ answers × 100"), counted),
            # xgettext:no-python-format
            _("% of answers"),
            yearly=_share_recommend,
        )
    )
    register_derived(
        Derived(
            "quality_completion_rate",
            _("Share of enrolled learners who attended"),
            _(
                "people marked as attending ÷ people with a place (confirmed or attended) "
                "× 100, in finished sessions starting in the year where attendance was "
                "taken"
            ),
            # xgettext:no-python-format
            _("% of enrolled"),
            yearly=_completion_rate,
        )
    )
