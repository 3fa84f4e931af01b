"""Issue 8: bad input and plain requests on the monitoring pages never give a server
error, and downloads never carry a live spreadsheet formula."""

import pytest
from django.test import Client

from learningcity.monitoring.models import FrameworkNode
from learningcity.monitoring.queries import default_framework
from tests.conftest import client_for

from .factories import make_tiny_framework, node

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil","x")'


def test_a_nul_byte_in_a_framework_row_code_is_a_404_not_a_server_error(
    city_a, coordinator_a, network_coordinator
):
    """On PostgreSQL a NUL in a query was a 500 (run with DATABASE_URL=postgres://…)."""
    make_tiny_framework()
    city_page = client_for(coordinator_a).get(f"/{city_a.slug}/monitoring/framework/rows/%00/")
    assert city_page.status_code == 404
    assert "no framework row" in city_page.content.decode()
    network = client_for(network_coordinator)
    assert network.get("/network/monitoring/frameworks/tiny/rows/%00/").status_code == 404
    assert network.get("/network/monitoring/frameworks/tiny/rows/a%00b/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/{city}/monitoring/",
        "/{city}/monitoring/framework/",
        "/{city}/monitoring/framework/iMeta.csv",
        "/{city}/monitoring/computed/",
        "/network/monitoring/",
        "/network/monitoring/report/",
        "/network/monitoring/runs/",
        "/network/monitoring/frameworks/",
        "/network/monitoring/frameworks/kflc/",
    ],
)
def test_head_requests_are_answered_on_the_public_monitoring_pages(city_a, path):
    response = Client().head(path.format(city=city_a.slug))
    assert response.status_code == 200
    assert response.content == b""


def test_a_formula_in_a_local_indicator_name_is_neutralised_in_the_city_imeta(
    city_a, coordinator_a
):
    feature = FrameworkNode.objects.filter(framework=default_framework(), level=2).first()
    client = client_for(coordinator_a)
    added = client.post(
        f"/{city_a.slug}/monitoring/framework/add/",
        {"parent": feature.pk, "code": "L_EVIL", "name": FORMULA, "direction": 1, "weight": 1},
    )
    assert added.status_code == 302
    text = Client().get(f"/{city_a.slug}/monitoring/framework/iMeta.csv").content.decode()
    line = next(line for line in text.splitlines() if "L_EVIL" in line)
    assert '"=HYPERLINK' not in line
    assert "\"'=HYPERLINK" in line
    assert ",-1," in text or ",1," in text  # numbers stay numbers


def test_a_formula_in_a_network_indicator_name_is_neutralised_and_round_trips(
    network_coordinator,
):
    framework = make_tiny_framework()
    FrameworkNode.objects.filter(pk=node(framework, "IA").pk).update(name=FORMULA)
    exported = Client().get("/network/monitoring/frameworks/tiny/iMeta.csv").content
    assert b"\"'=HYPERLINK" in exported
    assert b'"=HYPERLINK' not in exported
    assert b",-1," in exported  # the "lower is better" direction is still a number

    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(network_coordinator).post(
        "/network/monitoring/frameworks/import/",
        {
            "name": "Tiny again",
            "slug": "tiny-again",
            "file": SimpleUploadedFile("iMeta.csv", exported, content_type="text/csv"),
        },
    )
    assert response.status_code == 302
    copy = FrameworkNode.objects.get(framework__slug="tiny-again", code="IA")
    assert copy.name == FORMULA
