"""The KFLC indicators this app feeds (flexible pathways and recognition), registered
with monitoring's derived indicators from ``CredentialsConfig.ready``: monitoring
shows their formula (their provenance) and values without importing this app."""

from datetime import datetime

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from learningcity.core.models import City

from .models import IssuedCredential, SavedPlan, UnitDecision


def _year_bounds(city: City, year: int) -> tuple[datetime, datetime]:
    zone = city.tzinfo
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def recognised_units(city: City, years: list[int]) -> dict[int, float | None]:
    values: dict[int, float | None] = {}
    for year in years:
        start, end = _year_bounds(city, year)
        values[year] = float(
            UnitDecision.objects.filter(
                application__city=city,
                outcome=UnitDecision.Outcome.RECOGNISED,
                decided_at__gte=start,
                decided_at__lt=end,
            ).count()
        )
    return values


def qualifications_gained(city: City, years: list[int]) -> dict[int, float | None]:
    values: dict[int, float | None] = {}
    for year in years:
        start, end = _year_bounds(city, year)
        values[year] = float(_gained(city, start, end).count())
    return values


def _gained(city: City, start: datetime, end: datetime):  # type: ignore[no-untyped-def]
    return IssuedCredential.objects.filter(
        achievement__city=city,
        achievement__qualification__isnull=False,
        revoked_at__isnull=True,
        issued_at__gte=start,
        issued_at__lt=end,
    )


def _gained_by(group: str):  # type: ignore[no-untyped-def]
    def yearly(city: City, years: list[int]) -> dict[int, float | None]:
        values: dict[int, float | None] = {}
        for year in years:
            start, end = _year_bounds(city, year)
            values[year] = float(_gained(city, start, end).filter(group=group).count())
        return values

    return yearly


def gained_by_group(city: City, year: int) -> dict[str, int]:
    """Qualifications gained in the year by the group people chose to state ("" for
    those who did not say)."""
    start, end = _year_bounds(city, year)
    rows = _gained(city, start, end).values("group").annotate(count=Count("pk"))
    return {row["group"]: row["count"] for row in rows}


def completed_pathways(city: City, years: list[int]) -> dict[int, float | None]:
    """Saved pathways whose person now holds a credential for the target qualification."""
    values: dict[int, float | None] = {}
    for year in years:
        start, end = _year_bounds(city, year)
        values[year] = float(
            SavedPlan.objects.filter(city=city)
            .filter(
                Q(
                    person__issued_credentials__achievement__qualification_id=F("qualification_id"),
                    person__issued_credentials__revoked_at__isnull=True,
                    person__issued_credentials__issued_at__gte=start,
                    person__issued_credentials__issued_at__lt=end,
                )
            )
            .distinct()
            .count()
        )
    return values


def register() -> None:
    from learningcity.monitoring.derived import Derived, register_derived

    register_derived(
        Derived(
            "credentials_recognised_units",
            _("Units recognised through recognition of prior learning"),
            _(
                "units an assessor decided “recognised” in the year (credentials app, one "
                "decision per unit)"
            ),
            _("units"),
            yearly=recognised_units,
        )
    )
    register_derived(
        Derived(
            "credentials_qualifications_gained",
            _("Qualifications gained with a verifiable credential"),
            _(
                "credentials issued in the year for a qualification, not revoked (credentials "
                "app); by group where the person chose to state it"
            ),
            _("qualifications"),
            yearly=qualifications_gained,
        )
    )
    for group, name in (
        ("migrant", _("Qualifications gained by migrants and refugees")),
        ("woman", _("Qualifications gained by women")),
    ):
        register_derived(
            Derived(
                f"credentials_qualifications_gained_{group}",
                name,
                _(
                    "credentials issued in the year for a qualification, not revoked, to "
                    "people who chose to state this group (credentials app); those who did "
                    "not say are not counted here"
                ),
                _("qualifications"),
                yearly=_gained_by(group),
            )
        )
    register_derived(
        Derived(
            "credentials_completed_pathways",
            _("Pathways completed"),
            _(
                "plans saved by a counsellor whose person was issued a credential for the "
                "plan's qualification in the year"
            ),
            _("pathways"),
            yearly=completed_pathways,
        )
    )
