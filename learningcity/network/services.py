"""Writes of the network app. Views, the importer, the CLI and the demo call these;
each validates, runs in one transaction and records an audit event."""

import io
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcity.core.audit import record_event
from learningcity.core.models import City, User

from .models import (
    CityProfile,
    Cluster,
    ClusterMembership,
    MembershipChange,
    Practice,
    PracticeImage,
    PracticeRevision,
)
from .practice_fields import BY_NAME, FIELD_NAMES, TRANSLATABLE, normalised
from .vocabulary import (
    PRACTICE_LANGUAGE_CODES,
    SDG_CODES,
    THEME_CODES,
    MembershipStatus,
    PracticeStatus,
)

# City fields a profile form may change (the City keeps them: one truth).
CITY_FIELDS = ("population", "area_km2")


# -- member profiles -----------------------------------------------------------------


def ensure_profile(city: City) -> CityProfile:
    profile, _created = CityProfile.objects.get_or_create(city=city)
    return profile


@transaction.atomic
def update_city_profile(*, actor: User | None, city: City, changes: dict[str, Any]) -> CityProfile:
    """Change a profile's fields (and the City's population and area)."""
    profile = ensure_profile(city)
    changed = []
    for name, value in changes.items():
        target: Any = city if name in CITY_FIELDS else profile
        if getattr(target, name) != value:
            setattr(target, name, value)
            changed.append(name)
    city.full_clean()
    profile.full_clean()
    city.save()
    profile.save()
    record_event(actor, "network.profile_updated", city=city, target=city.slug, fields=changed)
    return profile


@transaction.atomic
def change_membership_status(
    *,
    actor: User | None,
    city: City,
    status: str,
    effective_on: date | None = None,
    note: str = "",
) -> CityProfile:
    """Move a city to ``status`` from ``effective_on`` and keep the step in its history."""
    if status not in MembershipStatus.values:
        raise ValidationError({"status": _("Choose a membership status from the list.")})
    effective_on = effective_on or timezone.localdate()
    profile = CityProfile.objects.select_for_update().get(pk=ensure_profile(city).pk)
    previous = profile.status
    has_history = MembershipChange.objects.filter(city=city).exists()
    if previous == status and has_history:
        raise ValidationError({"status": _("The city already has this status.")})
    profile.status = status
    profile.status_since = effective_on
    if status == MembershipStatus.MEMBER and profile.joined_on is None:
        profile.joined_on = effective_on
    profile.save()
    MembershipChange.objects.create(
        city=city,
        status_from=previous if has_history else "",
        status_to=status,
        effective_on=effective_on,
        note=note[:1000],
        actor=actor if actor is not None and actor.is_authenticated else None,
    )
    if status == MembershipStatus.MEMBER and city.member_since is None:
        city.member_since = effective_on.year
        city.save(update_fields=["member_since"])
    record_event(actor, "network.status_changed", city=city, target=city.slug, status=status)
    return profile


@transaction.atomic
def set_cluster_membership(
    *, actor: User | None, cluster: Cluster, city: City, member: bool
) -> None:
    if member:
        ClusterMembership.objects.get_or_create(cluster=cluster, city=city)
    else:
        ClusterMembership.objects.filter(cluster=cluster, city=city).delete()
    record_event(
        actor,
        "network.cluster_joined" if member else "network.cluster_left",
        city=city,
        target=cluster.slug,
    )


# -- good practices ------------------------------------------------------------------


def check_practice_data(data: dict[str, Any]) -> dict[str, str]:
    """Problems with a practice's wording, by field (the forms check the same)."""
    errors: dict[str, str] = {}
    for name in FIELD_NAMES:
        field = BY_NAME[name]
        value = data.get(name)
        if field.kind == "multi":
            allowed = THEME_CODES if name == "themes" else SDG_CODES
            if not isinstance(value, list) or any(item not in allowed for item in value):
                errors[name] = _("Choose from the list.")
            elif field.required and not value:
                errors[name] = _("Choose at least one.")
            continue
        text = str(value or "")
        if "\x00" in text:
            errors[name] = _("This text contains an invisible NUL character.")
        elif field.required and not text.strip():
            errors[name] = _("This field is required.")
        elif field.max_length and len(text) > field.max_length:
            errors[name] = _("At most %(count)s characters.") % {"count": field.max_length}
        elif name == "language" and text not in PRACTICE_LANGUAGE_CODES:
            errors[name] = _("Choose a language from the list.")
    return errors


def _checked(data: dict[str, Any]) -> dict[str, Any]:
    clean = normalised({name: data.get(name) for name in [*FIELD_NAMES, "translations"]})
    errors = check_practice_data(clean)
    if errors:
        raise ValidationError(errors)
    return clean


def _add_revision(
    practice: Practice, data: dict[str, Any], actor: User | None, note: str
) -> PracticeRevision:
    last = practice.revisions.aggregate(last=Max("number"))["last"] or 0
    revision = PracticeRevision.objects.create(
        practice=practice,
        number=last + 1,
        data=data,
        note=note[:300],
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    practice.current_revision = revision
    return revision


@transaction.atomic
def create_practice(
    *, actor: User | None, city: City, data: dict[str, Any], note: str = ""
) -> Practice:
    clean = _checked(data)
    practice = Practice.objects.create(
        city=city,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        status=PracticeStatus.DRAFT,
    )
    _add_revision(practice, clean, actor, note)
    practice.save(update_fields=["current_revision"])
    record_event(actor, "practice.created", city=city, target=str(practice.public_id))
    return practice


@transaction.atomic
def update_practice(
    *, actor: User | None, practice: Practice, data: dict[str, Any], note: str = ""
) -> PracticeRevision:
    """Save a new revision. What readers see (a published revision) stays until the
    new revision is reviewed and published."""
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    current = practice.current_revision
    clean = _checked({**(current.data if current else {}), **data})
    if current is not None and normalised(current.data) == clean:
        return current  # nothing changed: no empty revision
    revision = _add_revision(practice, clean, actor, note)
    practice.status = PracticeStatus.DRAFT
    practice.save(update_fields=["current_revision", "status"])
    record_event(
        actor,
        "practice.updated",
        city=practice.city,
        target=str(practice.public_id),
        revision=revision.number,
    )
    return revision


def save_practice_translation(
    *, actor: User | None, practice: Practice, language: str, wording: dict[str, str]
) -> PracticeRevision:
    """A translation is part of the wording: a new revision, reviewed like any other."""
    if language not in PRACTICE_LANGUAGE_CODES:
        raise ValidationError({"language": _("Choose a language from the list.")})
    current = practice.current_revision
    data = normalised(current.data if current else {})
    if language == data["language"]:
        raise ValidationError(
            {"language": _("The practice is written in this language; edit it instead.")}
        )
    translations = dict(data.get("translations") or {})
    entry = {name: str(wording.get(name, "")).strip() for name in TRANSLATABLE}
    for name, text in entry.items():
        limit = BY_NAME[name].max_length
        if "\x00" in text:
            raise ValidationError({name: _("This text contains an invisible NUL character.")})
        if limit and len(text) > limit:
            raise ValidationError({name: _("At most %(count)s characters.") % {"count": limit}})
    if not entry["title"]:
        raise ValidationError({"title": _("A translation needs at least its title.")})
    translations[language] = {name: text for name, text in entry.items() if text}
    return update_practice(
        actor=actor,
        practice=practice,
        data={"translations": translations},
        note=_("Translation: %(language)s") % {"language": language},
    )


@transaction.atomic
def submit_practice(*, actor: User | None, practice: Practice) -> Practice:
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    if practice.status not in (PracticeStatus.DRAFT, PracticeStatus.RETURNED):
        raise ValidationError(_("Only a draft or a returned practice can be submitted."))
    practice.status = PracticeStatus.SUBMITTED
    practice.save(update_fields=["status"])
    record_event(actor, "practice.submitted", city=practice.city, target=str(practice.public_id))
    return practice


class Decision:
    PUBLISH = "publish"
    RETURN = "return"


@transaction.atomic
def review_practice(
    *,
    actor: User | None,
    practice: Practice,
    decision: str,
    comment: str = "",
    recompute: bool = True,
) -> Practice:
    """Publish the submitted revision, or return it to the city with a comment.
    ``recompute=False`` (bulk loads) leaves the similar practices to the caller."""
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    if practice.status != PracticeStatus.SUBMITTED or practice.current_revision is None:
        raise ValidationError(_("This practice is not waiting for review."))
    if "\x00" in comment:
        raise ValidationError({"comment": _("This text contains an invisible NUL character.")})
    if decision == Decision.RETURN:
        if not comment.strip():
            raise ValidationError({"comment": _("Say what the city should change.")})
        practice.status = PracticeStatus.RETURNED
        practice.review_comment = comment[:2000]
        practice.save(update_fields=["status", "review_comment"])
        record_event(actor, "practice.returned", city=practice.city, target=str(practice.public_id))
        return practice
    if decision != Decision.PUBLISH:
        raise ValidationError({"decision": _("Choose to publish or to return.")})
    _publish(practice, practice.current_revision)
    practice.review_comment = comment[:2000]
    practice.save()
    record_event(actor, "practice.published", city=practice.city, target=str(practice.public_id))
    if recompute:
        _after_commit_recompute_similar()
    return practice


def _publish(practice: Practice, revision: PracticeRevision) -> None:
    data = normalised(revision.data)
    practice.status = PracticeStatus.PUBLISHED
    practice.published_revision = revision
    practice.title = data["title"]
    practice.summary = data["summary"]
    practice.language = data["language"]
    practice.themes = list(data["themes"])
    practice.sdgs = list(data["sdgs"])
    now = timezone.now()
    practice.published_at = practice.published_at or now
    practice.index_stamp = now


@transaction.atomic
def withdraw_practice(*, actor: User | None, practice: Practice, reason: str = "") -> Practice:
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    practice.status = PracticeStatus.WITHDRAWN
    practice.published_at = None
    practice.index_stamp = timezone.now()
    practice.save(update_fields=["status", "published_at", "index_stamp"])
    record_event(
        actor,
        "practice.withdrawn",
        city=practice.city,
        target=str(practice.public_id),
        reason=reason[:300],
    )
    _after_commit_recompute_similar()
    return practice


def _after_commit_recompute_similar() -> None:
    """Once committed: recompute the neighbours, and fold the change into this
    machine's library index files (searches see it at once through the delta)."""
    import socket

    from .tasks import build_library_index, recompute_similar

    transaction.on_commit(recompute_similar)
    transaction.on_commit(lambda: build_library_index(socket.gethostname()))


# -- images --------------------------------------------------------------------------

MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
IMAGE_SIDE = 1600
IMAGES_PER_PRACTICE = 8
ACCEPTED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def reencode_image(data: bytes) -> tuple[bytes, int, int]:
    """The picture re-encoded as a JPEG at most ``IMAGE_SIDE`` pixels a side, with
    nothing of the original file kept (metadata, extra frames, hidden payloads). The
    format is read from the content, never from the name."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationError({"image": _("The picture is too large: at most 8 MB.")})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_IMAGE_FORMATS:
                raise ValidationError(
                    {"image": _("This is not a picture we can use: send a JPEG, PNG or WebP.")}
                )
            width, height = probe.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ValidationError({"image": _("The picture has too many pixels.")})
            probe.seek(0)
            picture = ImageOps.exif_transpose(probe).convert("RGB")
            picture.thumbnail((IMAGE_SIDE, IMAGE_SIDE))
            out = io.BytesIO()
            picture.save(out, format="JPEG", quality=82, optimize=True)
            return out.getvalue(), picture.width, picture.height
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            {"image": _("This is not a picture we can use: send a JPEG, PNG or WebP.")}
        ) from None


@transaction.atomic
def add_practice_image(
    *, actor: User | None, practice: Practice, data: bytes, alt_text: str
) -> PracticeImage:
    alt_text = alt_text.strip()
    if not alt_text or "\x00" in alt_text:
        raise ValidationError({"alt_text": _("Describe the picture for people who cannot see it.")})
    if len(alt_text) > 300:
        raise ValidationError({"alt_text": _("At most %(count)s characters.") % {"count": 300}})
    if practice.images.count() >= IMAGES_PER_PRACTICE:
        raise ValidationError(
            {"image": _("A practice has at most %(count)s pictures.") % {"count": 8}}
        )
    content, width, height = reencode_image(data)
    image = PracticeImage(
        practice=practice,
        alt_text=alt_text,
        width=width,
        height=height,
        position=practice.images.count(),
    )
    image.file.save("picture.jpg", ContentFile(content), save=False)
    image.save()
    record_event(actor, "practice.image_added", city=practice.city, target=str(practice.public_id))
    return image


@transaction.atomic
def remove_practice_image(*, actor: User | None, image: PracticeImage) -> None:
    practice = image.practice
    name = str(image.file.name)
    image.delete()
    transaction.on_commit(lambda: image.file.storage.delete(name))
    record_event(
        actor, "practice.image_removed", city=practice.city, target=str(practice.public_id)
    )


# -- personal data -------------------------------------------------------------------


def export_network_data_of(user: User) -> dict[str, Any]:
    written = PracticeRevision.objects.filter(created_by=user).select_related("practice__city")
    return {
        "network_practice_revisions": [
            {
                "city": revision.practice.city.slug,
                "practice": str(revision.practice.public_id),
                "revision": revision.number,
                "title": revision.title,
                "created_at": revision.created_at.isoformat(),
            }
            for revision in written
        ],
        "network_membership_changes": list(
            MembershipChange.objects.filter(actor=user).values(
                "city__slug", "status_to", "effective_on"
            )
        ),
    }


def erase_network_data_of(user: User) -> None:
    """Practices belong to their city: they stay, without the person's name."""
    with transaction.atomic():
        Practice.objects.filter(created_by=user).update(created_by=None)
        PracticeRevision.objects.filter(created_by=user).update(created_by=None)
        MembershipChange.objects.filter(actor=user).update(actor=None)
