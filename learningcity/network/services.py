"""Writes of the network app. Views, the importer, the CLI and the demo call these;
each validates, runs in one transaction and records an audit event."""

import io
from datetime import date, timedelta
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from learningcity.core.audit import record_event
from learningcity.core.models import City, User
from learningcity.core.permissions import is_city_coordinator

from .documents import check_pdf
from .models import (
    CityProfile,
    Cluster,
    ClusterMembership,
    CommissionGrant,
    JurorAssignment,
    LifecycleStep,
    MembershipApplication,
    MembershipCall,
    MembershipChange,
    MembershipReport,
    Practice,
    PracticeImage,
    PracticeRevision,
)
from .practice_fields import BY_NAME, FIELD_NAMES, TRANSLATABLE, normalised
from .report_data import pull_monitoring
from .vocabulary import (
    CHALLENGE_CODES,
    ENDORSED_STATUSES,
    PRACTICE_LANGUAGE_CODES,
    RUBRIC_CODES,
    SCORE_RANGE,
    SDG_CODES,
    THEME_CODES,
    ApplicationStatus,
    CommunicationLanguage,
    MembershipStatus,
    PracticeStatus,
    Recommendation,
    ReportStatus,
)
from .wordcount import count_words

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
        "network_membership_applications": [
            {
                "city": application.city.slug,
                "call": application.call.title,
                "submitted_at": application.submitted_at.isoformat(),
            }
            for application in MembershipApplication.objects.filter(applied_by=user).select_related(
                "city", "call"
            )
        ],
        "network_juror_scores": [
            {
                "application": str(assignment.application.public_id),
                "scores": assignment.scores,
                "comment": assignment.comment,
                "recommendation": assignment.recommendation,
            }
            for assignment in JurorAssignment.objects.filter(juror=user).select_related(
                "application"
            )
        ],
        "network_commission_countries": list(
            CommissionGrant.objects.filter(user=user).values_list("country_code", flat=True)
        ),
        "network_reports_submitted": list(
            MembershipReport.objects.filter(submitted_by=user).values("city__slug", "due_on")
        ),
    }


def erase_network_data_of(user: User) -> None:
    """Practices belong to their city: they stay, without the person's name."""
    with transaction.atomic():
        Practice.objects.filter(created_by=user).update(created_by=None)
        PracticeRevision.objects.filter(created_by=user).update(created_by=None)
        MembershipChange.objects.filter(actor=user).update(actor=None)
        # The lifecycle's records belong to the cities and the network: they stay,
        # without the person's name (a juror's scores stay with the decision).
        MembershipCall.objects.filter(created_by=user).update(created_by=None)
        MembershipApplication.objects.filter(applied_by=user).update(applied_by=None)
        MembershipApplication.objects.filter(commission_decided_by=user).update(
            commission_decided_by=None
        )
        MembershipApplication.objects.filter(decided_by=user).update(decided_by=None)
        JurorAssignment.objects.filter(juror=user).update(juror=None)
        JurorAssignment.objects.filter(assigned_by=user).update(assigned_by=None)
        MembershipReport.objects.filter(submitted_by=user).update(submitted_by=None)
        LifecycleStep.objects.filter(actor=user).update(actor=None)
        CommissionGrant.objects.filter(user=user).delete()


# -- the membership lifecycle --------------------------------------------------------
#
# A call opens for a window → a city's coordinator applies (texts, challenge ratings,
# the mayor's signed PDF) → the country's National Commission endorses or declines
# (at most ``call.max_per_commission`` endorsements per country and call) → network
# coordinators assign jurors, who score on the rubric → a network coordinator admits
# (the city becomes a member) or declines, and the city hears by e-mail → a member
# reports every two years; reminders go out before the due date, and a member whose
# report has not come by the end of the grace period lapses. Every step is a
# ``LifecycleStep`` (and an audit event of the same code); status changes are also
# ``MembershipChange`` rows.

REPORT_INTERVAL_YEARS = 2
REPORT_GRACE_DAYS = 90
# Reminders this many days before the due date, and once more when it has passed.
REPORT_REMINDER_DAYS = (60, 14)
REPORT_WORD_LIMIT = 500
APPLICATION_TEXTS = ("motivation", "implementation")
CALL_FIELDS = (
    "title",
    "opens_on",
    "closes_on",
    "endorsements_close_on",
    "max_per_commission",
    "word_limit",
    "jurors_required",
)


def _person(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def _step(
    city: City,
    code: str,
    actor: User | None,
    *,
    application: MembershipApplication | None = None,
    report: MembershipReport | None = None,
    note: str = "",
    **details: Any,
) -> None:
    """Keep the step in the city's history and in the audit log (same code)."""
    LifecycleStep.objects.create(
        city=city,
        application=application,
        report=report,
        code=code,
        note=note[:1000],
        actor=_person(actor),
    )
    target = str(application.public_id) if application else city.slug
    record_event(actor, code, city=city, target=target, **details)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def _find_account(email: str) -> User:
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise ValidationError(
            {"email": _("No account uses this address. Ask the person to sign up, then try again.")}
        )
    return user


def text_problem(text: str, limit: int, *, required: bool = True) -> str:
    """What is wrong with a text of at most ``limit`` words ("" when nothing)."""
    if "\x00" in text:
        return _("This text contains an invisible NUL character.")
    if required and not text.strip():
        return _("Write this text.")
    words = count_words(text)
    if words > limit:
        return _("Words counted: %(count)s; at most %(limit)s are allowed. Shorten this text.") % {
            "count": words,
            "limit": limit,
        }
    return ""


# Calls ------------------------------------------------------------------------------


@transaction.atomic
def create_call(*, actor: User | None, data: dict[str, Any]) -> MembershipCall:
    call = MembershipCall(
        **{name: data[name] for name in CALL_FIELDS if name in data}, created_by=_person(actor)
    )
    call.full_clean()
    call.save()
    record_event(actor, "membership.call_created", target=call.title, call=call.pk)
    return call


@transaction.atomic
def update_call(
    *, actor: User | None, call: MembershipCall, changes: dict[str, Any]
) -> MembershipCall:
    """Change a call's window or rules; they apply from now on (an endorsement made
    under an earlier limit stays)."""
    call = MembershipCall.objects.select_for_update().get(pk=call.pk)
    changed = [
        name for name in CALL_FIELDS if name in changes and getattr(call, name) != changes[name]
    ]
    for name in changed:
        setattr(call, name, changes[name])
    call.full_clean()
    call.save()
    record_event(actor, "membership.call_updated", target=call.title, call=call.pk, fields=changed)
    return call


# National Commission accounts ---------------------------------------------------------


@transaction.atomic
def grant_commission_access(
    *, actor: User | None, email: str, country_code: str
) -> CommissionGrant:
    code = country_code.strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise ValidationError({"country_code": _("Choose a country from the list.")})
    user = _find_account(email)
    grant, created = CommissionGrant.objects.get_or_create(
        user=user, country_code=code, defaults={"granted_by": _person(actor)}
    )
    if not created:
        raise ValidationError(
            {"email": _("This account already speaks for this country's National Commission.")}
        )
    record_event(actor, "membership.commission_granted", target=code, user=str(user.public_id))
    return grant


@transaction.atomic
def revoke_commission_access(*, actor: User | None, grant: CommissionGrant) -> None:
    record_event(
        actor,
        "membership.commission_revoked",
        target=grant.country_code,
        user=str(grant.user.public_id),
    )
    grant.delete()


# Applications -------------------------------------------------------------------------


def application_problems(call: MembershipCall, data: dict[str, Any]) -> dict[str, str]:
    """Problems with an application's part 1, by the form's field names."""
    errors: dict[str, str] = {}
    if data.get("language") not in CommunicationLanguage.values:
        errors["language"] = _("Choose English or French.")
    for name in APPLICATION_TEXTS:
        problem = text_problem(str(data.get(name) or ""), call.word_limit)
        if problem:
            errors[name] = problem
    interests = str(data.get("interests") or "")
    if "\x00" in interests:
        errors["interests"] = _("This text contains an invisible NUL character.")
    elif len(interests) > 2000:
        errors["interests"] = _("At most %(count)s characters.") % {"count": 2000}
    challenges = data.get("challenges") or {}
    for code in CHALLENGE_CODES:
        if challenges.get(code) not in SCORE_RANGE:
            errors[f"challenge_{code}"] = _("Rate this challenge from 1 to 5.")
    if data.get("pledge") is not True:
        errors["pledge"] = _("A city applies by committing to the network's guiding documents.")
    return errors


def apply_for_membership(
    *,
    actor: User | None,
    call: MembershipCall,
    city: City,
    data: dict[str, Any],
    endorsement: bytes,
    today: date | None = None,
) -> MembershipApplication:
    """A city's application in ``call``: checked whole (every problem at once), then
    saved in one transaction with its PDF; if anything fails, the stored file is
    removed again, so nothing half-saved remains."""
    today = today or timezone.localdate()
    errors = application_problems(call, data)
    try:
        check_pdf(endorsement, "endorsement")
    except ValidationError as error:
        errors.update({name: problems[0] for name, problems in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    stored = ""
    try:
        with transaction.atomic():
            call = MembershipCall.objects.select_for_update().get(pk=call.pk)
            if not call.is_open(today):
                raise ValidationError(
                    _("This call is not open: it takes applications from %(opens)s to %(closes)s.")
                    % {
                        "opens": date_format(call.opens_on, "DATE_FORMAT"),
                        "closes": date_format(call.closes_on, "DATE_FORMAT"),
                    }
                )
            profile = CityProfile.objects.select_for_update().get(pk=ensure_profile(city).pk)
            if profile.status == MembershipStatus.MEMBER:
                raise ValidationError(
                    _("%(city)s is already a member of the network.") % {"city": city.name}
                )
            if MembershipApplication.objects.filter(call=call, city=city).exists():
                raise ValidationError(
                    _("%(city)s has already applied in this call.") % {"city": city.name}
                )
            application = MembershipApplication(
                call=call,
                city=city,
                language=data["language"],
                motivation=data["motivation"].strip(),
                implementation=data["implementation"].strip(),
                interests=str(data.get("interests") or "").strip(),
                challenges={code: int(data["challenges"][code]) for code in CHALLENGE_CODES},
                applied_by=_person(actor),
                submitted_at=timezone.now(),
            )
            application.endorsement.save("endorsement.pdf", ContentFile(endorsement), save=False)
            stored = str(application.endorsement.name)
            application.save()
            # The language chosen here is the city's language with the network.
            if profile.communication_language != application.language:
                profile.communication_language = application.language
                profile.save(update_fields=["communication_language", "updated_at"])
            if not (
                profile.status == MembershipStatus.APPLICANT
                and MembershipChange.objects.filter(city=city).exists()
            ):
                change_membership_status(
                    actor=actor,
                    city=city,
                    status=MembershipStatus.APPLICANT,
                    effective_on=today,
                    note=call.title,
                )
            _step(city, "membership.applied", actor, application=application, call=call.pk)
    except BaseException:
        if stored:
            MembershipApplication._meta.get_field("endorsement").storage.delete(stored)
        raise
    return application


class CommissionDecision:
    ENDORSE = "endorse"
    DECLINE = "decline"


@transaction.atomic
def endorse_application(
    *,
    actor: User | None,
    application: MembershipApplication,
    decision: str,
    note: str = "",
    today: date | None = None,
) -> MembershipApplication:
    """The National Commission endorses the application (within its call's limit
    per country) or declines it, with a reason."""
    today = today or timezone.localdate()
    if decision not in (CommissionDecision.ENDORSE, CommissionDecision.DECLINE):
        raise ValidationError({"decision": _("Choose to endorse or not to endorse.")})
    if "\x00" in note:
        raise ValidationError({"note": _("This text contains an invisible NUL character.")})
    if decision == CommissionDecision.DECLINE and not note.strip():
        raise ValidationError({"note": _("Say why, for the city and the network.")})
    # The call first: endorsements of one call are counted one at a time.
    call = MembershipCall.objects.select_for_update().get(pk=application.call_id)
    application = (
        MembershipApplication.objects.select_for_update()
        .select_related("city")
        .get(pk=application.pk)
    )
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(_("The National Commission has already decided on this application."))
    if today > call.endorsements_close_on:
        raise ValidationError(
            _(
                "National Commissions could decide in this call until %(date)s. "
                "Ask the network's coordinators to extend that date."
            )
            % {"date": date_format(call.endorsements_close_on, "DATE_FORMAT")}
        )
    if decision == CommissionDecision.ENDORSE:
        endorsed = MembershipApplication.objects.filter(
            call=call,
            city__country_code=application.city.country_code,
            status__in=ENDORSED_STATUSES,
        ).count()
        if endorsed >= call.max_per_commission:
            raise ValidationError(
                {
                    "decision": _(
                        "The National Commission has already endorsed as many applications "
                        "as this call allows (%(limit)s). Choose not to endorse this one."
                    )
                    % {"limit": call.max_per_commission}
                }
            )
    endorse = decision == CommissionDecision.ENDORSE
    application.status = ApplicationStatus.ENDORSED if endorse else ApplicationStatus.NOT_ENDORSED
    application.commission_note = note.strip()[:2000]
    application.commission_decided_at = timezone.now()
    application.commission_decided_by = _person(actor)
    application.save()
    _step(
        application.city,
        "membership.endorsed" if endorse else "membership.not_endorsed",
        actor,
        application=application,
        note=application.commission_note,
    )
    return application


OPEN_FOR_JURORS = (ApplicationStatus.ENDORSED, ApplicationStatus.IN_REVIEW)


@transaction.atomic
def assign_juror(
    *, actor: User | None, application: MembershipApplication, email: str
) -> JurorAssignment:
    application = (
        MembershipApplication.objects.select_for_update()
        .select_related("city")
        .get(pk=application.pk)
    )
    if application.status not in OPEN_FOR_JURORS:
        raise ValidationError(
            {
                "email": _(
                    "Jurors are assigned after the National Commission's endorsement "
                    "and before the decision."
                )
            }
        )
    juror = _find_account(email)
    if is_city_coordinator(juror, application.city):
        raise ValidationError(
            {"email": _("This person coordinates the applying city: choose an independent juror.")}
        )
    if application.assignments.filter(juror=juror).exists():
        raise ValidationError({"email": _("This person is already a juror of this application.")})
    assignment = JurorAssignment.objects.create(
        application=application, juror=juror, assigned_by=_person(actor)
    )
    if application.status == ApplicationStatus.ENDORSED:
        application.status = ApplicationStatus.IN_REVIEW
        application.save(update_fields=["status"])
    _step(
        application.city,
        "membership.juror_assigned",
        actor,
        application=application,
        juror=str(juror.public_id),
    )
    return assignment


@transaction.atomic
def remove_juror(*, actor: User | None, assignment: JurorAssignment) -> None:
    """Take a juror off an application before they have scored it."""
    assignment = (
        JurorAssignment.objects.select_for_update()
        .select_related("application__city")
        .get(pk=assignment.pk)
    )
    application = assignment.application
    if application.status not in OPEN_FOR_JURORS:
        raise ValidationError(_("The decision is made: the jurors stay as they were."))
    if assignment.scored_at is not None:
        raise ValidationError(
            _("This juror has scored already; the scores stay with the application.")
        )
    juror = str(assignment.juror.public_id) if assignment.juror else ""
    assignment.delete()
    _step(application.city, "membership.juror_removed", actor, application=application, juror=juror)


def score_problems(scores: dict[str, Any], comment: str, recommendation: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    for code in RUBRIC_CODES:
        if scores.get(code) not in SCORE_RANGE:
            errors[f"score_{code}"] = _("Give a score from 1 to 5.")
    if "\x00" in comment:
        errors["comment"] = _("This text contains an invisible NUL character.")
    elif not comment.strip():
        errors["comment"] = _("Explain your scores for the network's coordinators.")
    elif len(comment) > 5000:
        errors["comment"] = _("At most %(count)s characters.") % {"count": 5000}
    if recommendation not in Recommendation.values:
        errors["recommendation"] = _("Choose a recommendation.")
    return errors


@transaction.atomic
def score_application(
    *,
    actor: User | None,
    assignment: JurorAssignment,
    scores: dict[str, Any],
    comment: str,
    recommendation: str,
) -> JurorAssignment:
    """A juror's scores on the rubric (1–5 each), comment and recommendation; a
    juror may change them until the decision."""
    assignment = (
        JurorAssignment.objects.select_for_update()
        .select_related("application__city")
        .get(pk=assignment.pk)
    )
    application = assignment.application
    if application.status != ApplicationStatus.IN_REVIEW:
        raise ValidationError(_("This application no longer takes scores."))
    errors = score_problems(scores, comment, recommendation)
    if errors:
        raise ValidationError(errors)
    assignment.scores = {code: int(scores[code]) for code in RUBRIC_CODES}
    assignment.comment = comment.strip()
    assignment.recommendation = recommendation
    assignment.scored_at = timezone.now()
    assignment.save()
    _step(
        application.city,
        "membership.scored",
        actor,
        application=application,
        total=assignment.total,
    )
    return assignment


class NetworkDecision:
    ADMIT = "admit"
    DECLINE = "decline"


@transaction.atomic
def decide_application(
    *,
    actor: User | None,
    application: MembershipApplication,
    decision: str,
    note: str = "",
    today: date | None = None,
    notify: bool = True,
) -> MembershipApplication:
    """Admit the city (it becomes a member, its first report falls due in two
    years) or decline it, once the call's number of jurors have scored; the city
    hears by e-mail in its language once this is saved."""
    today = today or timezone.localdate()
    if decision not in (NetworkDecision.ADMIT, NetworkDecision.DECLINE):
        raise ValidationError({"decision": _("Choose to admit the city or not.")})
    if "\x00" in note:
        raise ValidationError({"note": _("This text contains an invisible NUL character.")})
    application = (
        MembershipApplication.objects.select_for_update()
        .select_related("call", "city")
        .get(pk=application.pk)
    )
    if application.status != ApplicationStatus.IN_REVIEW:
        raise ValidationError(_("Only an application with the jurors can be decided."))
    scored = application.assignments.filter(scored_at__isnull=False).count()
    if scored < application.call.jurors_required:
        raise ValidationError(
            {
                "decision": _(
                    "Wait for the jurors: %(scored)s of the %(required)s scores this call "
                    "needs are in."
                )
                % {"scored": scored, "required": application.call.jurors_required}
            }
        )
    admit = decision == NetworkDecision.ADMIT
    application.status = ApplicationStatus.ADMITTED if admit else ApplicationStatus.DECLINED
    application.decision_note = note.strip()[:2000]
    application.decided_at = timezone.now()
    application.decided_by = _person(actor)
    application.save()
    city = application.city
    if admit:
        change_membership_status(
            actor=actor,
            city=city,
            status=MembershipStatus.MEMBER,
            effective_on=today,
            note=application.call.title,
        )
        schedule_report(city=city, due_on=add_years(today, REPORT_INTERVAL_YEARS))
    _step(
        city,
        "membership.admitted" if admit else "membership.declined",
        actor,
        application=application,
        note=application.decision_note,
    )
    if notify:
        from .notifications import send_decision_email

        transaction.on_commit(partial(send_decision_email, application.pk))
    return application


# Biennial reports ---------------------------------------------------------------------


def schedule_report(*, city: City, due_on: date) -> MembershipReport:
    report, _created = MembershipReport.objects.get_or_create(
        city=city,
        due_on=due_on,
        defaults={"grace_until": due_on + timedelta(days=REPORT_GRACE_DAYS)},
    )
    return report


@transaction.atomic
def submit_report(
    *,
    actor: User | None,
    report: MembershipReport,
    achievements: str,
    next_steps: str,
) -> MembershipReport:
    """The city's report with what monitoring holds for it now (kept with the
    report); the next one falls due two years after this one."""
    report = MembershipReport.objects.select_for_update().select_related("city").get(pk=report.pk)
    if report.status == ReportStatus.SUBMITTED:
        raise ValidationError(_("This report has already been received."))
    if report.status == ReportStatus.MISSED:
        raise ValidationError(
            _("This report did not come in time and the membership lapsed; apply again in a call.")
        )
    errors = {
        name: problem
        for name, text in (("achievements", achievements), ("next_steps", next_steps))
        if (problem := text_problem(text, REPORT_WORD_LIMIT))
    }
    if errors:
        raise ValidationError(errors)
    report.achievements = achievements.strip()
    report.next_steps = next_steps.strip()
    report.data = pull_monitoring(report.city)
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = _person(actor)
    report.save()
    schedule_report(city=report.city, due_on=add_years(report.due_on, REPORT_INTERVAL_YEARS))
    _step(report.city, "membership.report_submitted", actor, report=report)
    return report


def reminder_stage(report: MembershipReport, today: date) -> int | None:
    """Which reminder is due: days before the due date (60, 14), 0 once overdue."""
    days_left = (report.due_on - today).days
    if days_left < 0:
        return 0
    for days in sorted(REPORT_REMINDER_DAYS):
        if days_left <= days:
            return days
    return None


def send_report_reminders(*, today: date | None = None) -> int:
    """Remind members of reports falling due (and once more when overdue, before
    they lapse), once per stage. The stage is claimed before sending, so two runs at
    once never send twice; when nothing could be sent the claim is given back and
    the next run tries again. Returns the e-mails sent."""
    from .notifications import send_report_reminder

    today = today or timezone.localdate()
    due = MembershipReport.objects.filter(
        status=ReportStatus.DUE,
        due_on__lte=today + timedelta(days=max(REPORT_REMINDER_DAYS)),
        grace_until__gte=today,
        city__network_profile__status=MembershipStatus.MEMBER,
    ).select_related("city")
    sent = 0
    for candidate in due:
        stage = reminder_stage(candidate, today)
        if stage is None or stage in candidate.reminders_sent:
            continue
        with transaction.atomic():
            report = MembershipReport.objects.select_for_update().get(pk=candidate.pk)
            if report.status != ReportStatus.DUE or stage in report.reminders_sent:
                continue
            report.reminders_sent = [*report.reminders_sent, stage]
            report.save(update_fields=["reminders_sent"])
        delivered = send_report_reminder(report, stage)
        with transaction.atomic():
            if delivered:
                _step(
                    report.city,
                    "membership.report_reminded",
                    None,
                    report=report,
                    stage=stage,
                    recipients=delivered,
                )
                sent += delivered
            else:
                report = MembershipReport.objects.select_for_update().get(pk=report.pk)
                report.reminders_sent = [s for s in report.reminders_sent if s != stage]
                report.save(update_fields=["reminders_sent"])
    return sent


def lapse_overdue_members(*, today: date | None = None) -> int:
    """A member whose report has not come by the end of its grace period lapses.
    Returns how many cities lapsed."""
    today = today or timezone.localdate()
    lapsed = 0
    overdue = MembershipReport.objects.filter(status=ReportStatus.DUE, grace_until__lt=today)
    for pk in list(overdue.values_list("pk", flat=True)):
        with transaction.atomic():
            report = MembershipReport.objects.select_for_update().select_related("city").get(pk=pk)
            if report.status != ReportStatus.DUE:
                continue
            report.status = ReportStatus.MISSED
            report.save(update_fields=["status"])
            profile = ensure_profile(report.city)
            if profile.status != MembershipStatus.MEMBER:
                continue  # withdrawn or lapsed already: nothing more to change
            change_membership_status(
                actor=None,
                city=report.city,
                status=MembershipStatus.LAPSED,
                effective_on=today,
                note=_("Biennial report due on %(date)s not received.")
                % {"date": report.due_on.isoformat()},
            )
            _step(report.city, "membership.lapsed", None, report=report)
            lapsed += 1
    return lapsed
