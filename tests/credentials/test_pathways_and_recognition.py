"""Qualifications (CSV in and out), "Find my way to …", counsellors' plans,
recognition of prior learning, the learner record and personal data."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from learningcity.core.services import erase_account, export_personal_data
from learningcity.credentials import qualifications_csv, recognition
from learningcity.credentials.models import (
    Qualification,
    RecognitionApplication,
    SavedPlan,
    Unit,
    UnitDecision,
)
from learningcity.credentials.services import NotEligible
from tests.catalogue.factories import make_opportunity
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db

HEADER = ",".join(qualifications_csv.COLUMNS)


def _csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


@pytest.fixture
def care(city_a, provider):
    soon = timezone.now() + timedelta(days=10)
    later = timezone.now() + timedelta(days=60)
    make_opportunity(
        provider, slug="german-b1", title="German B1 for care", languages=["de"], next_start=soon
    )
    make_opportunity(
        provider,
        slug="care-units",
        title="Care units 1-2",
        languages=["de"],
        next_start=later,
        fee=120,
    )
    make_opportunity(
        provider, slug="care-fr", title="Soins (français)", languages=["fr"], next_start=later
    )
    head = "CARE,Care assistant,City Awarding Body,4,0923,4,,de,Care assistant"
    data = _csv(
        f"{head},DE-B1,German for care,language,0,,de,B1,german-b1",
        f"{head},U1,Personal care,unit,10,Washing | Feeding,,,care-units care-fr",
        f"{head},U2,Hygiene,unit,5,,,,care-units",
        f"{head},EXAM,Final assessment,assessment,0,,,,",
    )
    qualifications_csv.import_rows(actor=None, city=city_a, data=data)  # type: ignore[arg-type]
    qualification = Qualification.objects.get(code="CARE")
    qualification.provider = provider  # its staff maintain and assess it
    qualification.save()
    return qualification


def test_the_csv_import_creates_qualifications_with_units_and_mapping(care):
    assert care.isced_level == 4 and care.eqf_level == 4 and care.assessment_languages == ["de"]
    unit = care.units.get(code="U1")
    assert unit.outcome_list == ["Washing", "Feeding"]
    assert {o.slug for o in unit.opportunities.all()} == {"care-units", "care-fr"}
    assert care.units.get(code="DE-B1").cefr_level == "B1"


def test_a_csv_with_errors_imports_nothing_and_names_row_and_column(city_a, care):
    data = _csv(
        "NEW,New,Body,4,0923,,,,,N1,Unit,unit,1,,,,",
        "NEW,New,Body,12,abc,9,,,,N2,Unit,wrong,-1,,,Z9,missing-course",
    )
    with pytest.raises(qualifications_csv.ImportRefused) as refused:
        qualifications_csv.import_rows(actor=None, city=city_a, data=data)  # type: ignore[arg-type]
    found = {(error.row, error.column) for error in refused.value.errors}
    assert {
        (3, "isced_level"),
        (3, "isced_field"),
        (3, "eqf_level"),
        (3, "unit_kind"),
        (3, "unit_credit"),
        (3, "unit_cefr_level"),
        (3, "opportunities"),
    } <= found
    assert not Qualification.objects.filter(code="NEW").exists()


def test_export_reads_back_the_same(city_a, care):
    text = qualifications_csv.export_rows(city_a)
    Unit.objects.all().delete()
    qualifications_csv.import_rows(actor=None, city=city_a, data=text.encode())  # type: ignore[arg-type]
    assert qualifications_csv.export_rows(city_a) == text


def test_the_import_page_lists_errors_and_is_for_managers(staff, city_a, care):
    url = reverse("credentials:qualifications_import", args=[city_a.slug])
    response = client_for(staff).post(
        url, {"file": SimpleUploadedFile("q.csv", _csv("X,,,,,,,,,,,,,,,,"))}
    )
    assert response.status_code == 400 and "Nothing was imported" in response.content.decode()
    binary = client_for(staff).post(
        url, {"file": SimpleUploadedFile("q.csv", b"\xff\xfe\x00garbage")}
    )
    assert binary.status_code == 400
    assert client_for(make_user()).get(url).status_code == 403
    export = client_for(staff).get(reverse("credentials:qualifications_export", args=[city_a.slug]))
    assert export.content.decode().startswith("qualification_code,")


def test_find_my_way_plans_language_first_and_names_gaps(client, city_a, care):
    url = reverse("credentials:find", args=[city_a.slug])
    page = client.get(
        url,
        {
            "qualification": care.pk,
            "language_1": "ar",
            "level_1": "C2",
            "language_2": "de",
            "level_2": "A2",
        },
    ).content.decode()
    assert page.index("German B1 for care") < page.index("Care units 1-2")
    assert "Soins" not in page
    assert "EXAM Final assessment: nothing is offered." in page
    assert client.get(url, {"qualification": "999999"}).status_code == 400
    assert client.get(url, {"qualification": care.pk, "budget": "-5"}).status_code == 400


def test_recognition_shortens_the_way_and_the_applicant_cannot_decide(
    city_a, care, staff, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    migrant = make_user("migrant@example.org", display_name="Yusuf")
    client = client_for(migrant)
    url = reverse("credentials:recognition", args=[city_a.slug])
    fake = SimpleUploadedFile("diploma.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    refused = client.post(
        url, {"qualification": care.pk, "statement": "Ten years of care", "evidence": [fake]}
    )
    assert refused.status_code == 400 and "not a PDF, PNG or JPEG" in refused.content.decode()
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "application/pdf")
    assert (
        "larger than 5 MB"
        in client.post(
            url, {"qualification": care.pk, "statement": "x", "evidence": [big]}
        ).content.decode()
    )
    diploma = SimpleUploadedFile("diploma.pdf", b"%PDF-1.4 diploma", "application/pdf")
    response = client.post(
        url,
        {
            "qualification": care.pk,
            "statement": "Nurse in Aleppo",
            "foreign_title": "Nursing diploma",
            "foreign_country": "SY",
            "foreign_isced_level": "4",
            "evidence": [diploma],
        },
    )
    assert response.status_code == 302
    application = RecognitionApplication.objects.get()
    assert (
        application.foreign_country == "SY"
        and application.evidence.get().content_type == "application/pdf"
    )
    evidence = application.evidence.get()
    evidence_url = reverse(
        "credentials:evidence", args=[city_a.slug, application.public_id, evidence.pk]
    )
    assert client_for(staff).get(evidence_url).content == b"%PDF-1.4 diploma"
    assert client.get(evidence_url)["X-Content-Type-Options"] == "nosniff"
    assert client_for(make_user()).get(evidence_url).status_code == 404
    unit = care.units.get(code="U1")
    with pytest.raises(NotEligible, match="own application"):
        recognition.decide_unit(
            assessor=migrant, application=application, unit=unit, outcome="recognised", reason="x"
        )
    page = reverse("credentials:application", args=[city_a.slug, application.public_id])
    assert (
        client.post(page, {"unit": unit.pk, "outcome": "recognised", "reason": "mine"}).status_code
        == 403
    )
    assert client_for(make_user()).get(page).status_code == 404
    assert (
        client_for(staff)
        .post(page, {"unit": unit.pk, "outcome": "recognised", "reason": ""})
        .status_code
        == 400
    )
    client_for(staff).post(
        page, {"unit": unit.pk, "outcome": "recognised", "reason": "Diploma covers it"}
    )
    assert UnitDecision.objects.get().outcome == "recognised"
    find = reverse("credentials:find", args=[city_a.slug])
    plan = client.get(
        find, {"qualification": care.pk, "language_1": "de", "level_1": "C1"}
    ).content.decode()
    assert "Already recognised: U1." in plan


def test_a_counsellor_saves_a_plan_with_a_person(staff, city_a, care):
    migrant = make_user("migrant@example.org")
    url = (
        reverse("credentials:find", args=[city_a.slug])
        + f"?qualification={care.pk}&language_1=de&level_1=B2"
    )
    client_for(staff).post(url, {"email": "migrant@example.org", "note": "Start in spring"})
    saved = SavedPlan.objects.get()
    assert saved.person == migrant and saved.counsellor == staff and saved.plan["steps"]
    assert "Start in spring" in client_for(migrant).get(url).content.decode()
    assert client_for(make_user()).post(url, {"email": "migrant@example.org"}).status_code == 200
    assert SavedPlan.objects.count() == 1


def test_learner_record_export_and_erasure(issue, learner, city_a, care):
    credential = issue(learner)
    record = client_for(learner).get(reverse("credentials:record_json", args=[city_a.slug])).json()
    assert record["credentials"][0]["credential"]["id"] == credential.document["id"]
    assert record["enrolments"] and record["enrolments"][0]["attended"]
    pdf = client_for(learner).get(reverse("credentials:record_pdf", args=[city_a.slug]))
    assert pdf.content.startswith(b"%PDF-")
    exported = json.loads(export_personal_data(learner))
    assert "credentials" in json.dumps(exported)
    my_learning = client_for(learner).get(reverse("catalogue:my_learning", args=[city_a.slug]))
    assert "1 credential" in my_learning.content.decode()
    erase_account(learner)
    credential.refresh_from_db()
    assert credential.holder is None


def test_the_indicators_count_with_provenance(issue, learner, city_a, badge, care):
    from learningcity.credentials import indicators

    badge.qualification = care
    badge.save()
    issue(learner)
    year = timezone.now().year
    assert indicators.qualifications_gained(city_a, [year]) == {year: 1.0}
    assert indicators.gained_by_group(city_a, year) == {"": 1}
    assert indicators.recognised_units(city_a, [year]) == {year: 0.0}
    assert indicators.completed_pathways(city_a, [year]) == {year: 0.0}
    from learningcity.monitoring.derived import DERIVED

    assert "credentials_qualifications_gained" in DERIVED
    women = DERIVED["credentials_qualifications_gained_woman"].yearly
    assert women is not None and women(city_a, [year]) == {year: 0.0}


def test_staff_create_a_qualification_with_units_mapped_to_courses(staff, city_a, course):
    client = client_for(staff)
    url = reverse("credentials:qualification_new", args=[city_a.slug])
    assert client.get(url).status_code == 200
    data = {
        "code": "CONS",
        "title": "Construction worker",
        "awarding_body": "Body",
        "isced_level": "3",
        "isced_field": "0732",
        "eqf_level": "2",
        "assessment_languages": "es en",
        "units-TOTAL_FORMS": "2",
        "units-INITIAL_FORMS": "0",
        "units-MIN_NUM_FORMS": "0",
        "units-MAX_NUM_FORMS": "1000",
        "units-0-position": "1",
        "units-0-code": "K1",
        "units-0-title": "Site safety",
        "units-0-kind": "unit",
        "units-0-credit": "4",
        "units-0-opportunities": [str(course.pk)],
        "units-1-position": "0",
        "units-1-code": "ES",
        "units-1-title": "Spanish",
        "units-1-kind": "language",
        "units-1-credit": "0",
    }
    refused = client.post(url, data)  # a language bridge without its level
    assert refused.status_code == 400
    assert not Qualification.objects.filter(code="CONS").exists()
    data |= {"units-1-language": "es", "units-1-cefr_level": "b1"}
    assert client.post(url, data).status_code == 302
    made = Qualification.objects.get(code="CONS")
    assert made.provider == course.provider and made.assessment_languages == ["es", "en"]
    assert list(made.units.get(code="K1").opportunities.all()) == [course]
    assert made.units.get(code="ES").cefr_level == "B1"
    assert client.post(url, data).status_code == 400  # the same code twice
    edit = reverse("credentials:qualification_edit", args=[city_a.slug, made.public_id])
    assert client_for(make_user()).get(edit).status_code == 403


def test_a_career_counsellor_of_the_programmes_saves_a_plan_too(city_a, care, coordinator_a):
    from learningcity.programmes import guidance

    counsellor = make_user("counsellor@example.org")
    guidance.appoint_counsellor(
        actor=coordinator_a, city=city_a, user=counsellor, languages=["en"], about=""
    )
    migrant = make_user("migrant2@example.org")
    url = (
        reverse("credentials:find", args=[city_a.slug])
        + f"?qualification={care.pk}&language_1=de&level_1=B2"
    )
    client_for(counsellor).post(url, {"email": migrant.email, "note": "Evening classes"})
    saved = SavedPlan.objects.get()
    assert (saved.person, saved.counsellor) == (migrant, counsellor)
