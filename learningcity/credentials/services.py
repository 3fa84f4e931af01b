"""Every write of the credentials app: issuer keys, issuing and revoking credentials
(``verb_noun``: validate, one transaction, audit)."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcity.catalogue.models import Enrolment, EnrolmentStatus, Provider, Session
from learningcity.core.audit import record_event
from learningcity.core.models import User

from . import documents, keystore
from .models import (
    Achievement,
    AssessmentResult,
    HolderChoice,
    IssuedCredential,
    IssuerKey,
    StatusList,
)
from .vc import dataintegrity, didkey, statuslist


class NotEligible(Exception):
    """Refused, with the reason in the reader's words."""


@dataclass(frozen=True)
class Completion:
    complete: bool
    reason: str
    attended: int = 0
    held: int = 0


# ---- keys and status lists ------------------------------------------------------------


def active_issuer_key(provider: Provider) -> IssuerKey:
    """The provider's signing key, made on first use (one active key per provider)."""
    key = IssuerKey.objects.filter(provider=provider, retired_at__isnull=True).first()
    if key is not None:
        return key
    with transaction.atomic():
        Provider.objects.select_for_update().get(pk=provider.pk)
        key = IssuerKey.objects.filter(provider=provider, retired_at__isnull=True).first()
        if key is None:
            key = _new_key(provider)
    return key


def _new_key(provider: Provider) -> IssuerKey:
    public, sealed = keystore.new_key_pair()
    return IssuerKey.objects.create(
        city=provider.city,
        provider=provider,
        did=didkey.did_for(public),
        public_key=public,
        private_key_encrypted=sealed,
    )


@transaction.atomic
def rotate_issuer_key(*, actor: User | None, provider: Provider) -> IssuerKey:
    """A new key signs from now on; the old one is retired. Credentials it signed
    stay valid (a did:key carries its own public key) and its status lists are still
    re-signed with it when one of its credentials is revoked."""
    Provider.objects.select_for_update().get(pk=provider.pk)
    old = IssuerKey.objects.filter(provider=provider, retired_at__isnull=True).first()
    if old is not None:
        old.retired_at = timezone.now()
        old.save(update_fields=["retired_at"])
    key = _new_key(provider)
    record_event(
        actor,
        "credentials.key_rotated",
        city=provider.city,
        target=provider.slug,
        old=old.did if old else "",
        new=key.did,
    )
    return key


def _sign_status_list(status_list: StatusList, bits: bytes | bytearray) -> None:
    private_key = keystore.open_private_key(status_list.issuer_key.private_key_encrypted)
    when = timezone.now()
    unsigned = documents.status_list_document(status_list, bits, when)
    status_list.document = dataintegrity.sign(
        unsigned,
        private_key,
        didkey.verification_method_for(status_list.issuer_key.did),
        created=when,
    )
    status_list.bits = bytes(bits)
    status_list.updated_at = when


def _allocate_index(issuer_key: IssuerKey) -> tuple[StatusList, int]:
    """The next free bit of the key's newest list (locked until commit), a new list
    when it is full. Indexes are never given twice, even after a rollback's gap."""
    status_list = (
        StatusList.objects.select_for_update().filter(issuer_key=issuer_key).order_by("-pk").first()
    )
    if status_list is None or status_list.next_index >= status_list.size:
        status_list = StatusList(issuer_key=issuer_key)
        bits = statuslist.empty(status_list.size)
        status_list.save()
        _sign_status_list(status_list, bits)
        status_list.save()
        status_list = StatusList.objects.select_for_update().get(pk=status_list.pk)
    index = status_list.next_index
    status_list.next_index = index + 1
    status_list.save(update_fields=["next_index"])
    return status_list, index


# ---- completion -----------------------------------------------------------------------


def completion_of(
    achievement: Achievement, person: User, *, now: datetime | None = None
) -> Completion:
    """Whether ``person`` completed what ``achievement`` asks, and why not."""
    if achievement.basis == Achievement.Basis.ASSESSMENT:
        result = AssessmentResult.objects.filter(achievement=achievement, person=person).first()
        if result is None:
            return Completion(False, _("No assessment result has been recorded for this person."))
        if not result.passed:
            return Completion(False, _("The assessment was not passed."))
        return Completion(True, _("Assessment passed."))
    if achievement.opportunity_id is None:
        return Completion(False, _("This badge is not linked to a course with attendance."))
    now = now or timezone.now()
    held = Session.objects.filter(
        opportunity_id=achievement.opportunity_id, is_cancelled=False, starts_at__lte=now
    ).count()
    if held == 0:
        return Completion(False, _("No session of the course has taken place yet."))
    attended = Enrolment.objects.filter(
        session__opportunity_id=achievement.opportunity_id,
        session__is_cancelled=False,
        user=person,
        status=EnrolmentStatus.ATTENDED,
    ).count()
    if attended * 100 < achievement.attendance_threshold * held:
        return Completion(
            False,
            _("Attended %(attended)s of %(held)s sessions; %(threshold)s%% are needed.")
            % {"attended": attended, "held": held, "threshold": achievement.attendance_threshold},
            attended,
            held,
        )
    return Completion(True, _("Attendance threshold reached."), attended, held)


def completers(achievement: Achievement, *, now: datetime | None = None) -> list[User]:
    """People who may be issued the achievement now and do not hold it yet (two
    grouped queries, however many people attended)."""
    holders = IssuedCredential.objects.filter(
        achievement=achievement, revoked_at__isnull=True
    ).values("holder")
    if achievement.basis == Achievement.Basis.ASSESSMENT:
        passed = AssessmentResult.objects.filter(achievement=achievement, passed=True)
        return list(
            User.objects.filter(pk__in=passed.values("person"))
            .exclude(pk__in=holders)
            .order_by("pk")
        )
    if achievement.opportunity_id is None:
        return []
    now = now or timezone.now()
    held = Session.objects.filter(
        opportunity_id=achievement.opportunity_id, is_cancelled=False, starts_at__lte=now
    ).count()
    if held == 0:
        return []
    needed = -(-achievement.attendance_threshold * held // 100)  # ceiling
    attended = (
        Enrolment.objects.filter(
            session__opportunity_id=achievement.opportunity_id,
            session__is_cancelled=False,
            status=EnrolmentStatus.ATTENDED,
            user__isnull=False,
        )
        .values("user")
        .annotate(sessions=Count("pk"))
        .filter(sessions__gte=needed)
        .values("user")
    )
    return list(User.objects.filter(pk__in=attended).exclude(pk__in=holders).order_by("pk"))


# ---- issuing and revoking -------------------------------------------------------------


def issue_credential(
    *, actor: User | None, achievement: Achievement, person: User, now: datetime | None = None
) -> IssuedCredential:
    """Signs and records one credential, or raises ``NotEligible`` and writes nothing.
    Everything happens in one transaction: no index, row or audit event stays behind
    when signing fails."""
    state = completion_of(achievement, person, now=now)
    if not state.complete:
        raise NotEligible(state.reason)
    issued_at = now or timezone.now()
    try:
        with transaction.atomic():
            if IssuedCredential.objects.filter(
                achievement=achievement, holder=person, revoked_at__isnull=True
            ).exists():
                raise NotEligible(_("This person already holds this credential."))
            key = active_issuer_key(achievement.provider)
            status_list, index = _allocate_index(key)
            choice = HolderChoice.objects.filter(user=person).first()
            name = (
                person.display_name if choice and choice.show_name and person.display_name else None
            )
            valid_until = (
                issued_at + relativedelta(months=achievement.valid_months)
                if achievement.valid_months
                else None
            )
            credential_id = uuid.uuid4()
            unsigned = documents.credential_document(
                credential_id=f"urn:uuid:{credential_id}",
                achievement=achievement,
                issuer_key=key,
                status_list=status_list,
                index=index,
                email=person.email,
                name=name,
                issued_at=issued_at,
                valid_until=valid_until,
            )
            private_key = keystore.open_private_key(key.private_key_encrypted)
            signed = dataintegrity.sign(
                unsigned, private_key, didkey.verification_method_for(key.did), created=issued_at
            )
            credential = IssuedCredential.objects.create(
                public_id=credential_id,
                achievement=achievement,
                holder=person,
                issuer_key=key,
                status_list=status_list,
                status_index=index,
                document=signed,
                group=choice.group if choice else "",
                issued_at=issued_at,
                valid_until=valid_until,
            )
            record_event(
                actor,
                "credentials.issued",
                city=achievement.city,
                target=str(credential.public_id),
                achievement=str(achievement.public_id),
            )
    except IntegrityError as error:  # issued at the same moment by someone else
        raise NotEligible(_("This person already holds this credential.")) from error
    return credential


@transaction.atomic
def revoke_credential(
    *, actor: User | None, credential: IssuedCredential, reason: str
) -> IssuedCredential:
    reason = reason.strip()
    if not reason:
        raise NotEligible(_("Say why the credential is revoked."))
    credential = IssuedCredential.objects.select_for_update().get(pk=credential.pk)
    if credential.revoked_at is not None:
        raise NotEligible(_("This credential was already revoked."))
    status_list = (
        StatusList.objects.select_for_update()
        .select_related("issuer_key")
        .get(pk=credential.status_list_id)
    )
    bits = bytearray(status_list.bits)
    statuslist.set_bit(bits, credential.status_index)
    _sign_status_list(status_list, bits)
    status_list.save(update_fields=["bits", "document", "updated_at"])
    credential.revoked_at = timezone.now()
    credential.revoked_reason = reason[:300]
    credential.save(update_fields=["revoked_at", "revoked_reason"])
    record_event(
        actor,
        "credentials.revoked",
        city=credential.achievement.city,
        target=str(credential.public_id),
        reason=credential.revoked_reason,
    )
    return credential


# ---- batches --------------------------------------------------------------------------


def request_batch(*, actor: User, achievement: Achievement) -> Any:
    from . import tasks
    from .models import IssueBatch

    batch = IssueBatch.objects.create(achievement=achievement, requested_by=actor)
    transaction.on_commit(lambda: tasks.issue_batch(batch.pk))
    return batch


def run_batch(
    batch_pk: int,
    *,
    report_every: int = 25,
    on_progress: Callable[[int, int], None] | None = None,
) -> None:
    """Issues the batch's achievement to everyone who completed, one credential per
    transaction (each one whole or not at all), counting progress as it goes."""
    from .models import IssueBatch

    claimed = IssueBatch.objects.filter(pk=batch_pk, status="waiting").update(status="running")
    if not claimed:
        return
    batch = IssueBatch.objects.select_related("achievement__provider").get(pk=batch_pk)
    people = completers(batch.achievement)
    IssueBatch.objects.filter(pk=batch_pk).update(total=len(people))
    issued = 0
    for number, person in enumerate(people, start=1):
        try:
            issue_credential(actor=batch.requested_by, achievement=batch.achievement, person=person)
            issued += 1
        except NotEligible:
            pass
        if number % report_every == 0:
            IssueBatch.objects.filter(pk=batch_pk).update(progress=number, issued=issued)
            if on_progress is not None:
                on_progress(number, len(people))
    IssueBatch.objects.filter(pk=batch_pk).update(
        status="done", progress=len(people), issued=issued, finished_at=timezone.now()
    )


@transaction.atomic
def record_assessment(
    *, actor: User, achievement: Achievement, person: User, passed: bool
) -> AssessmentResult:
    if person.pk == actor.pk:
        raise NotEligible(_("You cannot record your own assessment."))
    result, _created = AssessmentResult.objects.update_or_create(
        achievement=achievement,
        person=person,
        defaults={"passed": passed, "assessed_by": actor, "assessed_at": timezone.now()},
    )
    record_event(
        actor,
        "credentials.assessed",
        city=achievement.city,
        target=str(achievement.public_id),
        passed=passed,
    )
    return result
