"""Qualifications, "Find my way to …", saved plans and recognition of prior learning."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from learningcity.catalogue.models import Opportunity
from learningcity.core.audit import record_event
from learningcity.core.http import PageNotFound
from learningcity.core.models import User
from learningcity.core.permissions import can_manage_city, require
from learningcity.core.spreadsheets import UnreadableFile
from learningcity.core.tenancy import for_city, get_city, get_in_city

from . import pathways, permissions, qualifications_csv, recognition
from .forms_pathways import (
    ApplyForm,
    DecisionForm,
    FindForm,
    ImportForm,
    QualificationForm,
    SavePlanForm,
    UnitForm,
)
from .models import Qualification, RecognitionApplication, SavedPlan, Unit
from .services import NotEligible


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_safe
def qualifications(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    rows = for_city(Qualification, city).prefetch_related("units")
    return render(
        request,
        "credentials/qualifications.html",
        {
            "city": city,
            "qualifications": rows,
            "can_manage": permissions.can_manage_qualifications(request.user, city),
        },
    )


@require_safe
def qualification(request: HttpRequest, city_slug: str, public_id: str) -> HttpResponse:
    city = get_city(city_slug)
    found = get_in_city(Qualification, city, public_id=public_id)
    units = found.units.prefetch_related("opportunities")
    return render(
        request,
        "credentials/qualification.html",
        {
            "city": city,
            "qualification": found,
            "units": units,
            "can_edit": permissions.can_edit_qualification(request.user, found),
        },
    )


@login_required
@require_safe
def export_csv(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    require(permissions.can_manage_qualifications(request.user, city))
    response = HttpResponse(
        qualifications_csv.export_rows(city), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="qualifications-{city.slug}.csv"'
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_csv(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    require(permissions.can_manage_qualifications(request.user, city))
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[qualifications_csv.RowError] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                written = qualifications_csv.import_rows(
                    actor=_user(request), city=city, data=upload.read(2_000_001), file_format="csv"
                )
                messages.success(request, _("Imported %(count)s units.") % {"count": written})
                return redirect("credentials:qualifications", city_slug=city.slug)
            except qualifications_csv.ImportRefused as refusal:
                errors = refusal.errors
            except UnreadableFile as unreadable:
                form.add_error("file", unreadable.message)
        status = 400
    return render(
        request,
        "credentials/import.html",
        {"city": city, "form": form, "errors": errors[:200]},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def find_my_way(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    choices = for_city(Qualification, city)
    form = FindForm(request.GET or None, qualifications=choices)
    plan = None
    target = None
    save_form = None
    can_counsel = permissions.can_counsel(request.user, city)
    if request.GET and form.is_valid():
        target = form.cleaned_data["qualification"]
        budget = form.cleaned_data.get("budget")
        held = pathways.recognised_codes(
            request.user if request.user.is_authenticated else None, target
        )  # type: ignore[arg-type]
        plan = pathways.plan_for(
            target,
            city,
            languages=form.languages(),
            held=held,
            available_from=timezone.localdate(timezone=city.tzinfo),
            budget=float(budget) if budget is not None else None,
        )
        if can_counsel:
            save_form = SavePlanForm(request.POST or None)
            if request.method == "POST" and save_form.is_valid():
                person = User.objects.filter(email__iexact=save_form.cleaned_data["email"]).first()
                if person is None:
                    save_form.add_error("email", _("No account has this e-mail address."))
                else:
                    SavedPlan.objects.create(
                        city=city,
                        person=person,
                        counsellor=_user(request),
                        qualification=target,
                        plan=_plan_json(plan),
                        note=save_form.cleaned_data["note"],
                    )
                    messages.success(request, _("Plan saved for %(person)s.") % {"person": person})
    elif request.method == "POST":
        raise PageNotFound(_("This page does not exist in this city."))
    steps: list[tuple[object, str]] = []
    if plan is not None:
        slugs = dict(
            Opportunity.objects.filter(pk__in=[step.offer.key for step in plan.steps]).values_list(
                "pk", "slug"
            )
        )
        steps = [(step, slugs.get(step.offer.key, "")) for step in plan.steps]
    saved = []
    if request.user.is_authenticated:
        saved = list(
            SavedPlan.objects.filter(city=city, person=request.user).select_related("qualification")
        )
    return render(
        request,
        "credentials/find.html",
        {
            "city": city,
            "form": form,
            "plan": plan,
            "steps": steps,
            "target": target,
            "save_form": save_form,
            "saved": saved,
        },
        status=400 if request.GET and form.errors else 200,
    )


def _plan_json(plan) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "steps": [
            {
                "opportunity": step.offer.key,
                "title": step.offer.title,
                "covers": list(step.covers),
                "starts": step.offer.starts.isoformat() if step.offer.starts else None,
                "cost": step.offer.cost,
            }
            for step in plan.steps
        ],
        "gaps": [{"code": gap.code, "title": gap.title, "reason": gap.reason} for gap in plan.gaps],
        "total_cost": plan.total_cost,
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def recognition_view(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    user = _user(request)
    form = ApplyForm(request.POST or None, qualifications=for_city(Qualification, city))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                application = recognition.apply_for_recognition(
                    applicant=user,
                    city=city,
                    qualification=form.cleaned_data["qualification"],
                    statement=form.cleaned_data["statement"],
                    foreign_title=form.cleaned_data["foreign_title"],
                    foreign_country=form.cleaned_data["foreign_country"],
                    foreign_isced_level=form.cleaned_data["foreign_isced_level"],
                    files=request.FILES.getlist("evidence"),
                )
                messages.success(request, _("Your application was sent to the assessors."))
                return redirect(
                    "credentials:application", city_slug=city.slug, public_id=application.public_id
                )
            except NotEligible as refusal:
                form.add_error(None, str(refusal))
        status = 400
    to_assess = [
        each
        for each in for_city(RecognitionApplication, city)
        .filter(status=RecognitionApplication.Status.SUBMITTED)
        .select_related("qualification__provider", "applicant")[:100]
        if permissions.can_assess(user, each)
    ]
    return render(
        request,
        "credentials/recognition.html",
        {
            "city": city,
            "form": form,
            "mine": pathways.applications_of(user, city),
            "to_assess": to_assess,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def application(request: HttpRequest, city_slug: str, public_id: str) -> HttpResponse:
    city = get_city(city_slug)
    user = _user(request)
    found = get_in_city(
        RecognitionApplication.objects.select_related("qualification__provider", "applicant"),
        city,
        public_id=public_id,
    )
    if not permissions.can_see_application(user, found):
        raise PageNotFound(_("This page does not exist in this city."))
    assessor = permissions.can_assess(user, found)
    form = DecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not assessor:
            form = DecisionForm()
            messages.error(request, _("You cannot decide on your own application."))
            status = 403
        elif form.is_valid():
            unit = found.qualification.units.filter(pk=form.cleaned_data["unit"]).first()
            try:
                if unit is None:
                    raise NotEligible(_("This unit is not part of the qualification applied for."))
                recognition.decide_unit(
                    assessor=user,
                    application=found,
                    unit=unit,
                    outcome=form.cleaned_data["outcome"],
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("Decision recorded."))
                return redirect(
                    "credentials:application", city_slug=city.slug, public_id=found.public_id
                )
            except NotEligible as refusal:
                messages.error(request, str(refusal))
                status = 400
        else:
            status = 400
    decisions = {decision.unit_id: decision for decision in found.decisions.all()}
    units = [(unit, decisions.get(unit.pk)) for unit in found.qualification.units.all()]
    return render(
        request,
        "credentials/application.html",
        {
            "city": city,
            "application": found,
            "units": units,
            "assessor": assessor,
            "form": form,
            "evidence": found.evidence.all(),
        },
        status=status,
    )


@login_required
@require_safe
def evidence_file(request: HttpRequest, city_slug: str, public_id: str, pk: int) -> HttpResponse:
    """An evidence file, as a download, for the applicant and the assessors only."""
    city = get_city(city_slug)
    found = get_in_city(
        RecognitionApplication.objects.select_related("qualification__provider"),
        city,
        public_id=public_id,
    )
    if not permissions.can_see_application(request.user, found):
        raise PageNotFound(_("This page does not exist in this city."))
    item = found.evidence.filter(pk=pk).first()
    if item is None:
        raise PageNotFound(_("This page does not exist in this city."))
    with item.file.open("rb") as stored:
        response = HttpResponse(stored.read(), content_type=item.content_type)
    response["Content-Disposition"] = f'attachment; filename="evidence-{item.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_qualification(request: HttpRequest, city_slug: str, public_id: str = "") -> HttpResponse:
    """Create or change a qualification and its units (and which of the city's
    opportunities prepare for each), in one form."""
    from django.forms import inlineformset_factory

    city = get_city(city_slug)
    user = _user(request)
    require(permissions.can_manage_qualifications(user, city))
    found = get_in_city(Qualification, city, public_id=public_id) if public_id else None
    if found is not None and not permissions.can_edit_qualification(user, found):
        raise PageNotFound(_("This page does not exist in this city."))
    units_formset = inlineformset_factory(
        Qualification, Unit, form=UnitForm, extra=2, can_delete=True
    )
    form = QualificationForm(request.POST or None, instance=found)
    formset = units_formset(
        request.POST or None, instance=found or Qualification(city=city), prefix="units"
    )
    opportunities = for_city(Opportunity, city).order_by("title")
    for unit_form in formset.forms:
        unit_form.fields["opportunities"].queryset = opportunities  # type: ignore[attr-defined]
        unit_form.fields["opportunities"].required = False
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        with transaction.atomic():
            qualification = form.save(commit=False)
            qualification.city = city
            if qualification.provider_id is None and not can_manage_city(user, city):
                qualification.provider = permissions.issuing_providers(user, city).first()
            try:
                with transaction.atomic():
                    qualification.save()
            except IntegrityError:
                form.add_error("code", _("Another qualification of this city has this code."))
            else:
                formset.instance = qualification
                formset.save()
                record_event(
                    user,
                    "credentials.qualification_saved",
                    city=city,
                    target=str(qualification.public_id),
                )
                messages.success(request, _("Qualification saved."))
                return redirect(
                    "credentials:qualification",
                    city_slug=city.slug,
                    public_id=qualification.public_id,
                )
    return render(
        request,
        "credentials/qualification_form.html",
        {"city": city, "form": form, "formset": formset, "qualification": found},
        status=400 if request.method == "POST" else 200,
    )
