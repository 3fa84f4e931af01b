"""The census is kept only as keyed hashes, a faulty file saves nothing, verification
is logged and decides who may take part by age and district."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from learningcity.core.models import AuditEvent
from learningcity.participation import census, permissions, services
from learningcity.participation.models import CensusEntry, Verification, Who
from tests.conftest import client_for, make_district, make_user

from .conftest import make_budget, make_process, make_proposal

YEAR = timezone.localdate().year


def _census(*rows: str) -> bytes:
    return ("identifier,birth_year,district\n" + "\n".join(rows) + "\n").encode()


@pytest.fixture
def loaded(city_a, north, coordinator_a):
    make_district(city_a, "south")
    count, faults = census.upload_census(
        actor=coordinator_a,
        city=city_a,
        data=_census(
            f"X1234567,{YEAR - 40},north",
            f"Y7654321,{YEAR - 12},north",
            f"Z1111111,{YEAR - 30},south",
        ),
    )
    assert (count, faults) == (3, [])
    return city_a


def test_identifiers_are_stored_only_as_keyed_hashes(loaded):
    hashes = set(CensusEntry.objects.values_list("identifier_hash", flat=True))
    assert census.hash_identifier(loaded, "x1234 567") in hashes
    for value in CensusEntry.objects.values_list("identifier_hash", "birth_year"):
        assert "X1234567" not in str(value)
    assert len(next(iter(hashes))) == 64


def test_the_upload_page_reads_the_file_and_keeps_no_copy(
    city_a, north, coordinator_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    response = client_for(coordinator_a).post(
        f"/{city_a.slug}/participate/census/",
        {"file": SimpleUploadedFile("census.csv", _census(f"A1,{YEAR - 50},north"))},
    )
    assert response.status_code == 302
    assert CensusEntry.objects.count() == 1
    assert not any(tmp_path.iterdir())
    assert AuditEvent.objects.filter(action="participation.census_uploaded").exists()


@pytest.mark.parametrize(
    ("rows", "fault"),
    [
        (["A1,nineteen,north"], (2, "birth_year")),
        ([",1980,north"], (2, "identifier")),
        (["A1,1980,atlantis"], (2, "district")),
        (["A1,1980,north", "a1,1981,north"], (3, "identifier")),
        ([f"A1,{YEAR + 3},north"], (2, "birth_year")),
    ],
)
def test_a_census_with_a_bad_row_saves_nothing_and_names_the_row(
    city_a, north, coordinator_a, rows, fault
):
    census.upload_census(actor=coordinator_a, city=city_a, data=_census(f"OLD,{YEAR - 30},north"))
    count, faults = census.upload_census(actor=coordinator_a, city=city_a, data=_census(*rows))
    assert count == 0
    assert (faults[0].line, faults[0].column) == fault
    assert CensusEntry.objects.count() == 1  # the previous census stays


def test_a_file_that_is_not_a_census_is_refused(city_a, coordinator_a):
    assert census.upload_census(actor=coordinator_a, city=city_a, data=b"\xff\xfe")[1]
    assert census.upload_census(actor=coordinator_a, city=city_a, data=b"name,age\nA,3\n")[1]
    response = client_for(coordinator_a).post(
        f"/{city_a.slug}/participate/census/",
        {"file": SimpleUploadedFile("c.csv", b"name;age\n")},
    )
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()


def test_only_the_citys_coordinator_uploads(city_a, resident, coordinator_b):
    for user in (resident, coordinator_b):
        assert client_for(user).get(f"/{city_a.slug}/participate/census/").status_code == 403


def test_a_resident_verifies_and_it_is_logged_without_the_identifier(loaded, resident):
    response = client_for(resident).post(
        f"/{loaded.slug}/participate/verify/", {"identifier": "x1234567", "birth_year": YEAR - 40}
    )
    assert response.status_code == 302
    verification = Verification.objects.get(user=resident)
    assert verification.district.slug == "north"
    event = AuditEvent.objects.get(action="participation.verified")
    assert "X1234567" not in str(event.details) + event.target


def test_a_wrong_identifier_or_year_is_refused_and_logged(loaded, resident):
    response = client_for(resident).post(
        f"/{loaded.slug}/participate/verify/", {"identifier": "x1234567", "birth_year": YEAR - 41}
    )
    assert response.status_code == 400
    assert "We found no census entry" in response.content.decode()
    assert AuditEvent.objects.filter(action="participation.verification_failed").exists()
    assert not Verification.objects.exists()


def test_one_census_row_verifies_one_account(loaded, resident):
    census.verify_resident(actor=resident, city=loaded, identifier="X1234567", birth_year=YEAR - 40)
    with pytest.raises(ValidationError, match="Another account"):
        census.verify_resident(
            actor=make_user(), city=loaded, identifier="X1234567", birth_year=YEAR - 40
        )


def test_a_census_process_checks_age_and_district(loaded, north):
    process = make_process(loaded, "census", who_may_take_part=Who.CENSUS, min_age=16)
    process.districts.add(north)
    adult, child, southerner, unverified = (make_user() for _ in range(4))
    census.verify_resident(actor=adult, city=loaded, identifier="X1234567", birth_year=YEAR - 40)
    census.verify_resident(actor=child, city=loaded, identifier="Y7654321", birth_year=YEAR - 12)
    census.verify_resident(
        actor=southerner, city=loaded, identifier="Z1111111", birth_year=YEAR - 30
    )
    assert permissions.why_not_take_part(adult, process) == ""
    assert "aged 16 or over" in permissions.why_not_take_part(child, process)
    assert "another district" in permissions.why_not_take_part(southerner, process)
    assert "census check" in permissions.why_not_take_part(unverified, process)
    proposal = make_proposal(process)
    with pytest.raises(ValidationError, match="aged 16"):
        services.support_proposal(actor=child, proposal=proposal)
    budget = make_budget(process)
    with pytest.raises(ValidationError):
        services.cast_ballot(
            actor=southerner, budget=budget, project_ids=[budget.projects.first().pk]
        )
    services.cast_ballot(actor=adult, budget=budget, project_ids=[budget.projects.first().pk])
