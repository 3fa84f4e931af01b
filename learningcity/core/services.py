"""Every write in core goes through one of these functions (``verb_noun``)."""

import json
from typing import Any

from django.db import transaction

from .audit import record_event
from .models import AuditEvent, City, District, Role, RoleGrant, User

# Apps add their own personal-data sections (enrolments, ...) to exports and erasure.
PERSONAL_DATA_EXPORTERS: list[Any] = []
PERSONAL_DATA_ERASERS: list[Any] = []


def register_personal_data(exporter: Any, eraser: Any) -> None:
    """Called by each app's ``ready()`` so that export and erasure cover all its data."""
    PERSONAL_DATA_EXPORTERS.append(exporter)
    PERSONAL_DATA_ERASERS.append(eraser)


@transaction.atomic
def register_resident(
    *, email: str, password: str, display_name: str = "", language: str = ""
) -> User:
    user = User.objects.create_user(
        email=email, password=password, display_name=display_name, preferred_language=language
    )
    record_event(user, "account.created", target=str(user.public_id))
    return user


@transaction.atomic
def grant_role(*, granted_by: User | None, user: User, role: str, city: City | None) -> RoleGrant:
    grant, _created = RoleGrant.objects.get_or_create(user=user, role=Role(role), city=city)
    record_event(granted_by, "role.granted", city=city, target=str(user.public_id), role=role)
    return grant


@transaction.atomic
def update_district(*, actor: User, district: District, changes: dict[str, Any]) -> District:
    for field, value in changes.items():
        setattr(district, field, value)
    district.full_clean()
    district.save(update_fields=list(changes))
    record_event(
        actor,
        "district.updated",
        city=district.city,
        target=district.slug,
        fields=sorted(changes),
    )
    return district


@transaction.atomic
def update_city_description(
    *, actor: User, city: City, description: str, translations: dict[str, dict[str, str]]
) -> City:
    """The city's description and its wording per language (missing ones fall back
    to ``description``)."""
    city.description = description
    city.translations = {**(city.translations or {}), **translations}
    for code in list(city.translations):
        if code not in translations:
            wording = dict(city.translations[code])
            wording.pop("description", None)
            if wording:
                city.translations[code] = wording
            else:
                del city.translations[code]
    city.full_clean()
    city.save(update_fields=["description", "translations"])
    record_event(
        actor,
        "city.description_updated",
        city=city,
        target=city.slug,
        languages=sorted(translations),
    )
    return city


def export_personal_data(user: User) -> str:
    """Everything we hold about ``user``, as JSON they can download."""
    data: dict[str, Any] = {
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "preferred_language": user.preferred_language,
            "home_city": user.home_city.slug if user.home_city else None,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "roles": [
            {"role": grant.role, "city": grant.city.slug if grant.city else None}
            for grant in user.role_grants.select_related("city")
        ],
    }
    for exporter in PERSONAL_DATA_EXPORTERS:
        data.update(exporter(user))
    record_event(user, "account.exported", target=str(user.public_id))
    return json.dumps(data, indent=2, ensure_ascii=False)


@transaction.atomic
def erase_account(user: User) -> None:
    """Delete the person and everything personal; the audit trail keeps only an
    anonymous line that an erasure happened."""
    for eraser in PERSONAL_DATA_ERASERS:
        eraser(user)
    AuditEvent.objects.filter(actor=user).update(actor=None)
    record_event(None, "account.erased")
    user.delete()
