"""A migrant's way in a real browser, in English and Arabic: recognition of prior
learning with a diploma, an assessor's decision per unit, the shortened way to the
qualification, a credential issued on completion, downloaded, and verified on the
public page. axe-clean and no Content-Security-Policy violation on every page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from learningcity.credentials.models import Achievement, Qualification, Unit, UnitDecision
from tests.browser.conftest import assert_accessible, set_language
from tests.browser.test_network_journey import sign_in, sign_out
from tests.catalogue.factories import make_opportunity, make_provider, make_session, make_staff
from tests.conftest import make_city, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def college(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from learningcity.catalogue.models import Enrolment, EnrolmentStatus

    city = make_city("alpha", name="Alpha")
    provider = make_provider(city, name="Migrant College")
    staff = make_user("assessor@example.org", display_name="Sara Assessor")
    make_staff(provider, staff)
    migrant = make_user("yusuf@example.org", display_name="Yusuf Ahmed")
    qualification = Qualification.objects.create(
        city=city,
        provider=provider,
        code="CARE",
        title="Care assistant",
        awarding_body="City Awarding Body",
        isced_level=3,
        isced_field="0923",
        eqf_level=3,
    )
    course = make_opportunity(
        provider, slug="care-course", title="Personal care course", next_start=timezone.now()
    )
    for days in (30, 20):
        starts = timezone.now() - timedelta(days=days)
        session = make_session(course, starts_at=starts, ends_at=starts + timedelta(hours=2))
        Enrolment.objects.create(session=session, user=migrant, status=EnrolmentStatus.ATTENDED)
    later = make_opportunity(
        provider,
        slug="hygiene",
        title="Hygiene course",
        next_start=timezone.now() + timedelta(days=30),
    )
    Unit.objects.create(qualification=qualification, code="U1", title="Personal care", position=1)
    Unit.objects.create(
        qualification=qualification, code="U2", title="Hygiene", position=2
    ).opportunities.add(later)
    Achievement.objects.create(
        city=city,
        provider=provider,
        opportunity=course,
        qualification=qualification,
        name="Personal care",
        description="Personal care of older people.",
        criteria="Attend 75% of the sessions.",
        basis=Achievement.Basis.ATTENDANCE,
    )
    return qualification


@pytest.mark.parametrize("language", ["en", "ar"])
def test_from_recognition_to_a_verified_credential(page, live_server, college, language, tmp_path):
    base = live_server.url
    set_language(page, base, language)
    sign_in(page, base, "yusuf@example.org")

    # Recognition of prior learning, with a diploma as evidence.
    page.goto(f"{base}/alpha/credentials/recognition/")
    assert_accessible(page, f"credentials-recognition-{language}")
    page.locator("select[name=qualification]").select_option(str(college.pk))
    page.locator("textarea[name=statement]").fill("Nurse's aide in Aleppo for six years.")
    page.locator("input[name=foreign_country]").fill("SY")
    diploma = tmp_path / "diploma.pdf"
    diploma.write_bytes(b"%PDF-1.4 diploma")
    page.locator("input[name=evidence]").set_input_files(str(diploma))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert_accessible(page, f"credentials-application-{language}")
    application_url = page.url
    sign_out(page)

    # The assessor recognises unit U1, with a reason.
    sign_in(page, base, "assessor@example.org")
    page.goto(application_url)
    unit = Unit.objects.get(code="U1")
    form = page.locator(f"main form:has(input[name=unit][value='{unit.pk}'])")
    form.locator("input[value=recognised]").check()
    form.locator("textarea[name=reason]").fill("Six years of practice, confirmed by the diploma.")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert UnitDecision.objects.get().outcome == "recognised"
    assert_accessible(page, f"credentials-decided-{language}")

    # The provider issues the credential to who completed.
    badge = Achievement.objects.get()
    page.goto(f"{base}/alpha/credentials/badges/{badge.public_id}/")
    assert_accessible(page, f"credentials-badge-{language}")
    page.locator("main form:has(input[name=person]) button[type=submit]").first.click()
    page.wait_for_load_state()
    sign_out(page)

    # The migrant's way is shorter; their credential downloads and verifies.
    sign_in(page, base, "yusuf@example.org")
    page.goto(
        f"{base}/alpha/credentials/find/?qualification={college.pk}"
        "&language_1=ar&level_1=C2&language_2=en&level_2=B1"
    )
    assert_accessible(page, f"credentials-find-{language}")
    steps = page.locator("#plan-title ~ ol li")
    assert steps.count() == 1  # U1 recognised: only the hygiene course is left
    assert steps.locator("a[href='/alpha/learn/opportunities/hygiene/']").count() == 1
    page.goto(f"{base}/alpha/credentials/")
    assert_accessible(page, f"credentials-mine-{language}")
    with page.expect_download() as download_info:
        page.locator("main a[href$='credential.json']").first.click()
    saved = tmp_path / f"credential-{language}.json"
    download_info.value.save_as(saved)
    page.goto(f"{base}/credentials/verify/")
    assert_accessible(page, f"credentials-verify-{language}")
    page.locator("input[name=file]").set_input_files(str(saved))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("main .verdict-valid").count() == 1
    assert_accessible(page, f"credentials-verified-{language}")
