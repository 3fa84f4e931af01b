"""Verifying a credential in Python, with the reason when it is not valid: the
signature (eddsa-rdfc-2022 over bundled contexts), the issuer, the dates, the status
list (only ours: no network look-up) and the Open Badges 3.0 schema."""

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from pyld import jsonld

from .models import IssuerKey, StatusList
from .vc import checks, dataintegrity, statuslist

VALID = "valid"
REVOKED = "revoked"
EXPIRED = "expired"
NOT_YET_VALID = "not_yet_valid"
TAMPERED = "tampered"
INVALID = "invalid"

MAX_BYTES = 512 * 1024
_STATUS_URL = re.compile(r"/credentials/status/([0-9a-f-]{36})$")


@dataclass
class Verdict:
    outcome: str
    reasons: list[str] = field(default_factory=list)
    credential: dict[str, Any] | None = None
    issuer_did: str = ""
    issuer_name: str = ""
    known_issuer: bool = False
    achievement_name: str = ""
    holder_name: str = ""
    valid_from: datetime | None = None
    valid_until: datetime | None = None

    @property
    def is_valid(self) -> bool:
        return self.outcome == VALID


def read_credential(data: bytes | str) -> dict[str, Any] | Verdict:
    """The credential in an uploaded file or pasted text, or a verdict saying why
    it cannot be read."""
    if len(data) > MAX_BYTES:
        return Verdict(INVALID, [_("The file is larger than 512 KB: it is not a credential.")])
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return Verdict(INVALID, [_("The file is not JSON: a credential is a JSON file.")])
    if not isinstance(document, dict):
        return Verdict(INVALID, [_("The file holds no credential.")])
    return document


# What JSON-LD processing of a hostile document may raise besides its own error.
_UNREADABLE = (jsonld.JsonLdError, TypeError, ValueError, KeyError, AttributeError, RecursionError)


def verify_credential(document: dict[str, Any], *, now: datetime | None = None) -> Verdict:
    """The verdict on ``document`` with its reasons; never raises for a bad document."""
    try:
        return _verify(document, now or timezone.now())
    except _UNREADABLE:
        verdict = Verdict(INVALID, credential=document)
        verdict.reasons.append(_("The credential cannot be read."))
        return verdict


def _verify(document: dict[str, Any], now: datetime) -> Verdict:
    verdict = Verdict(INVALID, credential=document)
    types = document.get("type")
    if not isinstance(types, list) or "VerifiableCredential" not in types:
        verdict.reasons.append(_("This is not a verifiable credential."))
        return verdict
    _describe(document, verdict)
    try:
        method = dataintegrity.verify(document)
    except dataintegrity.ProofError as error:
        verdict.outcome = TAMPERED if error.code == "tampered" else INVALID
        verdict.reasons.append(_proof_reason(error.code))
        return verdict
    try:
        dropped = checks.undefined_terms(document)
    except _UNREADABLE:
        dropped = ["/"]
    if dropped:
        verdict.outcome = TAMPERED
        verdict.reasons.append(
            _("The credential carries fields the signature does not cover: %(fields)s.")
            % {"fields": ", ".join(dropped[:5])}
        )
        return verdict
    if method.partition("#")[0] != verdict.issuer_did:
        verdict.reasons.append(_("The credential was signed by someone other than its issuer."))
        return verdict
    verdict.known_issuer = IssuerKey.objects.filter(did=verdict.issuer_did).exists()
    problems = checks.schema_errors(document)
    if problems:
        verdict.reasons.append(
            _("The credential does not follow the Open Badges 3.0 schema: %(problem)s")
            % {"problem": problems[0]}
        )
        return verdict
    if verdict.valid_from and verdict.valid_from > now:
        verdict.outcome = NOT_YET_VALID
        verdict.reasons.append(_("The credential is not valid yet."))
        return verdict
    revoked = _revocation(document, verdict)
    if revoked is None:
        return verdict
    if revoked:
        verdict.outcome = REVOKED
        verdict.reasons.append(_("The issuer has revoked this credential."))
        return verdict
    if verdict.valid_until and verdict.valid_until <= now:
        verdict.outcome = EXPIRED
        verdict.reasons.append(_("The credential has expired."))
        return verdict
    verdict.outcome = VALID
    return verdict


def _describe(document: dict[str, Any], verdict: Verdict) -> None:
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        verdict.issuer_did = str(issuer.get("id", ""))
        verdict.issuer_name = str(issuer.get("name", ""))
    elif isinstance(issuer, str):
        verdict.issuer_did = issuer
    subject = document.get("credentialSubject")
    if isinstance(subject, dict):
        achievement = subject.get("achievement")
        if isinstance(achievement, dict):
            verdict.achievement_name = str(achievement.get("name", ""))
        for identity in subject.get("identifier") or []:
            if isinstance(identity, dict) and identity.get("identityType") == "name":
                verdict.holder_name = str(identity.get("identityHash", ""))
    verdict.valid_from = checks.parse_stamp(document.get("validFrom"))
    verdict.valid_until = checks.parse_stamp(document.get("validUntil"))


def _proof_reason(code: str) -> str:
    return {
        "tampered": _(
            "The signature does not match: the credential was changed after it was issued."
        ),
        "no_proof": _("The credential is not signed."),
        "unsupported_proof": _("The credential is signed in a way this page does not check."),
        "unknown_context": _("The credential uses a vocabulary (JSON-LD context) we do not know."),
        "wrong_purpose": _("The signature was not made to assert a credential."),
    }.get(code, _("The signature cannot be read."))


def _revocation(document: dict[str, Any], verdict: Verdict) -> bool | None:
    """True when revoked, False when not, None (with a reason) when it cannot be
    told."""
    entry = document.get("credentialStatus")
    if entry is None:
        return False
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        verdict.reasons.append(_("The credential's status cannot be read."))
        return None
    match = _STATUS_URL.search(str(entry.get("statusListCredential", "")))
    status_list = (
        StatusList.objects.select_related("issuer_key").filter(public_id=match.group(1)).first()
        if match
        else None
    )
    if status_list is None:
        verdict.reasons.append(
            _(
                "The credential's status list is not published by this platform, so its "
                "status cannot be checked here."
            )
        )
        return None
    listed = status_list.document
    if (
        listed.get("issuer") != verdict.issuer_did
    ) or status_list.issuer_key.did != verdict.issuer_did:
        verdict.reasons.append(_("The status list was not issued by the credential's issuer."))
        return None
    try:
        dataintegrity.verify(listed)
        index = int(str(entry.get("statusListIndex")))
        return statuslist.get_bit(
            statuslist.decode(listed["credentialSubject"]["encodedList"]), index
        )
    except (dataintegrity.ProofError, ValueError, KeyError, IndexError, OSError):
        verdict.reasons.append(_("The credential's status cannot be read."))
        return None
