"""Good practices: the submit → review → publish workflow, revisions, search with
facets, similar practices with reasons, visibility, pictures and the case page."""

import io
import json
import re

import pytest

from learningcity.network import services
from learningcity.network.models import Practice, SimilarPractice
from learningcity.network.similarity import recompute_similar_practices
from tests.conftest import client_for
from tests.network.factories import practice_data, published_practice

pytestmark = pytest.mark.django_db

FORM = {
    "title": "Reading circles for adults",
    "summary": "Weekly circles in libraries.",
    "problem": "Adults with low literacy.",
    "actions": "Trained volunteers run circles.",
    "results": "300 adults took part.",
    "themes": ["eq-vulnerable"],
    "sdgs": ["4"],
    "language": "en",
}


def test_submit_review_publish_over_http(city_a, coordinator_a, network_coordinator, client):
    writer = client_for(coordinator_a)
    response = writer.post("/network/practices/new/", {**FORM, "city": "alpha"})
    assert response.status_code == 302
    practice = Practice.objects.get()
    assert practice.status == "draft" and not practice.is_published
    # Unpublished: a 404 for the public and for other cities (no leak of its existence).
    assert client.get(f"/network/practices/{practice.pk}/").status_code == 404
    assert "Reading circles" not in client.get("/network/practices/").content.decode()

    writer.post(f"/network/practices/{practice.pk}/submit/")
    reviewer = client_for(network_coordinator)
    assert "Reading circles" in reviewer.get("/network/practices/review/").content.decode()
    # Returning needs a comment, said on the field.
    response = reviewer.post(f"/network/practices/{practice.pk}/review/", {"decision": "return"})
    assert 'href="#id_comment"' in response.content.decode()
    reviewer.post(
        f"/network/practices/{practice.pk}/review/",
        {"decision": "return", "comment": "Add figures"},
    )
    practice.refresh_from_db()
    assert practice.status == "returned"
    assert "Add figures" in writer.get(f"/network/practices/{practice.pk}/").content.decode()

    writer.post(
        f"/network/practices/{practice.pk}/edit/",
        {**FORM, "results": "312 adults took part; 80% read better.", "note": "figures"},
    )
    writer.post(f"/network/practices/{practice.pk}/submit/")
    review_page = reviewer.get(f"/network/practices/{practice.pk}/review/").content.decode()
    assert "Reading circles" in review_page
    reviewer.post(f"/network/practices/{practice.pk}/review/", {"decision": "publish"})
    practice.refresh_from_db()
    assert practice.is_published and practice.revisions.count() == 2

    page = client.get(f"/network/practices/{practice.pk}/").content.decode()
    assert "80% read better" in page
    found = client.get("/network/practices/?q=reading+circles").content.decode()
    assert f"/network/practices/{practice.pk}/" in found


def test_published_version_stays_while_a_new_revision_is_reviewed(
    city_a, network_coordinator, client
):
    practice = published_practice(city_a, network_coordinator)
    services.update_practice(actor=None, practice=practice, data={"title": "Secret new title"})
    page = client.get(f"/network/practices/{practice.pk}/").content.decode()
    assert "Literacy circles in public libraries" in page and "Secret new title" not in page
    page = client.get(f"/network/practices/{practice.pk}/?revision=newest").content.decode()
    assert "Secret new title" not in page  # only editors may ask for the newest
    assert "Secret new title" not in client.get("/network/practices/?q=secret").content.decode()


def test_revisions_are_compared_field_by_field(city_a, coordinator_a):
    practice = services.create_practice(actor=None, city=city_a, data=practice_data())
    services.update_practice(
        actor=None,
        practice=practice,
        data={
            "summary": "Volunteers run daily reading circles for adults.",
            "themes": ["eq-vulnerable", "eq-digital"],
        },
    )
    page = (
        client_for(coordinator_a)
        .get(f"/network/practices/{practice.pk}/revisions/?from=1&to=2")
        .content.decode()
    )
    assert re.search(r"<del>.*weekly", page) and re.search(r"<ins>.*daily", page)
    assert "Closing the digital divide" in page
    assert "<h3>Title</h3>" not in page  # unchanged fields are not listed
    # Same data again: no empty revision.
    services.update_practice(actor=None, practice=practice, data={})
    assert practice.revisions.count() == 2


def test_editing_another_citys_practice_is_refused(
    city_a, city_b, coordinator_b, network_coordinator
):
    draft = services.create_practice(actor=None, city=city_a, data=practice_data())
    other = client_for(coordinator_b)
    assert other.get(f"/network/practices/{draft.pk}/").status_code == 404
    assert other.post(f"/network/practices/{draft.pk}/edit/", FORM).status_code == 404
    published = published_practice(city_a, network_coordinator)
    assert other.post(f"/network/practices/{published.pk}/edit/", FORM).status_code == 403
    assert other.post(f"/network/practices/{published.pk}/withdraw/").status_code == 403
    assert other.post("/network/practices/new/", {**FORM, "city": "alpha"}).status_code == 200
    assert Practice.objects.count() == 2
    assert other.get(f"/network/practices/{draft.pk}/review/").status_code == 403


def test_bad_practice_input_names_the_fields_and_saves_nothing(city_a, coordinator_a):
    response = client_for(coordinator_a).post(
        "/network/practices/new/",
        {
            "city": "alpha",
            "title": "x" * 201,
            "summary": "",
            "themes": ["nope"],
            "sdgs": ["18"],
            "language": "klingon",
            "problem": "a\x00b",
            "actions": "",
            "results": "",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    for field in ["title", "summary", "themes", "sdgs", "language", "problem", "actions"]:
        assert f'id="id_{field}_error"' in page, field
    assert not Practice.objects.exists()


def test_search_facets_and_counts(city_a, city_b, network_coordinator, client):
    city_b.region = "africa"
    city_b.save()
    published_practice(city_a, network_coordinator)
    published_practice(
        city_b,
        network_coordinator,
        title="Digital skills for older people",
        summary="Young volunteers teach phones.",
        themes=["eq-digital"],
        language="fr",
    )
    page = client.get("/network/practices/?theme=eq-digital").content.decode()
    assert "Digital skills" in page and "Literacy circles" not in page
    assert 'Closing the digital divide <span class="count">(1)</span>' in page
    # A facet's own values stay alternatives: the other theme still counts 1.
    assert 'Reaching vulnerable and marginalised groups <span class="count">(1)</span>' in page
    page = client.get("/network/practices/?region=africa&language=fr").content.decode()
    assert "Digital skills" in page and "1 practice" in page
    for query in ["?theme=bogus", "?page=abc", "?page=99999", "?q=%00%00", "?q=" + "z" * 999]:
        assert client.get("/network/practices/" + query).status_code == 200, query


def test_withdrawn_practice_disappears_from_search(city_a, network_coordinator, client):
    practice = published_practice(city_a, network_coordinator)
    assert "Literacy circles" in client.get("/network/practices/?q=literacy").content.decode()
    services.withdraw_practice(actor=None, practice=practice)
    assert "Literacy circles" not in client.get("/network/practices/?q=literacy").content.decode()
    assert client.get(f"/network/practices/{practice.pk}/").status_code == 404


def test_similar_practices_with_reasons(city_a, city_b, network_coordinator, client):
    first = published_practice(city_a, network_coordinator)
    second = published_practice(
        city_b, network_coordinator, title="Reading circles in libraries for adults"
    )
    published_practice(
        city_b,
        network_coordinator,
        title="Urban gardens",
        summary="Schools grow vegetables.",
        problem="No green space.",
        actions="Gardens built.",
        results="Children eat better.",
        themes=["kflc-quality"],
        sdgs=["13"],
    )
    assert recompute_similar_practices() > 0
    best = SimilarPractice.objects.filter(practice=first).order_by("rank").first()
    assert best.other_id == second.pk
    page = client.get(f"/network/practices/{first.pk}/").content.decode()
    section = page[page.find("similar-title") :]
    assert "Reading circles in libraries for adults" in section
    assert "Shared themes:" in section and "Reaching vulnerable" in section
    assert "Shared words:" in section and "libraries" in section


def test_publishing_queues_the_similarity_recompute(
    city_a, network_coordinator, django_capture_on_commit_callbacks
):
    published_practice(city_a, network_coordinator)
    practice = services.create_practice(actor=None, city=city_a, data=practice_data())
    services.submit_practice(actor=None, practice=practice)
    with django_capture_on_commit_callbacks(execute=True):
        services.review_practice(actor=network_coordinator, practice=practice, decision="publish")
    assert SimilarPractice.objects.filter(practice=practice).exists()


def test_json_ld_is_data_and_cannot_close_the_script(city_a, network_coordinator, client):
    practice = published_practice(
        city_a, network_coordinator, title="</script><script>alert(1)</script>"
    )
    page = client.get(f"/network/practices/{practice.pk}/").content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert "<" not in block
    data = json.loads(block)
    assert data["@type"] == "CreativeWork" and data["name"].startswith("</script>")
    assert "<script>alert(1)" not in page


def test_translation_is_shown_in_the_readers_language(
    city_a, coordinator_a, network_coordinator, client
):
    practice = published_practice(city_a, network_coordinator)
    response = client_for(coordinator_a).post(
        f"/network/practices/{practice.pk}/translate/",
        {"language": "fr", "title": "Cercles de lecture", "summary": "Chaque semaine."},
    )
    assert response.status_code == 302
    services.submit_practice(actor=None, practice=practice)
    services.review_practice(
        actor=network_coordinator, practice=practice, decision="publish", recompute=False
    )
    page = client.get(
        f"/network/practices/{practice.pk}/", HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "Cercles de lecture" in page
    found = client.get("/network/practices/?q=cercles").content.decode()
    assert f"/network/practices/{practice.pk}/" in found


def test_csv_export_lists_published_only(city_a, network_coordinator, client):
    published_practice(city_a, network_coordinator, title="=HYPERLINK(1)")
    services.create_practice(actor=None, city=city_a, data=practice_data(title="Draft one"))
    text = client.get("/network/practices/export.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text and "Draft one" not in text


def test_personal_data_export_and_erasure(city_a, coordinator_a):
    from learningcity.core.services import erase_account, export_personal_data

    practice = services.create_practice(actor=coordinator_a, city=city_a, data=practice_data())
    assert "Literacy circles" in export_personal_data(coordinator_a)
    erase_account(coordinator_a)
    practice.refresh_from_db()
    assert practice.created_by is None
    assert practice.revisions.get().created_by is None


def test_pictures_are_reencoded_with_alt_text_required(
    city_a, coordinator_a, network_coordinator, client
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    practice = published_practice(city_a, network_coordinator)
    editor = client_for(coordinator_a)
    picture = io.BytesIO()
    Image.new("RGB", (3000, 1500), "teal").save(picture, format="PNG")
    url = f"/network/practices/{practice.pk}/images/"
    response = editor.post(
        url, {"image": SimpleUploadedFile("a.png", picture.getvalue()), "alt_text": ""}
    )
    assert response.status_code == 400 and 'href="#id_alt_text"' in response.content.decode()
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a picture")
    response = editor.post(url, {"image": fake, "alt_text": "A garden"})
    assert response.status_code == 400 and "not a picture" in response.content.decode()
    assert not practice.images.exists()
    response = editor.post(
        url,
        {
            "image": SimpleUploadedFile("a.png", picture.getvalue()),
            "alt_text": "Volunteers reading with adults",
        },
    )
    assert response.status_code == 302
    image = practice.images.get()
    assert (image.width, image.height) == (1600, 800)
    served = client.get(f"/network/practices/{practice.pk}/images/{image.pk}.jpg")
    assert served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content)[:3] == b"\xff\xd8\xff"
    page = client.get(f"/network/practices/{practice.pk}/").content.decode()
    assert 'alt="Volunteers reading with adults"' in page
