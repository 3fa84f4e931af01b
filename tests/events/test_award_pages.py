"""The award over HTTP, person by person: the network opens a cycle, a city sends
its dossier, its National Commission nominates (another country's sees nothing),
jurors score what is assigned to them alone, the network decides and publishes; the
city never sees who scored it or how."""

from datetime import timedelta

import pytest
from django.utils import timezone

from learningcity.core.models import Role, RoleGrant, UnescoRegion
from learningcity.events import services
from learningcity.events.models import CRITERION_CODES, AwardApplication, AwardCycle, DossierStatus
from tests.conftest import client_for, make_user
from tests.events.factories import make_commission, make_cycle, member_city, pdf_file, send_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def coordinator_of(city):
    user = make_user()
    RoleGrant.objects.create(user=user, role=Role.CITY_COORDINATOR, city=city)
    return user


def dossier_post(**changes):
    return {
        **{f"text_{code}": f"Progress on {code} since joining." for code in CRITERION_CODES},
        "evidence": "https://example.org/a",
        "mayor_form": pdf_file("mayor.pdf"),
        "consent_form": pdf_file("consent.pdf"),
        **changes,
    }


def test_the_network_opens_a_cycle_with_the_published_defaults(network_coordinator):
    client = client_for(network_coordinator)
    page = client.get("/network/events/award/new/")
    assert page.status_code == 200
    assert 'value="12"' in page.content.decode()
    today = timezone.localdate()
    data = {
        "title": "Award 2027",
        "year": "2027",
        "opens_on": str(today),
        "closes_on": str(today + timedelta(days=30)),
        "nominations_close_on": str(today + timedelta(days=60)),
        "membership_months": "12",
        "awardee_wait_years": "6",
        "nominations_per_country": "2",
        "winners_per_country": "1",
        "awards_per_region": "2",
        "word_limit": "500",
        "jurors_per_dossier": "3",
        "scale_max": "10",
        "disagreement_at": "25",
        **{f"weight_{code}": "1" for code in CRITERION_CODES},
        "weight_plan": "2",
    }
    response = client.post("/network/events/award/new/", data)
    assert response.status_code == 302
    cycle = AwardCycle.objects.get()
    assert cycle.weights["plan"] == 2.0
    bad = client.post("/network/events/award/new/", {**data, "closes_on": "2020-01-01"})
    assert bad.status_code == 400
    assert AwardCycle.objects.count() == 1


def test_a_resident_cannot_open_a_cycle(resident):
    assert client_for(resident).get("/network/events/award/new/").status_code == 403


def test_a_city_applies_and_a_fake_upload_is_refused_by_name(tmp_path):
    cycle = make_cycle()
    city = member_city("cork")
    client = client_for(coordinator_of(city))
    url = f"/network/events/award/{cycle.pk}/apply/cork/"
    assert client.get(url).status_code == 200
    refused = client.post(url, dossier_post(mayor_form=pdf_file("mayor.pdf", b"not a pdf")))
    assert refused.status_code == 400
    assert "not a PDF" in refused.content.decode()
    assert not AwardApplication.objects.exists()
    sent = client.post(url, dossier_post())
    assert sent.status_code == 302
    assert AwardApplication.objects.get().city == city


def test_another_citys_coordinator_cannot_apply_for_it():
    cycle = make_cycle()
    member_city("cork")
    other = coordinator_of(member_city("galway"))
    response = client_for(other).post(
        f"/network/events/award/{cycle.pk}/apply/cork/", dossier_post()
    )
    assert response.status_code == 403


def test_the_whole_cycle_and_what_each_person_sees(network_coordinator):
    cycle = make_cycle()
    city = member_city("cork", country_code="IE")
    other_city = member_city("lyon", country_code="FR", region=UnescoRegion.EUROPE_NORTH_AMERICA)
    dossier = send_dossier(cycle, city)
    other_dossier = send_dossier(cycle, other_city)
    city_coordinator = coordinator_of(city)
    irish = make_commission("IE")
    french = make_commission("FR")
    url = f"/network/events/award/dossiers/{dossier.public_id}/"

    # The National Commissions see their own country's only.
    queue = client_for(irish).get("/network/events/award/commission/").content.decode()
    assert "Cork" in queue and "Lyon" not in queue
    assert client_for(french).get(url).status_code == 404
    assert client_for(french).post(url + "nominate/", {"decision": "nominate"}).status_code == 404
    assert client_for(irish).post(url + "nominate/", {"decision": "nominate"}).status_code == 302
    client_for(french).post(
        f"/network/events/award/dossiers/{other_dossier.public_id}/nominate/",
        {"decision": "nominate"},
    )

    # Jurors: a juror from the city's country is refused with the reason.
    coordinator = client_for(network_coordinator)
    jurors = [make_user(f"juror{i}@example.org") for i in range(4)]
    for juror, country in zip(jurors, ["KE", "BR", "JP", "IE"], strict=True):
        response = coordinator.post(
            f"/network/events/award/{cycle.pk}/jurors/",
            {"seat": "1", "email": juror.email, "country_code": country},
        )
        assert response.status_code == 302
    seats = {seat.juror.email: seat for seat in cycle.jurors.select_related("juror")}
    refused = coordinator.post(url + "assign/", {"juror": str(seats["juror3@example.org"].pk)})
    assert refused.status_code == 400
    assert "country" in refused.content.decode()
    for juror in jurors[:3]:
        coordinator.post(url + "assign/", {"juror": str(seats[juror.email].pk)})
        services.assign_juror(actor=None, application=other_dossier, seat=seats[juror.email])
    coordinator.post(f"/network/events/award/{cycle.pk}/advance/")
    coordinator.post(f"/network/events/award/{cycle.pk}/advance/")
    cycle.refresh_from_db()
    assert cycle.phase == "jury"

    # A juror sees only assigned dossiers; the fourth juror sees nothing.
    assert client_for(jurors[3]).get(url).status_code == 404
    bad = client_for(jurors[0]).post(
        url + "score/",
        {
            **{f"score_{c}": "12" for c in CRITERION_CODES},
            **{f"comment_{c}": "x" for c in CRITERION_CODES},
        },
    )
    assert bad.status_code == 400
    assert "0 to 10" in bad.content.decode()
    for index, juror in enumerate(jurors[:3]):
        for target, base in ((dossier, 8), (other_dossier, 5)):
            response = client_for(juror).post(
                f"/network/events/award/dossiers/{target.public_id}/score/",
                {
                    **{f"score_{c}": str(base - index) for c in CRITERION_CODES},
                    **{f"comment_{c}": f"Comment by juror {index}" for c in CRITERION_CODES},
                },
            )
            assert response.status_code == 302

    # The city sees its dossier, never the jurors or their comments.
    seen = client_for(city_coordinator).get(url).content.decode()
    assert "juror0@example.org" not in seen and "Comment by juror" not in seen
    assert "Nominated" in seen

    ranking = coordinator.get(f"/network/events/award/{cycle.pk}/ranking/").content.decode()
    assert ranking.index("Cork") < ranking.index("Lyon")
    refused = coordinator.post(
        f"/network/events/award/{cycle.pk}/ranking/",
        {
            f"winner_{dossier.pk}": "on",
            f"citation_{dossier.pk}": "Kept while the rest is fixed.",
            f"winner_{other_dossier.pk}": "on",
        },
    )
    assert refused.status_code == 400
    assert "Lyon" in refused.content.decode() and "Kept while the rest is fixed." in (
        refused.content.decode()
    )
    decided = coordinator.post(
        f"/network/events/award/{cycle.pk}/ranking/",
        {f"winner_{dossier.pk}": "on", f"citation_{dossier.pk}": "For its literacy plan."},
    )
    assert decided.status_code == 302
    coordinator.post(f"/network/events/award/{cycle.pk}/publish/")
    archive = client_for(make_user()).get("/network/events/award/winners/").content.decode()
    assert "Cork" in archive and "For its literacy plan." in archive
    other_dossier.refresh_from_db()
    assert other_dossier.status == DossierStatus.NOT_AWARDED
    after = client_for(city_coordinator).get(url).content.decode()
    assert "juror0@example.org" not in after and "Comment by juror" not in after


@pytest.mark.parametrize(
    "path",
    [
        "/network/events/award/",
        "/network/events/award/winners/",
        "/network/events/award/99999/",
        "/network/events/award/dossiers/00000000-0000-0000-0000-000000000000/",
    ],
)
def test_pages_answer_without_a_server_error(path, resident):
    assert client_for(resident).get(path).status_code in (200, 404)


def test_the_signed_forms_are_downloaded_by_who_sees_the_dossier_only():
    cycle = make_cycle()
    city = member_city("cork", country_code="IE")
    dossier = send_dossier(cycle, city)
    url = f"/network/events/award/dossiers/{dossier.public_id}/mayor_form.pdf"
    download = client_for(make_commission("IE")).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert client_for(make_commission("FR")).get(url).status_code == 404
    assert (
        client_for(coordinator_of(city)).get(url.replace("mayor_form", "passport")).status_code
        == 404
    )
