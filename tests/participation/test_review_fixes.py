"""Regression tests of the participation security review (after 45fac56): broken or
huge pictures, how pictures are served and removed, files left in storage, who may
vote frozen after the first ballot, bounds that gave 500s (support threshold, pabulib
numbers, NUL characters, meeting dates, project ids), the e-mail voting link's audit
and rate, and the tenant filter of the meeting form."""

from __future__ import annotations

import io
import os
import struct
import time
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory, TestCase
from PIL import Image

from learningcity.catalogue.models import LearningSite
from learningcity.core.models import AuditEvent
from learningcity.participation import email_voting, proposal_images, services, services_manage
from learningcity.participation.admin import BudgetAdmin
from learningcity.participation.forms_civic import MeetingForm
from learningcity.participation.models import (
    Assembly,
    AssemblyMeeting,
    Ballot,
    Budget,
    BudgetProject,
    Process,
    Proposal,
    ProposalImage,
    WhoMayVote,
)
from tests.conftest import client_for, make_user

from .conftest import make_budget, make_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _stored_files() -> list[str]:
    media = default_storage.location
    return [name for _d, _s, names in os.walk(media) for name in names]


# ---- pictures: broken, huge ------------------------------------------------------------


def _png(size=(40, 30), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, format="PNG")
    return out.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png_with_a_broken_chunk_after_the_image() -> bytes:
    """A zTXt chunk with an unknown compression method after the image data: Pillow
    raises SyntaxError when it reads the end of the file."""
    data = _png()
    end = data.rfind(b"IEND") - 4
    return data[:end] + _chunk(b"zTXt", b"note\x00\x01xx") + data[end:]


def _jpeg_with_malformed_exif() -> bytes:
    """An orientation to apply and a tag whose type does not fit its value: Pillow's
    exif_transpose raises struct.error when it writes the EXIF back."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: turned
    exif[0x010F] = "Cam"  # Make, ASCII…
    raw = exif.tobytes().replace(b"\x01\x0f\x00\x02", b"\x01\x06\x00\x02")  # …as a SHORT tag
    out = io.BytesIO()
    Image.new("RGB", (8, 6)).save(out, format="JPEG", exif=raw)
    return out.getvalue()


def _pictures_url(proposal, tail="pictures/"):
    p = proposal.process
    return f"/{p.city.slug}/participate/{p.slug}/proposals/{proposal.pk}/{tail}"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("broken.png", _png_with_a_broken_chunk_after_the_image()),
        ("turned.jpg", _jpeg_with_malformed_exif()),
    ],
)
def test_a_corrupt_picture_gets_a_message_not_a_500(resident, process, name, data):
    proposal = make_proposal(process, author=resident)
    response = client_for(resident).post(
        _pictures_url(proposal),
        {"image_1": SimpleUploadedFile(name, data, "image/png"), "alt_1": "A picture"},
    )
    assert response.status_code == 400
    assert f"“{name}” is not a picture we can use" in response.content.decode()
    assert not ProposalImage.objects.exists() and not _stored_files()


def test_a_picture_over_the_pixel_limit_is_refused_though_its_file_is_small(resident, process):
    data = _png(size=(4100, 4000), mode="1")  # 16.4 million pixels, a few kilobytes
    assert len(data) < 100_000
    proposal = make_proposal(process, author=resident)
    response = client_for(resident).post(
        _pictures_url(proposal),
        {"image_1": SimpleUploadedFile("plan.png", data, "image/png"), "alt_1": "A plan"},
    )
    assert response.status_code == 400
    assert "“plan.png” has too many pixels (at most 16 million)" in response.content.decode()
    assert not ProposalImage.objects.exists() and not _stored_files()


def test_a_large_jpeg_is_still_shrunk_and_turned_upright():
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    Image.new("RGB", (4000, 2000), (10, 120, 200)).save(out, format="JPEG", exif=exif)
    content, width, height = proposal_images.reencode(out.getvalue(), "wide.jpg")
    assert (width, height) == (800, 1600)
    with Image.open(io.BytesIO(content)) as again:
        assert again.size == (800, 1600) and not again.getexif()


# ---- pictures: serving, removing, files in storage --------------------------------------


def _one_picture(author, process):
    proposal = make_proposal(process, author=author)
    (image,) = proposal_images.add_proposal_images(
        actor=author, proposal=proposal, uploads=[("a.png", _png(), "A bench")]
    )
    return proposal, image


def test_pictures_are_cached_privately_and_briefly(client, resident, process):
    proposal, image = _one_picture(resident, process)
    response = client.get(_pictures_url(proposal, f"images/{image.pk}.jpg"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=300"


def test_a_picture_whose_file_is_missing_is_not_found(client, resident, process):
    proposal, image = _one_picture(resident, process)
    default_storage.delete(image.file.name)
    response = client.get(_pictures_url(proposal, f"images/{image.pk}.jpg"))
    assert response.status_code == 404


def test_a_coordinator_removes_one_picture_and_its_file(
    resident, coordinator_a, coordinator_b, process
):
    proposal, image = _one_picture(resident, process)
    url = _pictures_url(proposal, f"images/{image.pk}/remove/")
    assert client_for(make_user("other@example.org")).post(url).status_code == 403
    assert client_for(coordinator_b).post(url).status_code == 403
    assert client_for(coordinator_a).get(url).status_code == 405
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client_for(coordinator_a).post(url)
    assert response.status_code == 302
    assert not ProposalImage.objects.exists() and not default_storage.exists(image.file.name)
    assert AuditEvent.objects.filter(action="participation.proposal_image_removed").exists()


def test_files_written_before_a_failure_are_removed(resident, process, monkeypatch):
    proposal = make_proposal(process, author=resident)

    def fail(*args, **kwargs):
        raise RuntimeError("the audit is down")

    monkeypatch.setattr(proposal_images, "record_event", fail)
    with pytest.raises(RuntimeError):
        proposal_images.add_proposal_images(
            actor=resident, proposal=proposal, uploads=[("a.png", _png(), "A bench")]
        )
    assert not ProposalImage.objects.exists() and not _stored_files()


def test_deleting_a_proposal_or_its_process_deletes_the_picture_files(resident, process):
    proposal, image = _one_picture(resident, process)
    _other, other_image = _one_picture(resident, process)
    assert default_storage.exists(image.file.name)
    with TestCase.captureOnCommitCallbacks(execute=True):
        Proposal.objects.filter(pk=proposal.pk).delete()
    assert not default_storage.exists(image.file.name)
    assert default_storage.exists(other_image.file.name)
    with TestCase.captureOnCommitCallbacks(execute=True):
        Process.objects.filter(pk=process.pk).delete()
    assert not _stored_files()


# ---- who may vote, frozen after the first ballot -----------------------------------------


def _budget_fields(budget, **change):
    return {
        "title": budget.title,
        "slug": budget.slug,
        "description": "",
        "amount": budget.amount,
        "currency": "EUR",
        "district": None,
        "ballot_kind": budget.ballot_kind,
        "rule": budget.rule,
        "who_may_vote": budget.who_may_vote,
        **change,
    }


def test_who_may_vote_changes_until_the_first_ballot_only(coordinator_a, resident, budget):
    services_manage.update_budget(
        actor=coordinator_a,
        budget=budget,
        fields=_budget_fields(budget, who_may_vote=WhoMayVote.EMAIL_ONCE),
    )
    budget.refresh_from_db()
    assert budget.who_may_vote == WhoMayVote.EMAIL_ONCE
    services.cast_ballot(actor=resident, budget=budget, project_ids=[budget.projects.first().pk])
    with pytest.raises(ValidationError) as refused:
        services_manage.update_budget(
            actor=coordinator_a,
            budget=budget,
            fields=_budget_fields(budget, who_may_vote=WhoMayVote.PROCESS_RULE),
        )
    assert "already voted in this budget" in str(refused.value.message_dict["who_may_vote"])
    budget.refresh_from_db()
    assert budget.who_may_vote == WhoMayVote.EMAIL_ONCE


def test_the_coordinators_budget_form_offers_who_may_vote(city_a, coordinator_a, budget):
    p = budget.process
    page = client_for(coordinator_a).get(
        f"/{city_a.slug}/participate/manage/processes/{p.slug}/budgets/{budget.slug}/"
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="who_may_vote"' in html and "Anyone who confirms an e-mail address" in html


def test_the_admin_makes_who_may_vote_read_only_once_anyone_voted(site_admin, resident, budget):
    from django.contrib import admin

    model_admin = BudgetAdmin(Budget, admin.site)
    request = RequestFactory().get("/")
    request.user = site_admin
    assert "who_may_vote" not in model_admin.get_readonly_fields(request, budget)
    services.cast_ballot(actor=resident, budget=budget, project_ids=[budget.projects.first().pk])
    frozen = model_admin.get_readonly_fields(request, budget)
    assert {"who_may_vote", "amount", "ballot_kind", "district"} <= set(frozen)


# ---- bounds --------------------------------------------------------------------------


def test_a_huge_support_threshold_is_refused_with_a_message(city_a, coordinator_a):
    from .test_manage import _process_data, _rows, _url

    response = client_for(coordinator_a).post(
        _url(city_a, "processes/new/"),
        {**_process_data(support_threshold="99999999999999999999"), **_rows("phases", [])},
    )
    assert response.status_code == 400
    assert 'href="#id_support_threshold"' in response.content.decode()
    assert not Process.objects.filter(slug="plan-2027").exists()
    with pytest.raises(ValidationError, match="from 1 to 1000000"):
        services_manage.create_process(
            actor=coordinator_a,
            city=city_a,
            fields={**_process_data(support_threshold=1_000_001), "is_published": True},
        )


def _pb(budget="100", cost_a="50", name_a="Garden"):
    return (
        f"META\nkey;value\ndescription;Imported budget\nbudget;{budget}\nvote_type;approval\n"
        f"PROJECTS\nproject_id;cost;name\na;{cost_a};{name_a}\nb;60;Library\n"
        "VOTES\nvoter_id;vote\n1;a\n2;a,b\n"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_pb(cost_a=str(2**63)), "The cost of project “a” is too large"),
        (_pb(budget=str(2**64)), "The budget is too large"),
        (_pb(cost_a="1e999999999"), "line 8, cost: '1e999999999' is not a number"),
        (_pb(budget="1" * 41), "line 4, budget"),
    ],
)
def test_pabulib_numbers_beyond_what_is_stored_are_refused_quickly(
    city_a, coordinator_a, process, text, message
):
    started = time.monotonic()
    with pytest.raises(ValidationError) as refused:
        services.import_budget_pb(actor=coordinator_a, process=process, slug="imported", text=text)
    assert time.monotonic() - started < 2
    assert message in str(refused.value.message_dict["file"])
    assert not Budget.objects.filter(slug="imported").exists()


def test_a_huge_cost_through_the_import_page_gets_a_message(city_a, coordinator_a, process):
    from .test_manage import _upload, _url

    response = client_for(coordinator_a).post(
        _url(city_a, f"processes/{process.slug}/budgets/import/"),
        {"slug": "imported", "file": _upload(_pb(cost_a="99999999999999999999"))},
    )
    assert response.status_code == 400
    assert "is too large" in response.content.decode()
    assert not BudgetProject.objects.filter(code="a").exists()


def test_nul_characters_of_a_pabulib_file_are_dropped(coordinator_a, process):
    text = _pb(name_a="Gar\x00den").replace("Imported budget", "Imported\x00 budget")
    budget = services.import_budget_pb(
        actor=coordinator_a, process=process, slug="imported", text=text
    )
    assert budget.title == "Imported budget"
    assert budget.projects.get(code="a").title == "Garden"


def test_the_pabulib_reader_keeps_plain_numbers():
    from fractions import Fraction

    from learningcity.engines.budgeting.pabulib import parse_number

    assert parse_number("1000") == 1000 and parse_number("2,5") == Fraction(5, 2)
    assert parse_number("1e-05") == Fraction(1, 100000)  # as format_number writes it
    for text in ("1e999999999", "1/2", "nan", "1" * 41):
        with pytest.raises(ValueError):
            parse_number(text)


def test_a_meeting_far_in_the_future_gets_a_message(coordinator_a, city_a):
    assembly = Assembly.objects.create(city=city_a, slug="council", name="Learning council")
    response = client_for(coordinator_a).post(
        f"/{city_a.slug}/participate/assemblies/council/meetings/new/",
        {"title": "Far away", "starts_at": "9999-12-31T23:00", "minutes_long": "120"},
    )
    assert response.status_code == 400
    assert "at most 10 years ahead" in response.content.decode()
    assert not AssemblyMeeting.objects.filter(assembly=assembly).exists()


def test_the_meeting_form_offers_the_citys_learning_places_only(city_a, city_b):
    LearningSite.objects.create(city=city_a, slug="library", name="Central library")
    LearningSite.objects.create(city=city_b, slug="museum", name="Beta museum")
    names = [s.name for s in MeetingForm(city=city_a).fields["site"].queryset]
    assert names == ["Central library"]


# ---- project ids beyond what a database stores --------------------------------------------


def _budget_url(budget, tail=""):
    p = budget.process
    return f"/{p.city.slug}/participate/{p.slug}/budgets/{budget.slug}/{tail}"


@pytest.mark.parametrize("posted", ["99999999999999999999", str(2**63), "-1", "0"])
def test_a_project_id_out_of_range_gets_the_ballot_message(resident, budget, posted):
    first = str(budget.projects.first().pk)
    response = client_for(resident).post(_budget_url(budget), {"projects": [first, posted]})
    assert response.status_code == 400
    assert "Choose projects of this budget, each once." in response.content.decode()
    assert not Ballot.objects.exists()


def test_a_project_id_out_of_range_on_the_email_ballot_gets_the_message(client, process):
    budget = make_budget(process, slug="open", who_may_vote=WhoMayVote.EMAIL_ONCE)
    token = email_voting.make_token(budget, "ana@example.org")
    response = client.post(
        _budget_url(budget, f"email/{token}/"), {"projects": ["99999999999999999999"]}
    )
    assert response.status_code == 400
    assert "Choose projects of this budget, each once." in response.content.decode()
    assert not Ballot.objects.exists()


# ---- the e-mail voting link: audit once, rate-limited ----------------------------------------


def test_opening_a_voting_link_writes_nothing_and_voting_is_audited_once(client, process):
    budget = make_budget(process, slug="open", who_may_vote=WhoMayVote.EMAIL_ONCE)
    url = _budget_url(budget, f"email/{email_voting.make_token(budget, 'ana@example.org')}/")
    for _n in range(3):
        assert client.get(url).status_code == 200
    assert not AuditEvent.objects.filter(action="participation.email_vote_confirmed").exists()
    voted = client.post(url, {"projects": [str(budget.projects.first().pk)]})
    assert voted.status_code == 302
    events = AuditEvent.objects.filter(action="participation.email_vote_confirmed")
    assert events.count() == 1
    assert "ana@" not in f"{events.get().target} {events.get().details}"


def test_opening_voting_links_is_rate_limited(client, process, settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_RATES = {**settings.RATELIMIT_RATES, "participation_post": "2/h"}
    budget = make_budget(process, slug="open", who_may_vote=WhoMayVote.EMAIL_ONCE)
    url = _budget_url(budget, f"email/{email_voting.make_token(budget, 'ana@example.org')}/")
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    limited = client.get(url)
    assert limited.status_code == 429
    assert "many times in a short while" in limited.content.decode()


def test_the_proposal_page_offers_coordinators_a_remove_button(resident, coordinator_a, process):
    proposal, image = _one_picture(resident, process)
    action = _pictures_url(proposal, f"images/{image.pk}/remove/")
    assert action in client_for(coordinator_a).get(_pictures_url(proposal, "")).content.decode()
    assert action not in client_for(resident).get(_pictures_url(proposal, "")).content.decode()
