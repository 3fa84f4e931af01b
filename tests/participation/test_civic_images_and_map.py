"""Proposal pictures (checked with Pillow, re-encoded without metadata, at most 1600
px, at most 3, all or none) and places (two number inputs, a map enhancement, a map
page of the process's proposals with a list)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from learningcity.participation import proposal_images, services
from learningcity.participation.models import Proposal, ProposalImage
from tests.conftest import client_for, make_user

from .conftest import make_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _picture(fmt: str = "JPEG", size=(40, 30), exif: bool = False, mode: str = "RGB") -> bytes:
    image = Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 128))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x8825] = {1: "N", 2: (6.0, 15.0, 0.0)}  # GPS
        image.save(out, format=fmt, exif=data)
    else:
        image.save(out, format=fmt)
    return out.getvalue()


def _upload(name: str, data: bytes, kind: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=kind)


def _new_url(process):
    return f"/{process.city.slug}/participate/{process.slug}/proposals/new/"


def _proposal_url(proposal, tail=""):
    p = proposal.process
    return f"/{p.city.slug}/participate/{p.slug}/proposals/{proposal.pk}/{tail}"


def _form(**extra):
    return {"title": "Book box at the tram stop", "body": "A box for swapping books.", **extra}


def test_a_proposal_is_published_with_pictures_and_a_place(resident, process):
    response = client_for(resident).post(
        _new_url(process),
        _form(
            latitude="6.25184",
            longitude="-75.56359",
            image_1=_upload("front.jpg", _picture(exif=True, size=(3200, 1000))),
            alt_1="The tram stop with an empty wall",
            image_2=_upload("plan.png", _picture("PNG", mode="RGBA"), "image/png"),
            alt_2="A drawing of the box",
            publish="1",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    proposal = Proposal.objects.get()
    assert (proposal.latitude, proposal.longitude) == (6.25184, -75.56359)
    images = list(proposal.images.all())
    assert [i.alt_text for i in images] == [
        "The tram stop with an empty wall",
        "A drawing of the box",
    ]
    first = images[0]
    assert (first.width, first.height) == (1600, 500)
    with default_storage.open(first.file.name, "rb") as stored:
        data = stored.read()
    with Image.open(io.BytesIO(data)) as again:
        assert again.format == "JPEG" and max(again.size) <= 1600
        assert not again.getexif()
    assert b"SecretCam" not in data
    detail = client_for(resident).get(_proposal_url(proposal)).content.decode()
    assert 'alt="The tram stop with an empty wall"' in detail
    assert "Latitude 6.25184, longitude -75.56359" in detail
    assert "data-map-block" in detail and "core/map.js" in detail
    served = client_for(resident).get(_proposal_url(proposal, f"images/{first.pk}.jpg"))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"


def test_one_bad_picture_refuses_the_whole_proposal_naming_the_file(resident, process):
    response = client_for(resident).post(
        _new_url(process),
        _form(
            image_1=_upload("good.jpg", _picture()),
            alt_1="Fine",
            image_2=_upload("notes.jpg", b"%PDF-1.4 this is not a picture"),
            alt_2="Notes",
            publish="1",
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "“notes.jpg” is not a picture we can use" in page and "JPEG, PNG or WebP" in page
    assert not Proposal.objects.exists() and not ProposalImage.objects.exists()
    media = default_storage.location
    import os

    assert not os.path.exists(media) or not any(files for _d, _s, files in os.walk(media))


@pytest.mark.parametrize(
    ("data", "alt", "message"),
    [
        (b"x" * (5 * 1024 * 1024 + 1), "Too big", "too large"),
        (_picture("GIF"), "A gif", "not a picture we can use"),
        (_picture(), "", "Describe"),
    ],
)
def test_wrong_pictures_are_refused_with_a_message_naming_the_file(data, alt, message):
    with pytest.raises(ValidationError, match=message) as caught:
        proposal_images.prepare_images([("holiday.jpg", data, alt)])
    assert "holiday.jpg" in str(caught.value)


def test_a_fourth_picture_is_refused(resident, process):
    proposal = make_proposal(process, author=resident)
    uploads = [(f"p{n}.jpg", _picture(), f"Picture {n}") for n in range(3)]
    proposal_images.add_proposal_images(actor=resident, proposal=proposal, uploads=uploads)
    with pytest.raises(ValidationError, match="at most 3 pictures"):
        proposal_images.add_proposal_images(
            actor=resident, proposal=proposal, uploads=[("four.jpg", _picture(), "Four")]
        )
    assert proposal.images.count() == 3


def test_only_the_author_adds_or_removes_pictures(resident, process):
    proposal = make_proposal(process, author=resident)
    other = make_user("other@example.org")
    assert client_for(other).get(_proposal_url(proposal, "pictures/")).status_code == 403
    with pytest.raises(ValidationError, match="Only the author"):
        proposal_images.add_proposal_images(
            actor=other, proposal=proposal, uploads=[("a.jpg", _picture(), "A")]
        )
    client = client_for(resident)
    added = client.post(
        _proposal_url(proposal, "pictures/"),
        {"image_1": _upload("a.webp", _picture("WEBP"), "image/webp"), "alt_1": "A bench"},
    )
    assert added.status_code == 302
    image = proposal.images.get()
    name = image.file.name
    assert default_storage.exists(name)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        removed = client.post(_proposal_url(proposal, "pictures/"), {"remove": image.pk})
    assert removed.status_code == 302
    assert not proposal.images.exists() and not default_storage.exists(name)


def test_pictures_of_a_hidden_proposal_are_not_served(client, resident, process):
    proposal = make_proposal(process, author=resident)
    (image,) = proposal_images.add_proposal_images(
        actor=resident, proposal=proposal, uploads=[("a.jpg", _picture(), "A")]
    )
    url = _proposal_url(proposal, f"images/{image.pk}.jpg")
    assert client.get(url).status_code == 200
    Proposal.objects.filter(pk=proposal.pk).update(hidden_at="2026-01-01T00:00Z")
    assert client.get(url).status_code == 404
    assert client.get(_proposal_url(proposal, "images/999999.jpg")).status_code == 404


def test_the_form_has_labelled_number_inputs_and_the_map_picker(resident, process):
    page = client_for(resident).get(_new_url(process)).content.decode()
    assert '<label for="id_latitude">' in page and 'type="number"' in page
    assert "data-pick-place" in page and "participation/pick_place.js" in page
    assert 'enctype="multipart/form-data"' in page
    assert '<label for="id_alt_1">' in page
    assert "<script>" not in page  # no inline script (CSP)


def test_half_a_place_is_refused(resident, process):
    with pytest.raises(ValidationError, match="both latitude and longitude"):
        services.submit_proposal(
            actor=resident, process=process, fields={**_form(), "latitude": 6.2}
        )


def test_the_map_page_lists_the_placed_visible_proposals(client, process):
    placed = make_proposal(process, title="Placed", latitude=6.25, longitude=-75.56)
    make_proposal(process, title="Nowhere")
    make_proposal(
        process, title="Hidden one", latitude=6.2, longitude=-75.5, hidden_at="2026-01-01T00:00Z"
    )
    page = client.get(
        f"/{process.city.slug}/participate/{process.slug}/proposals/map/"
    ).content.decode()
    assert "Placed" in page and "Nowhere" not in page and "Hidden one" not in page
    assert f"/proposals/{placed.pk}/" in page
    assert 'id="proposal-map-points"' in page and "data-map-block" in page
    assert "Latitude 6.25000, longitude -75.56000" in page


def test_the_map_page_says_when_nothing_has_a_place(client, process):
    make_proposal(process)
    response = client.get(f"/{process.city.slug}/participate/{process.slug}/proposals/map/")
    assert response.status_code == 200
    assert "No proposal of this process has a place yet." in response.content.decode()
