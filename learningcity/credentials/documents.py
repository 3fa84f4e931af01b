"""What a credential and a status list say, as JSON-LD documents (unsigned)."""

import hashlib
import secrets
from datetime import datetime
from typing import Any

from django.urls import reverse

from learningcity.core.http import absolute_url

from .models import Achievement, IssuerKey, StatusList
from .vc import statuslist
from .vc.contexts import OB_V3, VC_V2
from .vc.dataintegrity import now_stamp


def status_list_url(status_list: StatusList) -> str:
    return absolute_url(
        reverse("credentials_public:status_list", kwargs={"public_id": status_list.public_id})
    )


def achievement_url(achievement: Achievement) -> str:
    return absolute_url(
        reverse("credentials_public:achievement", kwargs={"public_id": achievement.public_id})
    )


def status_list_document(
    status_list: StatusList, bits: bytes | bytearray, when: datetime
) -> dict[str, Any]:
    url = status_list_url(status_list)
    return {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": status_list.issuer_key.did,
        "validFrom": now_stamp(when),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": statuslist.encode(bits),
        },
    }


def identity_of(email: str, name: str | None) -> list[dict[str, Any]]:
    """The holder as OB 3.0 identity objects: a salted SHA-256 hash of the e-mail
    address always (the holder can prove it; nobody can read it), the name only when
    the person agreed to show it."""
    salt = secrets.token_hex(8)
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
    identities: list[dict[str, Any]] = [
        {
            "type": "IdentityObject",
            "hashed": True,
            "identityHash": f"sha256${digest}",
            "identityType": "emailAddress",
            "salt": salt,
        }
    ]
    if name:
        identities.append(
            {
                "type": "IdentityObject",
                "hashed": False,
                "identityHash": name,
                "identityType": "name",
            }
        )
    return identities


def credential_document(
    *,
    credential_id: str,
    achievement: Achievement,
    issuer_key: IssuerKey,
    status_list: StatusList,
    index: int,
    email: str,
    name: str | None,
    issued_at: datetime,
    valid_until: datetime | None,
) -> dict[str, Any]:
    provider = achievement.provider
    issuer: dict[str, Any] = {"id": issuer_key.did, "type": ["Profile"], "name": provider.name}
    if provider.website:
        issuer["url"] = provider.website
    described: dict[str, Any] = {
        "id": achievement_url(achievement),
        "type": ["Achievement"],
        "achievementType": "Certificate" if achievement.qualification_id else "Competency",
        "name": achievement.name,
        "description": achievement.description,
        "criteria": {"narrative": achievement.criteria},
    }
    unit = achievement.unit
    qualification = achievement.qualification or (unit.qualification if unit else None)
    if unit is not None:
        described["humanCode"] = unit.code
        if unit.credit:
            described["creditsAvailable"] = float(unit.credit)
    if qualification is not None:
        described["fieldOfStudy"] = qualification.isced_field
    list_url = status_list_url(status_list)
    document: dict[str, Any] = {
        "@context": [VC_V2, OB_V3],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement.name,
        "issuer": issuer,
        "validFrom": now_stamp(issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": identity_of(email, name),
            "achievement": described,
        },
        "credentialStatus": {
            "id": f"{list_url}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": list_url,
        },
    }
    if valid_until is not None:
        document["validUntil"] = now_stamp(valid_until)
    return document
