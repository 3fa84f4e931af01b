"""Interoperability: every credential the tests issue, valid, revoked, expired and
tampered, is checked by @digitalcredentials/verifier-core (the verifier of the
Digital Credentials Consortium's wallet) under Node, installed from the pinned
lockfile in tests/credentials/verifier. The script answers the status lists and the
Open Badges schema itself (it replaces ``fetch``): nothing is looked up on the network
while verifying."""

import copy
import json
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from learningcity.credentials.models import StatusList
from learningcity.credentials.services import revoke_credential, rotate_issuer_key
from learningcity.credentials.vc.contexts import OB_SCHEMA, achievement_schema
from tests.conftest import make_user
from tests.credentials.conftest import attend

VERIFIER = Path(__file__).parent / "verifier"


@pytest.fixture(scope="session")
def node_verifier():
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip(
            "node and npm are needed for the independent verifier (apt-get install nodejs npm)"
        )
    installed = VERIFIER / "node_modules" / "@digitalcredentials" / "verifier-core" / "package.json"
    marker = VERIFIER / "node_modules" / ".package-lock.json"
    lock = VERIFIER / "package-lock.json"
    if (
        not installed.exists()
        or not marker.exists()
        or marker.stat().st_mtime < lock.stat().st_mtime
    ):
        result = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
            cwd=VERIFIER,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            pytest.fail(f"npm ci failed in {VERIFIER}:\n{result.stderr[-2000:]}")

    def run(credentials: dict[str, dict]) -> dict[str, dict]:
        lists = {listed.document["id"]: listed.document for listed in StatusList.objects.all()}
        payload = {
            "statusLists": lists,
            "schema": {OB_SCHEMA: achievement_schema()},
            "credentials": credentials,
        }
        result = subprocess.run(
            ["node", "verify.mjs"],
            cwd=VERIFIER,
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    return run


def _accepted(result: dict) -> bool:
    steps = result["steps"]
    return (
        not result["errors"]
        and steps.get("valid_signature") is True
        and steps.get("expiration") is True
        and steps.get("revocation_status") is True
    )


@pytest.mark.django_db
def test_the_independent_verifier_accepts_valid_and_rejects_revoked_expired_and_tampered(
    node_verifier, issue, learner, badge, course, provider, staff
):
    valid = issue(learner)
    revoked_person = make_user("revoked@example.org")
    attend(revoked_person, course, 4)
    revoked = issue(revoked_person)
    revoke_credential(actor=staff, credential=revoked, reason="Assessment annulled")

    # A credential of the provider's next key, and one that expires.
    rotate_issuer_key(actor=staff, provider=provider)
    rotated_person = make_user("rotated@example.org", display_name="Rania")
    attend(rotated_person, course, 4)
    from learningcity.credentials.models import HolderChoice

    HolderChoice.objects.create(user=rotated_person, show_name=True, group="migrant")
    after_rotation = issue(rotated_person)
    badge.valid_months = 1
    badge.save()
    short_person = make_user("short@example.org")
    attend(short_person, course, 4)
    short = issue(short_person)
    expired = copy.deepcopy(short.document)  # re-signed below with a past validity

    tampered_name = copy.deepcopy(valid.document)
    tampered_name["credentialSubject"]["achievement"]["name"] = "Registered nurse"
    tampered_issuer = copy.deepcopy(valid.document)
    tampered_issuer["issuer"]["name"] = "Ministry of Health"
    tampered_status = copy.deepcopy(revoked.document)
    tampered_status["credentialStatus"]["statusListIndex"] = str(valid.status_index)
    tampered_status["credentialStatus"]["id"] = (
        tampered_status["credentialStatus"]["statusListCredential"] + f"#{valid.status_index}"
    )

    from learningcity.credentials import keystore
    from learningcity.credentials.vc import dataintegrity, didkey

    key = short.issuer_key
    expired.pop("proof")
    expired["validFrom"] = "2020-01-01T00:00:00Z"
    expired["validUntil"] = dataintegrity.now_stamp(timezone.now() - timedelta(days=1))
    expired = dataintegrity.sign(
        expired,
        keystore.open_private_key(key.private_key_encrypted),
        didkey.verification_method_for(key.did),
    )

    results = node_verifier(
        {
            "valid": valid.document,
            "after_rotation": after_rotation.document,
            "short": short.document,
            "revoked": revoked.document,
            "expired": expired,
            "tampered_name": tampered_name,
            "tampered_issuer": tampered_issuer,
            "tampered_status": tampered_status,
        }
    )

    for name in ("valid", "after_rotation", "short"):
        assert _accepted(results[name]), (name, results[name])
        # verifier-core does not check who issued the status list: we do.
        assert results[name]["statusListIssuer"] == results[name]["credentialIssuer"]
        schema_checks = results[name]["schema"][0]["results"]
        assert schema_checks[0]["result"]["valid"] is True, schema_checks

    assert results["revoked"]["steps"] == {
        "valid_signature": True,
        "revocation_status": False,
        "expiration": True,
        "registered_issuer": False,
    }
    assert results["revoked"]["statusListIssuer"] == results["revoked"]["credentialIssuer"]
    assert results["expired"]["steps"]["valid_signature"] is True
    assert results["expired"]["steps"]["expiration"] is False
    for name in ("tampered_name", "tampered_issuer", "tampered_status"):
        assert [error["name"] for error in results[name]["errors"]] == ["invalid_signature"], (
            name,
            results[name],
        )

    # Our own verifier agrees on every one of them.
    from learningcity.credentials import verification as ours

    assert ours.verify_credential(valid.document).outcome == ours.VALID
    assert ours.verify_credential(after_rotation.document).holder_name == "Rania"
    assert ours.verify_credential(revoked.document).outcome == ours.REVOKED
    assert ours.verify_credential(expired).outcome == ours.EXPIRED
    for document in (tampered_name, tampered_issuer, tampered_status):
        assert ours.verify_credential(document).outcome == ours.TAMPERED
