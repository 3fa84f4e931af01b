"""The pages: public verification (upload, paste, link), status lists, downloads and
the providers' issuing pages, with their permissions."""

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from learningcity.credentials.models import IssueBatch, IssuedCredential
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db

VERIFY = "/credentials/verify/"


def _upload(client, document, name="credential.json"):
    data = document if isinstance(document, bytes) else json.dumps(document).encode()
    return client.post(VERIFY, {"file": SimpleUploadedFile(name, data, "application/json")})


def test_the_verification_page_accepts_a_valid_credential_file(client, issue, learner):
    response = _upload(client, issue(learner).document)
    assert response.status_code == 200
    assert "Valid: the credential is genuine and in force." in response.content.decode()
    assert "Migrant College" in response.content.decode()


def test_a_tampered_credential_file_is_reported_with_the_reason(client, issue, learner):
    document = copy.deepcopy(issue(learner).document)
    document["name"] = "Something better"
    page = _upload(client, document).content.decode()
    assert "Not genuine" in page and "changed after it was issued" in page


def test_pasted_text_revoked_and_garbage_are_answered_without_an_error(
    client, issue, learner, staff
):
    from learningcity.credentials.services import revoke_credential

    credential = issue(learner)
    revoke_credential(actor=staff, credential=credential, reason="Mistake")
    page = client.post(VERIFY, {"text": json.dumps(credential.document)}).content.decode()
    assert "Revoked" in page
    for junk in (b"\x00\xff not json", b"[]", b"{}", b'{"type": "VerifiableCredential"}'):
        response = _upload(client, junk)
        assert response.status_code == 200
        assert (
            "cannot be accepted" in response.content.decode()
            or "Not genuine" in response.content.decode()
        )
    odd = {"type": ["VerifiableCredential"], "@context": 5, "proof": "x", "issuer": 3}
    assert _upload(client, odd).status_code == 200
    assert client.post(VERIFY, {}).status_code == 400


def test_the_link_in_the_qr_code_verifies_the_stored_credential(client, issue, learner):
    credential = issue(learner)
    response = client.get(f"/credentials/c/{credential.public_id}/")
    assert "Valid" in response.content.decode()
    download = client.get(f"/credentials/c/{credential.public_id}/credential.json")
    assert json.loads(download.content) == credential.document
    assert "attachment" in download["Content-Disposition"]
    assert client.get("/credentials/c/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_the_status_list_and_the_achievement_are_published(client, issue, learner):
    credential = issue(learner)
    url = credential.document["credentialStatus"]["statusListCredential"]
    path = url.removeprefix("https://learn.example.org")
    listed = client.get(path)
    assert listed.status_code == 200
    assert json.loads(listed.content)["issuer"] == credential.document["issuer"]["id"]
    achievement = credential.document["credentialSubject"]["achievement"]["id"]
    page = client.get(achievement.removeprefix("https://learn.example.org"))
    assert "Care work, unit 1" in page.content.decode()
    did = credential.document["issuer"]["id"]
    assert client.get(f"/credentials/issuers/{did}/").json()["id"] == did
    assert client.get("/credentials/issuers/did:key:nonsense/").status_code == 404


def test_the_holder_downloads_the_pdf_with_its_qr_code_and_others_cannot(issue, learner, city_a):
    credential = issue(learner)
    url = reverse("credentials:credential_pdf", args=[city_a.slug, credential.public_id])
    response = client_for(learner).get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert client_for(make_user()).get(url).status_code == 404


def test_my_credentials_page_and_the_choice_of_what_to_show(issue, learner, city_a):
    issue(learner)
    client = client_for(learner)
    url = reverse("credentials:mine", args=[city_a.slug])
    page = client.get(url).content.decode()
    assert "Download Care work, unit 1 (JSON, for a wallet)" in page
    client.post(url, {"show_name": "on", "group": "migrant"})
    assert learner.credential_choice.show_name and learner.credential_choice.group == "migrant"
    assert client.post(url, {"group": "nonsense"}).status_code == 400


def test_staff_issue_from_the_badge_page_and_outsiders_get_a_404(
    staff, badge, learner, dropout, city_a, django_capture_on_commit_callbacks
):
    page_url = reverse("credentials:achievement", args=[city_a.slug, badge.public_id])
    client = client_for(staff)
    page = client.get(page_url).content.decode()
    assert "Amal Haddad" in page and "Omar" not in page
    assert client_for(learner).get(page_url).status_code == 404
    issue_url = reverse("credentials:issue", args=[city_a.slug, badge.public_id])
    client.post(issue_url, {"person": str(dropout.public_id)})
    assert not IssuedCredential.objects.exists()
    client.post(issue_url, {"person": "not-a-uuid"})
    client.post(issue_url, {"person": str(learner.public_id)})
    assert IssuedCredential.objects.get().holder == learner
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("credentials:issue_all", args=[city_a.slug, badge.public_id])
        )
    assert response.status_code == 302
    batch = IssueBatch.objects.get()
    assert client.get(response["Location"]).status_code == 200
    assert batch.status == "done"


def test_staff_create_a_badge_and_the_form_explains_mistakes(staff, course, city_a):
    client = client_for(staff)
    url = reverse("credentials:achievements", args=[city_a.slug])
    bad = client.post(url, {"name": "x", "basis": "attendance", "provider": course.provider.pk})
    assert bad.status_code == 400
    good = client.post(
        url,
        {
            "provider": course.provider.pk,
            "name": "Care unit 2",
            "description": "d",
            "criteria": "c",
            "basis": "attendance",
            "opportunity": course.pk,
            "attendance_threshold": 80,
        },
    )
    assert good.status_code == 302
    assert client_for(make_user()).get(url).status_code == 403


def test_revoking_from_the_badge_page(staff, issue, learner, city_a):
    credential = issue(learner)
    url = reverse("credentials:revoke", args=[city_a.slug, credential.public_id])
    client_for(staff).post(url, {"reason": ""})
    credential.refresh_from_db()
    assert credential.revoked_at is None
    client_for(staff).post(url, {"reason": "Issued by mistake"})
    credential.refresh_from_db()
    assert credential.revoked_reason == "Issued by mistake"
    assert client_for(learner).post(url, {"reason": "x"}).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000,
        b'{"type": ["VerifiableCredential"], "@context": ["https://www.w3.org/ns/credentials/v2"],'
        b' "proof": [{"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",'
        b' "proofPurpose": "assertionMethod", "verificationMethod": "did:key:z6Mkabc",'
        b' "proofValue": "z111"}], "issuer": {"id": 5}}',
        b'{"type": ["VerifiableCredential"], "@context": ["https://www.w3.org/ns/credentials/v2"],'
        b' "credentialSubject": {"@id": {"x": 1}}, "proof": {"type": 1}}',
        "\u202e{}".encode(),
    ],
)
def test_hostile_files_get_a_verdict_never_an_error(client, body):
    response = _upload(client, body)
    assert response.status_code == 200
    assert "cannot be accepted" in response.content.decode()


def test_typed_nonsense_in_find_my_way_is_a_form_error(client, city_a):
    url = reverse("credentials:find", args=[city_a.slug])
    for query in (
        {"qualification": "abc"},
        {"qualification": "1", "budget": "1e99"},
        {"qualification": "1", "level_1": "Z9"},
    ):
        assert client.get(url, query).status_code == 400
    assert client.get("/credentials/status/not-a-uuid").status_code == 404
    assert client.get("/nowhere/credentials/").status_code in (302, 404)


def test_staff_replace_their_signing_key_and_nobody_else_can(
    staff, provider, issue, learner, city_a
):
    from learningcity.credentials.models import IssuerKey

    issue(learner)
    url = reverse("credentials:rotate_key", args=[city_a.slug])
    assert client_for(make_user()).post(url, {"provider": provider.pk}).status_code == 404
    assert client_for(staff).post(url, {"provider": "x"}).status_code == 404
    assert client_for(staff).post(url, {"provider": provider.pk}).status_code == 302
    assert IssuerKey.objects.count() == 2
    assert IssuerKey.objects.filter(retired_at__isnull=True).count() == 1


def test_the_pdf_is_made_in_arabic_too(issue, learner):
    from learningcity.credentials import printing

    credential = issue(learner)
    html = printing.credential_html(credential, "ar")
    assert 'dir="rtl"' in html and "data:image/svg+xml" in html
    assert printing.credential_pdf(credential, "ar").startswith(b"%PDF-")
