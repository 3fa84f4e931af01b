"""The membership lifecycle over HTTP: a city applies, its National Commission
endorses, two jurors score (each sees only what is assigned to them), the network
admits it and the city hears in its language; the rules of a call (its window, three
endorsements per National Commission, the word limit) and uploads checked by
content; refusals that name the field and leave nothing half-saved."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from learningcity.core.models import AuditEvent
from learningcity.network import services
from learningcity.network.documents import check_pdf
from learningcity.network.models import (
    CommissionGrant,
    LifecycleStep,
    MembershipApplication,
    MembershipChange,
    MembershipReport,
)
from learningcity.network.vocabulary import RUBRIC_CODES
from tests.conftest import client_for, make_city, make_user
from tests.network.membership_factories import (
    application_post,
    make_call,
    make_commission,
    minimal_pdf,
    pdf_upload,
    send_application,
    words,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def score_post(
    total_each: int = 4, recommendation: str = "admit", comment: str = "Strong."
) -> dict:
    return {
        **{f"score_{code}": str(total_each) for code in RUBRIC_CODES},
        "recommendation": recommendation,
        "comment": comment,
    }


def url_of(application, action: str = "") -> str:
    base = f"/network/membership/applications/{application.public_id}/"
    return f"{base}{action}/" if action else base


def test_a_city_applies_is_endorsed_scored_admitted_and_told_in_its_language(
    city_a, coordinator_a, network_coordinator, django_capture_on_commit_callbacks
):
    call = make_call()
    profile = services.ensure_profile(city_a)
    profile.contact_email = "contact@alpha.example"
    profile.save()
    commission = make_commission("TL")
    juror_one = make_user("juror-one@example.org", display_name="Juror One")
    juror_two = make_user("juror-two@example.org", display_name="Juror Two")

    # The city's coordinator applies, in French (its language with the network).
    applicant = client_for(coordinator_a)
    page = applicant.get(f"/network/membership/calls/{call.pk}/apply/alpha/")
    assert page.status_code == 200
    assert 'data-word-limit="200"' in page.content.decode()
    response = applicant.post(
        f"/network/membership/calls/{call.pk}/apply/alpha/",
        application_post(language="fr", motivation=words(200)),
    )
    application = MembershipApplication.objects.get()
    assert response.status_code == 302 and response.url == url_of(application)
    assert application.status == "submitted" and application.language == "fr"
    assert application.endorsement.read().startswith(b"%PDF-")
    assert MembershipChange.objects.filter(city=city_a, status_to="applicant").exists()
    profile.refresh_from_db()
    assert profile.communication_language == "fr"

    # Its country's National Commission finds it in its queue and endorses it.
    natcom = client_for(commission)
    assert "Alpha" in natcom.get("/network/membership/commission/").content.decode()
    assert natcom.get(url_of(application)).status_code == 200
    pdf = natcom.get(url_of(application) + "endorsement.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert natcom.post(url_of(application, "endorse"), {"decision": "endorse"}).status_code == 302
    application.refresh_from_db()
    assert application.status == "endorsed"

    # The network's coordinator assigns two jurors.
    network = client_for(network_coordinator)
    for juror in (juror_one, juror_two):
        response = network.post(url_of(application, "jurors"), {"email": juror.email})
        assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "in_review"

    # Each juror scores alone: the first does not read the second's comment.
    first, second = client_for(juror_one), client_for(juror_two)
    assert (
        first.post(url_of(application, "score"), score_post(4, comment="Clear vision.")).status_code
        == 302
    )
    assert (
        second.post(url_of(application, "score"), score_post(5, comment="Bold plans.")).status_code
        == 302
    )
    seen_by_first = first.get(url_of(application)).content.decode()
    assert "Clear vision." in seen_by_first and "Bold plans." not in seen_by_first
    seen_by_network = network.get(url_of(application)).content.decode()
    assert "Clear vision." in seen_by_network and "Bold plans." in seen_by_network

    # The network admits the city; it becomes a member and hears in French.
    with django_capture_on_commit_callbacks(execute=True):
        response = network.post(
            url_of(application, "decide"), {"decision": "admit", "note": "Bienvenue !"}
        )
    assert response.status_code == 302
    application.refresh_from_db()
    profile.refresh_from_db()
    assert application.status == "admitted" and profile.status == "member"
    today = timezone.localdate()
    assert profile.joined_on == today
    report = MembershipReport.objects.get(city=city_a)
    assert report.due_on == today.replace(year=today.year + 2) and report.status == "due"

    [message] = mail.outbox
    assert set(message.to) == {"coord-a@example.org", "contact@alpha.example"}
    assert message.extra_headers["Content-Language"] == "fr"
    html = message.alternatives[0][0]
    assert 'lang="fr"' in html
    # The due date is written the French way ("7 décembre 2028").
    from django.utils import formats, translation

    with translation.override("fr"):
        french_date = formats.date_format(report.due_on, "DATE_FORMAT")
    assert french_date in message.body and "Bienvenue !" in message.body
    assert str(application.public_id) in message.body

    # Every step is kept, and audited under the same code.
    codes = list(
        LifecycleStep.objects.filter(application=application).values_list("code", flat=True)
    )
    assert codes == [
        "membership.applied",
        "membership.endorsed",
        "membership.juror_assigned",
        "membership.juror_assigned",
        "membership.scored",
        "membership.scored",
        "membership.admitted",
    ]
    for code in set(codes):
        assert AuditEvent.objects.filter(action=code, city=city_a).exists()
    statuses = list(
        MembershipChange.objects.filter(city=city_a)
        .order_by("id")
        .values_list("status_to", flat=True)
    )
    assert statuses == ["applicant", "member"]


def test_a_juror_sees_only_the_applications_assigned_to_them(
    city_a, city_b, coordinator_a, network_coordinator
):
    call = make_call()
    mine = send_application(call, city_a)
    theirs = send_application(call, city_b)
    for application in (mine, theirs):
        services.endorse_application(actor=None, application=application, decision="endorse")
    juror = make_user("juror@example.org")
    other = make_user("other-juror@example.org")
    services.assign_juror(actor=network_coordinator, application=mine, email=juror.email)
    services.assign_juror(actor=network_coordinator, application=theirs, email=other.email)

    client = client_for(juror)
    queue = client.get("/network/membership/jury/").content.decode()
    assert "Alpha" in queue and "Beta" not in queue
    assert client.get(url_of(mine)).status_code == 200
    assert client.get(url_of(theirs)).status_code == 404
    assert client.get(url_of(theirs) + "endorsement.pdf").status_code == 404
    assert client.post(url_of(theirs, "score"), score_post()).status_code == 404
    call_page = client.get(f"/network/membership/calls/{call.pk}/").content.decode()
    assert "Alpha" in call_page and "Beta" not in call_page
    # An applicant city sees its own application only; an outsider none.
    assert client_for(coordinator_a).get(url_of(theirs)).status_code == 404
    assert client_for(make_user()).get(url_of(mine)).status_code == 404


def test_a_commission_sees_and_endorses_only_its_own_countrys_applications(city_a):
    call = make_call()
    kenyan = make_city("nairobi", name="Nairobi", country_code="KE")
    at_home = send_application(call, city_a)
    abroad = send_application(call, kenyan)
    client = client_for(make_commission("TL"))
    queue = client.get("/network/membership/commission/").content.decode()
    assert "Alpha" in queue and "Nairobi" not in queue
    assert client.get(url_of(abroad)).status_code == 404
    assert client.post(url_of(abroad, "endorse"), {"decision": "endorse"}).status_code == 404
    abroad.refresh_from_db()
    assert abroad.status == "submitted"
    assert client.get(url_of(at_home)).status_code == 200
    # Not a commission at all: no queue.
    assert client_for(make_user()).get("/network/membership/commission/").status_code == 403


def test_a_national_commission_endorses_at_most_three_per_call(network_coordinator):
    call = make_call()
    cities = [make_city(f"town-{n}", name=f"Town {n}") for n in range(4)]
    applications = [send_application(call, city) for city in cities]
    foreign = send_application(call, make_city("accra", name="Accra", country_code="GH"))
    client = client_for(make_commission("TL"))
    for application in applications[:3]:
        assert (
            client.post(url_of(application, "endorse"), {"decision": "endorse"}).status_code == 302
        )

    response = client.post(url_of(applications[3], "endorse"), {"decision": "endorse"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "as many applications as this call allows (3)" in page
    assert 'href="#id_decision_0"' in page  # the error summary points at the field
    applications[3].refresh_from_db()
    assert applications[3].status == "submitted"
    assert not LifecycleStep.objects.filter(
        application=applications[3], code="membership.endorsed"
    ).exists()

    # Another country's commission has its own three; declining needs no slot.
    services.endorse_application(actor=None, application=foreign, decision="endorse")
    foreign.refresh_from_db()
    assert foreign.status == "endorsed"

    # The rule is data: the network's coordinator raises the limit and it applies.
    network = client_for(network_coordinator)
    response = network.post(
        f"/network/membership/calls/{call.pk}/edit/",
        {
            "title": call.title,
            "opens_on": call.opens_on.isoformat(),
            "closes_on": call.closes_on.isoformat(),
            "endorsements_close_on": call.endorsements_close_on.isoformat(),
            "max_per_commission": "4",
            "word_limit": "200",
            "jurors_required": "2",
        },
    )
    assert response.status_code == 302
    assert (
        client.post(url_of(applications[3], "endorse"), {"decision": "endorse"}).status_code == 302
    )


def test_declining_needs_a_reason_and_the_commission_decides_once(city_a):
    application = send_application(make_call(), city_a)
    client = client_for(make_commission("TL"))
    response = client.post(url_of(application, "endorse"), {"decision": "decline", "note": ""})
    assert response.status_code == 400 and "Say why" in response.content.decode()
    assert (
        client.post(
            url_of(application, "endorse"), {"decision": "decline", "note": "Not ready yet."}
        ).status_code
        == 302
    )
    application.refresh_from_db()
    assert application.status == "not_endorsed"
    response = client.post(url_of(application, "endorse"), {"decision": "endorse"})
    assert response.status_code == 400 and "already decided" in response.content.decode()


def test_the_word_limit_is_enforced_on_submit_with_the_count(city_a, coordinator_a, _media):
    call = make_call()
    client = client_for(coordinator_a)
    response = client.post(
        f"/network/membership/calls/{call.pk}/apply/alpha/",
        application_post(motivation=words(201), implementation="字" * 230),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Words counted: 201; at most 200 are allowed." in page
    assert "Words counted: 230; at most 200 are allowed." in page
    assert 'href="#id_motivation"' in page and 'href="#id_implementation"' in page
    # The valid PDF must be chosen again: the page says so at the field.
    assert "Choose the file again" in page
    assert not MembershipApplication.objects.exists() and stored_files(_media) == []


def test_a_file_named_pdf_that_is_not_a_pdf_is_refused(city_a, coordinator_a, _media):
    call = make_call()
    client = client_for(coordinator_a)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
    response = client.post(
        f"/network/membership/calls/{call.pk}/apply/alpha/",
        application_post(endorsement=pdf_upload(png, name="signed-endorsement.pdf")),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "This file is not a PDF (whatever its name says)." in page
    assert 'href="#id_endorsement"' in page
    assert not MembershipApplication.objects.exists() and stored_files(_media) == []


def test_pdf_checks_by_content():
    good = minimal_pdf()
    check_pdf(good, "endorsement")

    def refusal(data: bytes) -> str:
        with pytest.raises(ValidationError) as caught:
            check_pdf(data, "endorsement")
        return caught.value.message_dict["endorsement"][0]

    assert "empty" in refusal(b"")
    assert "not a PDF" in refusal(b"Dear mayor,\nthis letter is plain text.\n")
    assert "not a PDF" in refusal(b"<html>" + b" " * 2000 + good)  # a PDF hidden far inside
    assert "incomplete or damaged" in refusal(good[: len(good) // 2])
    assert "incomplete or damaged" in refusal(good.replace(b"startxref\n", b"startxref\n9"))
    assert "password" in refusal(good.replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt 6 0 R"))
    assert "scripts" in refusal(minimal_pdf(catalog=b"/OpenAction << /S /JavaScript /JS (x) >> "))
    check_pdf(minimal_pdf(catalog=b"/Lang (en) "), "endorsement")  # entries are fine
    assert "larger than" in refusal(good + b" " * (10 * 1024 * 1024))


def test_applications_only_while_the_call_is_open_and_once_per_city(city_a, coordinator_a):
    today = timezone.localdate()
    closed = make_call(
        opens_on=today - timedelta(days=60),
        closes_on=today - timedelta(days=1),
        endorsements_close_on=today + timedelta(days=20),
    )
    client = client_for(coordinator_a)
    response = client.post(
        f"/network/membership/calls/{closed.pk}/apply/alpha/", application_post()
    )
    assert response.status_code == 400 and "This call is not open" in response.content.decode()
    assert not MembershipApplication.objects.exists()

    call = make_call()
    assert (
        client.post(
            f"/network/membership/calls/{call.pk}/apply/alpha/", application_post()
        ).status_code
        == 302
    )
    again = client.post(f"/network/membership/calls/{call.pk}/apply/alpha/", application_post())
    assert again.status_code == 400 and "has already applied in this call" in again.content.decode()


def test_only_the_citys_own_coordinators_apply(city_a, coordinator_b):
    call = make_call()
    client = client_for(coordinator_b)
    assert client.get(f"/network/membership/calls/{call.pk}/apply/alpha/").status_code == 403
    assert (
        client.post(
            f"/network/membership/calls/{call.pk}/apply/alpha/", application_post()
        ).status_code
        == 403
    )


def test_nothing_half_saved_when_a_later_step_fails(city_a, coordinator_a, monkeypatch, _media):
    call = make_call()

    def broken_step(*args, **kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(services, "_step", broken_step)
    with pytest.raises(RuntimeError):
        send_application(call, city_a, applicant=coordinator_a)
    assert not MembershipApplication.objects.exists()
    assert not MembershipChange.objects.filter(city=city_a).exists()
    assert stored_files(_media) == []


def test_the_decision_waits_for_the_calls_number_of_jurors(city_a, network_coordinator):
    application = send_application(make_call(), city_a)
    services.endorse_application(actor=None, application=application, decision="endorse")
    juror = make_user("juror@example.org")
    assignment = services.assign_juror(actor=None, application=application, email=juror.email)
    services.score_application(
        actor=juror,
        assignment=assignment,
        scores=dict.fromkeys(RUBRIC_CODES, 2),
        comment="Too early.",
        recommendation="decline",
    )
    client = client_for(network_coordinator)
    response = client.post(url_of(application, "decide"), {"decision": "admit"})
    assert response.status_code == 400
    assert "1 of the 2 scores this call needs are in" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "in_review"
    services.ensure_profile(city_a).refresh_from_db()
    assert city_a.network_profile.status == "applicant"


def test_a_declined_city_hears_it_and_stays_an_applicant(
    city_a, coordinator_a, network_coordinator, django_capture_on_commit_callbacks
):
    application = send_application(make_call(jurors_required=1), city_a)
    services.endorse_application(actor=None, application=application, decision="endorse")
    juror = make_user("juror@example.org")
    assignment = services.assign_juror(actor=None, application=application, email=juror.email)
    services.score_application(
        actor=juror,
        assignment=assignment,
        scores=dict.fromkeys(RUBRIC_CODES, 1),
        comment="Not yet.",
        recommendation="decline",
    )
    with django_capture_on_commit_callbacks(execute=True):
        client_for(network_coordinator).post(url_of(application, "decide"), {"decision": "decline"})
    application.refresh_from_db()
    assert application.status == "declined"
    assert city_a.network_profile.status == "applicant"
    [message] = mail.outbox
    assert message.to == ["coord-a@example.org"] and 'lang="en"' in message.alternatives[0][0]
    assert "not to admit" in message.body
    assert not MembershipReport.objects.exists()


def test_jurors_are_independent_of_the_applying_city(city_a, coordinator_a, network_coordinator):
    application = send_application(make_call(), city_a)
    services.endorse_application(actor=None, application=application, decision="endorse")
    client = client_for(network_coordinator)
    response = client.post(url_of(application, "jurors"), {"email": coordinator_a.email})
    assert (
        response.status_code == 400 and "coordinates the applying city" in response.content.decode()
    )
    response = client.post(url_of(application, "jurors"), {"email": "nobody@example.org"})
    assert (
        response.status_code == 400 and "No account uses this address" in response.content.decode()
    )
    assert not application.assignments.exists()


def test_network_coordinators_open_calls_and_give_commission_accounts(network_coordinator, city_a):
    client = client_for(network_coordinator)
    today = timezone.localdate()
    response = client.post(
        "/network/membership/calls/new/",
        {
            "title": "Call 2027",
            "opens_on": today.isoformat(),
            "closes_on": (today - timedelta(days=1)).isoformat(),
            "endorsements_close_on": today.isoformat(),
            "max_per_commission": "3",
            "word_limit": "200",
            "jurors_required": "2",
        },
    )
    assert response.status_code == 400
    assert "A call closes on or after the day it opens." in response.content.decode()
    person = make_user("natcom@example.org")
    assert (
        client.post(
            "/network/membership/commissions/", {"email": person.email, "country_code": "TL"}
        ).status_code
        == 302
    )
    assert CommissionGrant.objects.filter(user=person, country_code="TL").exists()
    grant = CommissionGrant.objects.get()
    assert client.post("/network/membership/commissions/", {"revoke": grant.pk}).status_code == 302
    assert not CommissionGrant.objects.exists()
    # Nobody else may.
    assert client_for(person).get("/network/membership/commissions/").status_code == 403
    assert client_for(person).get("/network/membership/calls/new/").status_code == 403


def test_membership_pages_render_for_everyone_who_may_see_them(
    client, city_a, coordinator_a, network_coordinator
):
    call = make_call()
    application = send_application(call, city_a)
    assert client.get("/network/membership/").status_code == 200
    page = client.get(f"/network/membership/calls/{call.pk}/").content.decode()
    assert "Alpha" not in page  # applications are not public
    assert client.get(url_of(application)).status_code == 302  # sign in first
    desk = client_for(coordinator_a)
    page = desk.get("/network/cities/alpha/membership/").content.decode()
    assert call.title in page
    assert client_for(network_coordinator).get("/network/membership/").status_code == 200


def test_personal_data_of_the_lifecycle_is_exported_and_erased(city_a, coordinator_a):
    application = send_application(make_call(), city_a, applicant=coordinator_a)
    services.endorse_application(actor=None, application=application, decision="endorse")
    juror = make_user("juror@example.org")
    assignment = services.assign_juror(actor=None, application=application, email=juror.email)
    services.score_application(
        actor=juror,
        assignment=assignment,
        scores=dict.fromkeys(RUBRIC_CODES, 3),
        comment="Promising.",
        recommendation="admit",
    )
    exported = services.export_network_data_of(juror)
    assert exported["network_juror_scores"][0]["comment"] == "Promising."
    assert services.export_network_data_of(coordinator_a)["network_membership_applications"]
    services.erase_network_data_of(juror)
    assignment.refresh_from_db()
    assert assignment.juror is None and assignment.comment == "Promising."  # the score stays
    assert not LifecycleStep.objects.filter(actor=juror).exists()


def test_the_apply_page_carries_the_live_word_count(city_a, coordinator_a):
    call = make_call(word_limit=150)
    page = client_for(coordinator_a).get(f"/network/membership/calls/{call.pk}/apply/alpha/")
    html = page.content.decode()
    assert re.search(r'<textarea[^>]+data-word-limit="150"', html)
    assert "network/word_count.js" in html and "At most 150 words." in html


def test_who_sees_an_application_branch_by_branch(city_a, city_b, coordinator_a, coordinator_b):
    from django.contrib.auth.models import AnonymousUser

    from learningcity.core.models import Role, RoleGrant
    from learningcity.network import permissions

    application = send_application(make_call(), city_a)
    services.endorse_application(actor=None, application=application, decision="endorse")
    juror, other_juror = make_user("juror@example.org"), make_user("other@example.org")
    services.assign_juror(actor=None, application=application, email=juror.email)
    network = make_user("network@example.org")
    RoleGrant.objects.create(user=network, role=Role.NETWORK_COORDINATOR)
    inactive = make_user("gone@example.org", is_active=False)
    CommissionGrant.objects.create(user=inactive, country_code="TL")
    people = {
        "network coordinator": (network, True),
        "the city's coordinator": (coordinator_a, True),
        "another city's coordinator": (coordinator_b, False),
        "its country's commission": (make_commission("TL"), True),
        "another country's commission": (make_commission("KE"), False),
        "its juror": (juror, True),
        "another juror": (other_juror, False),
        "an inactive commission account": (inactive, False),
        "a resident": (make_user(), False),
        "an anonymous visitor": (AnonymousUser(), False),
    }
    for who, (user, expected) in people.items():
        assert permissions.can_view_application(user, application) is expected, who
        listed = permissions.visible_applications(user).filter(pk=application.pk).exists()
        assert listed is expected, who
    assert permissions.can_endorse(people["its country's commission"][0], application)
    assert not permissions.can_endorse(network, application)  # the commission's own step
    assert permissions.can_see_all_scores(network) and not permissions.can_see_all_scores(juror)


def test_queues_and_call_pages_keep_a_small_query_budget(
    city_a, network_coordinator, django_assert_max_num_queries
):
    call = make_call()
    commission = make_commission("TL")
    for number in range(8):
        send_application(call, make_city(f"town-{number}", name=f"Town {number}"))
    natcom, network = client_for(commission), client_for(network_coordinator)
    with django_assert_max_num_queries(12):
        assert natcom.get("/network/membership/commission/").status_code == 200
    with django_assert_max_num_queries(14):
        assert natcom.get(f"/network/membership/calls/{call.pk}/").status_code == 200
    with django_assert_max_num_queries(14):
        assert network.get("/network/membership/").status_code == 200
