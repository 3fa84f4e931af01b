"""The standards alone and through issuing: signatures, status, dates, keys."""

import copy
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from learningcity.credentials import keystore, verification
from learningcity.credentials.models import IssuerKey
from learningcity.credentials.services import revoke_credential, rotate_issuer_key
from learningcity.credentials.vc import checks, dataintegrity, multibase, statuslist


def test_base58_and_base64url_round_trip():
    for data in (b"", b"\0\0abc", bytes(range(256))):
        assert multibase.decode_base58btc(multibase.encode_base58btc(data)) == data
        assert multibase.decode_base64url(multibase.encode_base64url(data)) == data


def test_the_status_list_sets_the_leftmost_bit_first():
    bits = statuslist.empty()
    assert len(bits) * 8 == 131_072
    statuslist.set_bit(bits, 0)
    statuslist.set_bit(bits, 9)
    assert bits[0] == 0x80 and bits[1] == 0x40
    decoded = statuslist.decode(statuslist.encode(bits))
    assert statuslist.get_bit(decoded, 9) and not statuslist.get_bit(decoded, 8)


@pytest.mark.django_db
def test_an_issued_credential_verifies_and_follows_the_open_badges_schema(issue, learner):
    credential = issue(learner)
    document = credential.document
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["id"] == f"urn:uuid:{credential.public_id}"
    assert document["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert document["issuer"]["id"].startswith("did:key:z6Mk")
    assert checks.schema_errors(document) == []
    assert checks.undefined_terms(document) == []
    verdict = verification.verify_credential(document)
    assert verdict.outcome == verification.VALID, verdict.reasons
    assert verdict.known_issuer and verdict.issuer_name == "Migrant College"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.__setitem__("name", "Doctor of Medicine"),
        lambda d: d["credentialSubject"]["achievement"].__setitem__("name", "Other"),
        lambda d: d.__setitem__("validFrom", "2001-01-01T00:00:00Z"),
        lambda d: d["credentialSubject"]["identifier"][0].__setitem__("salt", "0"),
    ],
)
def test_any_change_after_issue_is_reported_as_tampered(issue, learner, change):
    document = copy.deepcopy(issue(learner).document)
    change(document)
    verdict = verification.verify_credential(document)
    assert verdict.outcome == verification.TAMPERED
    assert "changed" in verdict.reasons[0]


@pytest.mark.django_db
def test_a_field_no_context_defines_is_reported_even_though_the_signature_holds(issue, learner):
    document = copy.deepcopy(issue(learner).document)
    document["credentialSubject"]["grade"] = "A+"
    dataintegrity.verify(document)  # the canonical form drops it: the signature holds
    verdict = verification.verify_credential(document)
    assert verdict.outcome == verification.TAMPERED
    assert "/credentialSubject/grade" in verdict.reasons[0]


@pytest.mark.django_db
def test_an_unknown_context_is_refused_without_looking_it_up(issue, learner):
    document = copy.deepcopy(issue(learner).document)
    document["@context"].append("https://evil.example.org/context.json")
    verdict = verification.verify_credential(document)
    assert verdict.outcome == verification.INVALID
    assert "context" in verdict.reasons[0]


@pytest.mark.django_db
def test_a_revoked_credential_says_so(issue, learner, staff):
    credential = issue(learner)
    revoke_credential(actor=staff, credential=credential, reason="Issued by mistake")
    verdict = verification.verify_credential(credential.document)
    assert verdict.outcome == verification.REVOKED


@pytest.mark.django_db
def test_an_expired_credential_says_so(issue, learner, badge):
    badge.valid_months = 12
    badge.save()
    credential = issue(learner)
    assert credential.document["validUntil"]
    later = timezone.now() + timedelta(days=400)
    verdict = verification.verify_credential(credential.document, now=later)
    assert verdict.outcome == verification.EXPIRED
    assert verification.verify_credential(
        credential.document, now=timezone.now() + timedelta(days=300)
    ).is_valid


@pytest.mark.django_db
def test_a_status_list_signed_by_another_issuer_is_not_trusted(issue, learner, provider):
    credential = issue(learner)
    status_list = credential.status_list
    other = rotate_issuer_key(actor=None, provider=provider)
    forged = copy.deepcopy(status_list.document)
    forged["issuer"] = other.did
    status_list.document = forged
    status_list.save()
    verdict = verification.verify_credential(credential.document)
    assert verdict.outcome == verification.INVALID
    assert "status list" in verdict.reasons[0]


@pytest.mark.django_db
def test_private_keys_are_never_stored_in_clear(issue, learner, settings):
    issue(learner)
    key = IssuerKey.objects.get()
    private = keystore.open_private_key(key.private_key_encrypted)
    from cryptography.hazmat.primitives import serialization

    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    assert raw.hex() not in key.private_key_encrypted
    assert multibase.b58encode(raw) not in key.private_key_encrypted
    settings.CREDENTIALS_KEY_SECRET = "another installation's secret"
    with pytest.raises(keystore.KeyUnavailable):
        keystore.open_private_key(key.private_key_encrypted)


@pytest.mark.django_db
def test_rotation_signs_new_credentials_with_the_new_key_and_old_ones_stay_valid(
    issue, learner, dropout, provider, course, staff
):
    from tests.credentials.conftest import attend

    old = issue(learner)
    new_key = rotate_issuer_key(actor=staff, provider=provider)
    attend(dropout, course, 4)
    new = issue(dropout)
    assert new.document["issuer"]["id"] == new_key.did != old.document["issuer"]["id"]
    assert verification.verify_credential(old.document).is_valid
    assert verification.verify_credential(new.document).is_valid
    revoke_credential(actor=staff, credential=old, reason="Replaced")
    assert verification.verify_credential(old.document).outcome == verification.REVOKED
    assert IssuerKey.objects.filter(retired_at__isnull=True).count() == 1


def test_reading_a_file_that_is_not_json_gives_a_reason():
    assert isinstance(verification.read_credential(b"\x89PNG..."), verification.Verdict)
    assert isinstance(verification.read_credential(json.dumps([1, 2])), verification.Verdict)
    assert isinstance(verification.read_credential(b"{" * 600_000), verification.Verdict)


@pytest.mark.django_db
def test_the_command_line_verifies_files_and_rotates_keys(issue, learner, provider, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    good = tmp_path / "good.json"
    good.write_text(json.dumps(issue(learner).document))
    out = StringIO()
    call_command("credentials", "verify", str(good), stdout=out)
    assert out.getvalue().strip().endswith("valid")
    bad = tmp_path / "bad.json"
    bad.write_text("not json")
    with pytest.raises(CommandError, match="1 of 2"):
        call_command("credentials", "verify", str(good), str(bad), stdout=StringIO())
    call_command(
        "credentials",
        "rotate-key",
        "--city",
        provider.city.slug,
        "--provider",
        provider.slug,
        stdout=out,
    )
    assert IssuerKey.objects.count() == 2
