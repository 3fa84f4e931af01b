"""Writes of the award: cycles, applications, nominations, the jury and the decision.
Each validates everything first (every problem at once, by field), then writes in
one transaction and records an audit event; a refusal saves nothing. Conference
writes are in ``conference_services``."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from learningcity.core.audit import record_event
from learningcity.core.models import City, User
from learningcity.core.permissions import is_city_coordinator
from learningcity.engines import jury
from learningcity.network.documents import check_pdf
from learningcity.network.models import CityProfile, Practice
from learningcity.network.report_data import pull_monitoring
from learningcity.network.services import text_problem
from learningcity.network.vocabulary import MembershipStatus

from .models import (
    CRITERION_CODES,
    AwardApplication,
    AwardCycle,
    CyclePhase,
    DossierStatus,
    JurorProfile,
    JurorTie,
    JuryAssignment,
)

CYCLE_FIELDS = (
    "title",
    "year",
    "opens_on",
    "closes_on",
    "nominations_close_on",
    "membership_months",
    "awardee_wait_years",
    "nominations_per_country",
    "winners_per_country",
    "awards_per_region",
    "word_limit",
    "jurors_per_dossier",
    "scale_max",
    "disagreement_at",
    "criteria",
)
NEXT_PHASE = {
    CyclePhase.APPLICATIONS: CyclePhase.NOMINATIONS,
    CyclePhase.NOMINATIONS: CyclePhase.JURY,
}


def _person(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def _months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


# -- cycles ---------------------------------------------------------------------------


@transaction.atomic
def create_cycle(*, actor: User | None, data: dict[str, Any]) -> AwardCycle:
    """A new cycle, starting from the published defaults for whatever ``data`` omits."""
    cycle = AwardCycle(**{name: data[name] for name in CYCLE_FIELDS if name in data})
    cycle.full_clean()
    cycle.save()
    record_event(actor, "award.cycle_created", target=cycle.title, cycle=cycle.pk)
    return cycle


@transaction.atomic
def update_cycle(*, actor: User | None, cycle: AwardCycle, changes: dict[str, Any]) -> AwardCycle:
    cycle = AwardCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.phase in (CyclePhase.DECIDED, CyclePhase.PUBLISHED):
        raise ValidationError(_("This cycle is decided: its rules stay as they were."))
    changed = [n for n in CYCLE_FIELDS if n in changes and getattr(cycle, n) != changes[n]]
    for name in changed:
        setattr(cycle, name, changes[name])
    cycle.full_clean()
    cycle.save()
    record_event(actor, "award.cycle_updated", target=cycle.title, fields=changed)
    return cycle


@transaction.atomic
def advance_cycle(*, actor: User | None, cycle: AwardCycle) -> AwardCycle:
    """Applications → nominations → jury (the decision and publication are their own)."""
    cycle = AwardCycle.objects.select_for_update().get(pk=cycle.pk)
    following = NEXT_PHASE.get(CyclePhase(cycle.phase))
    if following is None:
        raise ValidationError(_("This cycle moves on with the jury's decision."))
    cycle.phase = following
    cycle.save(update_fields=["phase"])
    record_event(actor, "award.cycle_advanced", target=cycle.title, phase=cycle.phase)
    return cycle


# -- eligibility ------------------------------------------------------------------------


def eligibility_problems(cycle: AwardCycle, city: City) -> list[str]:
    """Why ``city`` may not apply in ``cycle`` (empty: it may). The rules are the
    cycle's data: membership for more than N months at the deadline, and no award
    in the past N years."""
    problems: list[str] = []
    profile = CityProfile.objects.filter(city=city).first()
    if profile is None or profile.status != MembershipStatus.MEMBER or profile.joined_on is None:
        problems.append(
            _("%(city)s is not a member of the network; only member cities may apply.")
            % {"city": city.name}
        )
    else:
        months = _months_between(profile.joined_on, cycle.closes_on)
        if months <= cycle.membership_months:
            problems.append(
                _(
                    "%(city)s joined on %(joined)s: by the deadline that is %(months)s months "
                    "of membership, and more than %(needed)s are needed."
                )
                % {
                    "city": city.name,
                    "joined": date_format(profile.joined_on, "DATE_FORMAT"),
                    "months": max(months, 0),
                    "needed": cycle.membership_months,
                }
            )
    last_award = (
        AwardApplication.objects.filter(city=city, status=DossierStatus.WINNER)
        .exclude(cycle=cycle)
        .order_by("-cycle__year")
        .values_list("cycle__year", flat=True)
        .first()
    )
    if last_award is not None and cycle.year - last_award < cycle.awardee_wait_years:
        problems.append(
            _(
                "%(city)s received the award in %(year)s; past awardees may apply again "
                "from %(again)s."
            )
            % {
                "city": city.name,
                "year": last_award,
                "again": last_award + cycle.awardee_wait_years,
            }
        )
    return problems


def joined_on(city: City) -> date | None:
    profile = CityProfile.objects.filter(city=city).first()
    return profile.joined_on if profile else None


def eligible_practices(city: City) -> "list[Practice]":
    """The city's published practices since it joined (only progress since joining counts)."""
    practices = Practice.objects.published().filter(city=city)
    since = joined_on(city)
    if since is not None:
        practices = practices.filter(published_at__date__gte=since)
    return list(practices.order_by("-published_at"))


# -- applications -----------------------------------------------------------------------


def application_problems(cycle: AwardCycle, data: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    texts = data.get("texts") or {}
    for code in CRITERION_CODES:
        problem = text_problem(str(texts.get(code) or ""), cycle.word_limit)
        if problem:
            errors[f"text_{code}"] = problem
    evidence = str(data.get("evidence") or "")
    if "\x00" in evidence:
        errors["evidence"] = _("This text contains an invisible NUL character.")
    elif len(evidence) > 5000:
        errors["evidence"] = _("At most %(count)s characters.") % {"count": 5000}
    else:
        for line in evidence.splitlines():
            line = line.strip()
            if line and not line.startswith(("https://", "http://")):
                errors["evidence"] = _(
                    "Write one link a line, each starting with https:// (this one does not: "
                    "%(line)s)."
                ) % {"line": line[:80]}
                break
    return errors


def apply_for_award(
    *,
    actor: User | None,
    cycle: AwardCycle,
    city: City,
    data: dict[str, Any],
    mayor_form: bytes,
    consent_form: bytes,
    today: date | None = None,
) -> AwardApplication:
    """A city's dossier, checked whole, saved in one transaction with both PDFs (the
    stored files are removed again if anything fails). The city's published good
    practices since joining and its monitoring results are attached here."""
    today = today or timezone.localdate()
    errors = application_problems(cycle, data)
    for field, content in (("mayor_form", mayor_form), ("consent_form", consent_form)):
        try:
            check_pdf(content, field)
        except ValidationError as error:
            errors.update({name: problems[0] for name, problems in error.message_dict.items()})
    wanted = {int(pk) for pk in data.get("practices") or []}
    allowed = {practice.pk: practice for practice in eligible_practices(city)}
    if wanted - set(allowed):
        errors["practices"] = _(
            "Choose among the city's practices published since it joined the network."
        )
    if errors:
        raise ValidationError(errors)
    stored: list[str] = []
    try:
        with transaction.atomic():
            cycle = AwardCycle.objects.select_for_update().get(pk=cycle.pk)
            if cycle.phase != CyclePhase.APPLICATIONS or not (
                cycle.opens_on <= today <= cycle.closes_on
            ):
                raise ValidationError(
                    _("This cycle takes applications from %(opens)s to %(closes)s.")
                    % {
                        "opens": date_format(cycle.opens_on, "DATE_FORMAT"),
                        "closes": date_format(cycle.closes_on, "DATE_FORMAT"),
                    }
                )
            problems = eligibility_problems(cycle, city)
            if problems:
                raise ValidationError(problems)
            if AwardApplication.objects.filter(cycle=cycle, city=city).exists():
                raise ValidationError(
                    _("%(city)s has already applied in this cycle.") % {"city": city.name}
                )
            application = AwardApplication(
                cycle=cycle,
                city=city,
                texts={code: str(data["texts"][code]).strip() for code in CRITERION_CODES},
                evidence=str(data.get("evidence") or "").strip(),
                monitoring=pull_monitoring(city),
                submitted_by=_person(actor),
            )
            for field, content in (("mayor_form", mayor_form), ("consent_form", consent_form)):
                getattr(application, field).save(f"{field}.pdf", ContentFile(content), save=False)
                stored.append(str(getattr(application, field).name))
            application.save()
            chosen = wanted or set(allowed)
            application.practices.set([allowed[pk] for pk in chosen])
            record_event(
                actor, "award.applied", city=city, target=str(application.public_id), cycle=cycle.pk
            )
    except BaseException:
        storage = AwardApplication._meta.get_field("mayor_form").storage
        for name in stored:
            storage.delete(name)
        raise
    return application


class Nomination:
    NOMINATE = "nominate"
    DECLINE = "decline"


@transaction.atomic
def nominate_application(
    *,
    actor: User | None,
    application: AwardApplication,
    decision: str,
    note: str = "",
    today: date | None = None,
) -> AwardApplication:
    """The National Commission nominates (at most the cycle's number per country) or
    not, with a reason."""
    today = today or timezone.localdate()
    if decision not in (Nomination.NOMINATE, Nomination.DECLINE):
        raise ValidationError({"decision": _("Choose to nominate or not to nominate.")})
    if "\x00" in note:
        raise ValidationError({"note": _("This text contains an invisible NUL character.")})
    if decision == Nomination.DECLINE and not note.strip():
        raise ValidationError({"note": _("Say why, for the city and the network.")})
    cycle = AwardCycle.objects.select_for_update().get(pk=application.cycle_id)
    application = (
        AwardApplication.objects.select_for_update().select_related("city").get(pk=application.pk)
    )
    if application.status != DossierStatus.SUBMITTED:
        raise ValidationError(_("The National Commission has already decided on this dossier."))
    if cycle.phase not in (CyclePhase.APPLICATIONS, CyclePhase.NOMINATIONS) or (
        today > cycle.nominations_close_on
    ):
        raise ValidationError(
            _("National Commissions could nominate in this cycle until %(date)s.")
            % {"date": date_format(cycle.nominations_close_on, "DATE_FORMAT")}
        )
    if decision == Nomination.NOMINATE:
        problems = eligibility_problems(cycle, application.city)
        if problems:
            raise ValidationError({"decision": problems})
        nominated = AwardApplication.objects.filter(
            cycle=cycle,
            city__country_code=application.city.country_code,
            status__in=[DossierStatus.NOMINATED, DossierStatus.WINNER, DossierStatus.NOT_AWARDED],
        ).count()
        if nominated >= cycle.nominations_per_country:
            raise ValidationError(
                {
                    "decision": _(
                        "This National Commission has already nominated %(limit)s cities, "
                        "as many as the cycle allows. Choose not to nominate this one."
                    )
                    % {"limit": cycle.nominations_per_country}
                }
            )
    application.status = (
        DossierStatus.NOMINATED if decision == Nomination.NOMINATE else DossierStatus.NOT_NOMINATED
    )
    application.commission_note = note.strip()[:2000]
    application.commission_decided_at = timezone.now()
    application.commission_decided_by = _person(actor)
    application.save()
    record_event(
        actor,
        "award.nominated" if decision == Nomination.NOMINATE else "award.not_nominated",
        city=application.city,
        target=str(application.public_id),
    )
    return application


# -- the jury -----------------------------------------------------------------------------


def _find_account(email: str) -> User:
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise ValidationError(
            {"email": _("No account uses this address. Ask the person to sign up, then try again.")}
        )
    return user


@transaction.atomic
def seat_juror(
    *, actor: User | None, cycle: AwardCycle, email: str, country_code: str
) -> JurorProfile:
    """Put a person on the cycle's jury, with their country (the conflict rule)."""
    code = country_code.strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise ValidationError({"country_code": _("Choose the juror's country from the list.")})
    juror = _find_account(email)
    seat, created = JurorProfile.objects.get_or_create(
        cycle=cycle, juror=juror, defaults={"country_code": code}
    )
    if not created:
        raise ValidationError({"email": _("This person is already on this cycle's jury.")})
    record_event(actor, "award.juror_seated", target=cycle.title, juror=str(juror.public_id))
    return seat


@transaction.atomic
def declare_tie(*, actor: User | None, seat: JurorProfile, city: City, note: str = "") -> JurorTie:
    if "\x00" in note or len(note) > 300:
        raise ValidationError({"note": _("At most %(count)s characters.") % {"count": 300}})
    tie, created = JurorTie.objects.get_or_create(
        cycle=seat.cycle, juror=seat.juror, city=city, defaults={"note": note.strip()}
    )
    if not created:
        raise ValidationError({"city": _("This tie is already declared.")})
    # A tie declared after an assignment ends that assignment if not yet scored.
    JuryAssignment.objects.filter(
        application__cycle=seat.cycle, application__city=city, juror=seat.juror
    ).delete()
    record_event(actor, "award.tie_declared", city=city, target=seat.cycle.title)
    return tie


def conflict_of(seat: JurorProfile, application: AwardApplication) -> str:
    """Why this juror may not score this dossier ("" when they may)."""
    if seat.country_code.upper() == application.city.country_code.upper():
        return _("This juror is from %(city)s's country: choose a juror from another country.") % {
            "city": application.city.name
        }
    if JurorTie.objects.filter(
        cycle_id=application.cycle_id, juror_id=seat.juror_id, city_id=application.city_id
    ).exists():
        return _("This juror declared a tie with %(city)s: choose another juror.") % {
            "city": application.city.name
        }
    if is_city_coordinator(seat.juror, application.city):
        return _("This juror coordinates %(city)s: choose an independent juror.") % {
            "city": application.city.name
        }
    return ""


@transaction.atomic
def assign_juror(
    *, actor: User | None, application: AwardApplication, seat: JurorProfile
) -> JuryAssignment:
    application = (
        AwardApplication.objects.select_for_update()
        .select_related("city", "cycle")
        .get(pk=application.pk)
    )
    if seat.cycle_id != application.cycle_id:
        raise ValidationError({"juror": _("Choose a juror of this cycle.")})
    if application.status != DossierStatus.NOMINATED or application.cycle.phase in (
        CyclePhase.DECIDED,
        CyclePhase.PUBLISHED,
    ):
        raise ValidationError(
            {"juror": _("Jurors are assigned to nominated dossiers before the decision.")}
        )
    conflict = conflict_of(seat, application)
    if conflict:
        raise ValidationError({"juror": conflict})
    if application.assignments.filter(juror=seat.juror).exists():
        raise ValidationError({"juror": _("This juror is already assigned to this dossier.")})
    assignment = JuryAssignment.objects.create(
        application=application, juror=seat.juror, assigned_by=_person(actor)
    )
    record_event(
        actor, "award.juror_assigned", city=application.city, target=str(application.public_id)
    )
    return assignment


def score_problems(
    cycle: AwardCycle, scores: dict[str, Any], comments: dict[str, Any]
) -> dict[str, str]:
    errors: dict[str, str] = {}
    for code in CRITERION_CODES:
        value = scores.get(code)
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            number = -1
        if str(value).strip() != str(number) or not 0 <= number <= cycle.scale_max:
            errors[f"score_{code}"] = _("Give a whole number from 0 to %(max)s.") % {
                "max": cycle.scale_max
            }
        comment = str(comments.get(code) or "")
        if "\x00" in comment:
            errors[f"comment_{code}"] = _("This text contains an invisible NUL character.")
        elif not comment.strip():
            errors[f"comment_{code}"] = _("Say in a sentence or two why you gave this score.")
        elif len(comment) > 2000:
            errors[f"comment_{code}"] = _("At most %(count)s characters.") % {"count": 2000}
    return errors


@transaction.atomic
def score_dossier(
    *,
    actor: User | None,
    assignment: JuryAssignment,
    scores: dict[str, Any],
    comments: dict[str, Any],
) -> JuryAssignment:
    assignment = (
        JuryAssignment.objects.select_for_update()
        .select_related("application__cycle", "application__city")
        .get(pk=assignment.pk)
    )
    cycle = assignment.application.cycle
    if cycle.phase != CyclePhase.JURY:
        raise ValidationError(_("This cycle does not take scores now."))
    errors = score_problems(cycle, scores, comments)
    if errors:
        raise ValidationError(errors)
    assignment.scores = {code: int(str(scores[code]).strip()) for code in CRITERION_CODES}
    assignment.comments = {code: str(comments[code]).strip() for code in CRITERION_CODES}
    assignment.scored_at = timezone.now()
    assignment.save()
    record_event(actor, "award.scored", target=str(assignment.application.public_id))
    return assignment


# -- ranking and decision --------------------------------------------------------------


@dataclass(frozen=True)
class RankRow:
    application: AwardApplication
    ranked: jury.Ranked
    scored: int
    assigned: int


def ranking(cycle: AwardCycle) -> list[RankRow]:
    """Nominated dossiers, best first (the jury engine), with their spread and flags.
    Dossiers without any score come last."""
    applications = list(
        cycle.applications.filter(
            status__in=[DossierStatus.NOMINATED, DossierStatus.WINNER, DossierStatus.NOT_AWARDED]
        ).select_related("city")
    )
    assignments = list(JuryAssignment.objects.filter(application__cycle=cycle))
    cards = [
        jury.Scorecard(str(a.juror_id), str(a.application_id), a.scores)
        for a in assignments
        if a.scored_at is not None and a.scores
    ]
    criteria = [jury.Criterion(code, weight) for code, weight in cycle.weights.items()]
    order = {str(app.pk): index for index, app in enumerate(applications)}
    ranked = jury.rank(
        cards,
        criteria,
        cycle.scale_max,
        order=order,
        disagreement_at=float(cycle.disagreement_at),
    )
    by_pk = {str(app.pk): app for app in applications}
    scored: dict[int, int] = {}
    assigned: dict[int, int] = {}
    for a in assignments:
        assigned[a.application_id] = assigned.get(a.application_id, 0) + 1
        if a.scored_at is not None:
            scored[a.application_id] = scored.get(a.application_id, 0) + 1
    rows = [
        RankRow(by_pk[r.dossier], r, scored.get(int(r.dossier), 0), assigned.get(int(r.dossier), 0))
        for r in ranked
        if r.dossier in by_pk
    ]
    seen = {row.application.pk for row in rows}
    for position, app in enumerate(
        (app for app in applications if app.pk not in seen), start=len(rows) + 1
    ):
        empty = jury.Ranked(str(app.pk), position, 0.0, 0.0, 0.0, False, 0, 0.0, False)
        rows.append(RankRow(app, empty, 0, assigned.get(app.pk, 0)))
    return rows


def suggested_winners(cycle: AwardCycle, rows: list[RankRow] | None = None) -> list[int]:
    """Down the ranking: at most ``awards_per_region`` per region and
    ``winners_per_country`` per country (application pks)."""
    rows = rows if rows is not None else ranking(cycle)
    per_region: dict[str, int] = {}
    per_country: dict[str, int] = {}
    chosen: list[int] = []
    for row in rows:
        if row.scored == 0:
            continue
        city = row.application.city
        if per_region.get(city.region, 0) >= cycle.awards_per_region:
            continue
        if per_country.get(city.country_code, 0) >= cycle.winners_per_country:
            continue
        per_region[city.region] = per_region.get(city.region, 0) + 1
        per_country[city.country_code] = per_country.get(city.country_code, 0) + 1
        chosen.append(row.application.pk)
    return chosen


@transaction.atomic
def decide_cycle(
    *,
    actor: User | None,
    cycle: AwardCycle,
    winners: dict[int, str],
    note: str = "",
) -> AwardCycle:
    """Record the decision: ``winners`` maps application pk → citation. Every
    winner needs a citation and its jurors' scores; at most one winner per country
    (the cycle's number) and the cycle's number per region."""
    cycle = AwardCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.phase != CyclePhase.JURY:
        raise ValidationError(_("Only a cycle with the jury can be decided."))
    if "\x00" in note:
        raise ValidationError({"note": _("This text contains an invisible NUL character.")})
    if not winners:
        raise ValidationError({"winners": _("Choose at least one winner.")})
    nominated = {
        app.pk: app
        for app in cycle.applications.filter(status=DossierStatus.NOMINATED).select_related("city")
    }
    errors: list[str] = []
    per_country: dict[str, int] = {}
    per_region: dict[str, int] = {}
    for pk, citation in winners.items():
        app = nominated.get(pk)
        if app is None:
            errors.append(_("Choose winners among the nominated dossiers."))
            continue
        if not citation.strip() or "\x00" in citation or len(citation) > 2000:
            errors.append(
                _("Write a citation of at most 2,000 characters for %(city)s.")
                % {"city": app.city.name}
            )
        scored = app.assignments.filter(scored_at__isnull=False).count()
        if scored < cycle.jurors_per_dossier:
            errors.append(
                _("%(city)s has %(scored)s of the %(needed)s jurors' scores it needs.")
                % {"city": app.city.name, "scored": scored, "needed": cycle.jurors_per_dossier}
            )
        per_country[app.city.country_code] = per_country.get(app.city.country_code, 0) + 1
        per_region[app.city.region] = per_region.get(app.city.region, 0) + 1
    if any(count > cycle.winners_per_country for count in per_country.values()):
        errors.append(
            _("At most %(count)s winner(s) per country: choose one city of each country.")
            % {"count": cycle.winners_per_country}
        )
    if any(count > cycle.awards_per_region for count in per_region.values()):
        errors.append(
            _("At most %(count)s awards per UNESCO region: choose fewer in a region.")
            % {"count": cycle.awards_per_region}
        )
    if errors:
        raise ValidationError({"winners": errors})
    for pk, app in nominated.items():
        if pk in winners:
            app.status = DossierStatus.WINNER
            app.citation = winners[pk].strip()
        else:
            app.status = DossierStatus.NOT_AWARDED
        app.save(update_fields=["status", "citation"])
    cycle.phase = CyclePhase.DECIDED
    cycle.decision_note = note.strip()
    cycle.decided_at = timezone.now()
    cycle.decided_by = _person(actor)
    cycle.save()
    record_event(actor, "award.decided", target=cycle.title, winners=sorted(winners))
    return cycle


@transaction.atomic
def publish_winners(*, actor: User | None, cycle: AwardCycle) -> AwardCycle:
    cycle = AwardCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.phase != CyclePhase.DECIDED:
        raise ValidationError(_("Winners are published once the decision is recorded."))
    cycle.phase = CyclePhase.PUBLISHED
    cycle.published_at = timezone.now()
    cycle.save(update_fields=["phase", "published_at"])
    record_event(actor, "award.published", target=cycle.title)
    return cycle


def winners_of(cycle: AwardCycle) -> "list[AwardApplication]":
    return list(
        cycle.applications.filter(status=DossierStatus.WINNER)
        .select_related("city")
        .order_by("city__region", "city__name")
    )
