"""Small factories for peer learning: a member city in a cluster, stored index
results for a set of cities."""

from learningcity.core.models import City, Role, RoleGrant
from learningcity.monitoring import services as monitoring_services
from learningcity.monitoring.models import FrameworkNode, IndexResult, IndexRun
from learningcity.network import services
from learningcity.network.models import Cluster, ClusterMembership
from tests.conftest import make_user


def member(city: City, *clusters: str, **profile) -> City:
    services.ensure_profile(city)
    services.change_membership_status(actor=None, city=city, status="member")
    if profile:
        services.update_city_profile(actor=None, city=city, changes=profile)
    for slug in clusters:
        # get_or_create: browser tests flush the clusters the data migration made.
        cluster, _created = Cluster.objects.get_or_create(slug=slug)
        ClusterMembership.objects.get_or_create(cluster=cluster, city=city)
    return city


def coordinator_of(city: City, email: str | None = None):
    user = make_user(email)
    RoleGrant.objects.create(user=user, role=Role.CITY_COORDINATOR, city=city)
    return user


def store_area_scores(scores: dict[City, list[float]], year: int = 2025) -> tuple[IndexRun, list]:
    """A finished index run with, for each city, its scores in the first areas of the
    default framework (the level just below the index) in that order."""
    framework = monitoring_services.ensure_default_framework()
    top = FrameworkNode.objects.get(framework=framework, parent__isnull=True)
    areas = list(FrameworkNode.objects.filter(parent=top).order_by("position", "id"))
    run = IndexRun.objects.create(
        framework=framework, years=[year], status="done", title=f"Run {year}"
    )
    for city, values in scores.items():
        IndexResult.objects.create(
            run=run, city=city, year=year, code=top.code, level=top.level or 0, score=50.0
        )
        for area, value in zip(areas, values, strict=False):
            IndexResult.objects.create(
                run=run, city=city, year=year, code=area.code, level=area.level or 0, score=value
            )
    return run, areas
