"""Partner organisations and partnerships over HTTP: anyone reads them; only the
network's coordinators add and change them, each refusal names its field and saves
nothing; a partnership shows on the partner's page, the linked city's profile and
the linked cluster's page."""

import pytest

from learningcity.core.models import AuditEvent
from learningcity.network import services
from learningcity.network.models import Cluster, Partner, Partnership
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PARTNER = {
    "name": "Reading Together Foundation",
    "kind": "ngo",
    "country": "Ireland",
    "website": "https://reading.example.org/",
    "description": "Volunteers for <b>reading</b> circles.",
}


def add_partner(client, **changes):
    return client.post("/network/partners/new/", {**PARTNER, **changes})


@pytest.fixture
def literacy():
    cluster, _created = Cluster.objects.get_or_create(slug="literacy")
    return cluster


def test_a_network_coordinator_adds_a_partner_and_a_partnership_shown_where_it_links(
    network_coordinator, city_a, literacy, client
):
    services.ensure_profile(city_a)
    services.change_membership_status(actor=None, city=city_a, status="member")
    coordinator = client_for(network_coordinator)
    response = add_partner(coordinator)
    assert response.status_code == 302
    partner = Partner.objects.get()
    assert response["Location"] == f"/network/partners/{partner.slug}/"
    assert partner.slug == "reading-together-foundation" and partner.kind == "ngo"

    url = f"/network/partners/{partner.slug}/partnerships/new/"
    response = coordinator.post(
        url,
        {
            "role": "Co-organises the reading-circle exchanges",
            "starts_on": "2025-01-01",
            "cities": [city_a.slug],
            "clusters": [literacy.slug],
        },
    )
    assert response.status_code == 302
    partnership = Partnership.objects.get()
    assert list(partnership.cities.all()) == [city_a]

    page = client.get(f"/network/partners/{partner.slug}/").content.decode()
    assert "Co-organises the reading-circle exchanges" in page
    assert "&lt;b&gt;reading&lt;/b&gt;" in page  # escaped, never raw HTML
    assert "Add a partnership" not in page  # the public sees no management links
    assert "Reading Together Foundation" in client.get("/network/partners/").content.decode()
    profile = client.get(f"/network/cities/{city_a.slug}/").content.decode()
    assert "Co-organises the reading-circle exchanges" in profile
    cluster_page = client.get("/network/clusters/literacy/").content.decode()
    assert "Reading Together Foundation" in cluster_page
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"partner.created", "partnership.created"} <= actions


def test_only_network_coordinators_manage_partners(
    client, resident, coordinator_a, network_coordinator
):
    assert add_partner(client).status_code == 302  # to the sign-in page
    assert client.get("/network/partners/new/")["Location"].startswith("/accounts/login/")
    for person in (resident, coordinator_a):
        assert add_partner(client_for(person)).status_code == 403
    assert not Partner.objects.exists()
    partner = Partner.objects.create(slug="p", name="P", kind="company")
    assert (
        client_for(coordinator_a).post("/network/partners/p/edit/", {**PARTNER}).status_code == 403
    )
    assert (
        client_for(coordinator_a)
        .post("/network/partners/p/partnerships/new/", {"role": "x"})
        .status_code
        == 403
    )
    partnership = Partnership.objects.create(partner=partner, role="Sponsor")
    assert (
        client_for(resident).post(f"/network/partnerships/{partnership.pk}/delete/").status_code
        == 403
    )
    assert Partnership.objects.exists()
    response = client_for(network_coordinator).post(
        f"/network/partnerships/{partnership.pk}/delete/"
    )
    assert response.status_code == 302 and not Partnership.objects.exists()


def test_bad_input_names_the_field_and_saves_nothing(network_coordinator, city_a):
    coordinator = client_for(network_coordinator)
    response = add_partner(coordinator, name="", kind="spaceship", website="not a site")
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"name", "kind", "website"}
    assert not Partner.objects.exists()

    partner = Partner.objects.create(slug="p", name="P", kind="company")
    url = "/network/partners/p/partnerships/new/"
    response = coordinator.post(url, {"role": "Sponsor"})
    assert response.status_code == 400
    assert "Choose at least one city" in str(response.context["form"].errors["cities"])
    response = coordinator.post(
        url,
        {
            "role": "Sponsor",
            "cities": [city_a.slug],
            "starts_on": "2025-05-01",
            "ends_on": "2025-01-01",
        },
    )
    assert response.status_code == 400
    assert "before the start date" in str(response.context["form"].errors["ends_on"])
    response = coordinator.post(url, {"role": "Sponsor", "cities": ["nowhere"]})
    assert response.status_code == 400 and "cities" in response.context["form"].errors
    response = coordinator.post(url, {"role": "Sponsor\x00", "cities": [city_a.slug]})
    assert response.status_code == 400
    assert not partner.partnerships.exists()
    assert coordinator.get("/network/partners/nope/").status_code == 404


def test_a_partner_and_a_partnership_are_changed(network_coordinator, city_a, city_b):
    coordinator = client_for(network_coordinator)
    add_partner(coordinator)
    partner = Partner.objects.get()
    response = coordinator.post(
        f"/network/partners/{partner.slug}/edit/", {**PARTNER, "kind": "university"}
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.kind == "university"
    partnership = Partnership.objects.create(partner=partner, role="Sponsor")
    partnership.cities.add(city_a)
    edit = f"/network/partnerships/{partnership.pk}/edit/"
    assert city_a.slug in coordinator.get(edit).content.decode()
    response = coordinator.post(edit, {"role": "Host", "cities": [city_b.slug]})
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert partnership.role == "Host" and list(partnership.cities.all()) == [city_b]
    assert AuditEvent.objects.filter(action="partnership.updated").exists()


def test_the_list_filters_by_kind(client):
    Partner.objects.create(slug="u", name="Uni of Somewhere", kind="university")
    Partner.objects.create(slug="c", name="Data Company", kind="company")
    page = client.get("/network/partners/?kind=university").content.decode()
    assert "Uni of Somewhere" in page and "Data Company" not in page
    page = client.get("/network/partners/?kind=<script>").content.decode()
    assert "Uni of Somewhere" in page and "Data Company" in page


def test_the_list_and_a_partners_page_take_a_fixed_number_of_queries(
    client, city_a, city_b, literacy, django_assert_max_num_queries
):
    for number in range(5):
        partner = Partner.objects.create(slug=f"p{number}", name=f"P{number}", kind="ngo")
        for _role in range(3):
            partnership = Partnership.objects.create(partner=partner, role="Host")
            partnership.cities.add(city_a, city_b)
            partnership.clusters.add(literacy)
    with django_assert_max_num_queries(8):
        assert client.get("/network/partners/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/network/partners/p0/").status_code == 200
