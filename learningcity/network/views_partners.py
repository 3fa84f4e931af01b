"""Partnerships and capacity development: partner organisations and their
partnerships (public pages; network coordinators write through
``partner_services``), the network's trainings (catalogue opportunities of the
network's provider) and certificates of attendance with their public check. Thin
views: read the request, check ``permissions``, call the services, render."""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from learningcity.catalogue.models import Enrolment
from learningcity.core.forms import show_service_errors
from learningcity.core.http import PageNotFound
from learningcity.core.models import User

from . import certificates, partner_services, permissions
from .forms_partners import PartnerForm, PartnershipForm, TrainingCityForm, VerifyForm
from .models_partners import Partner, PartnerKind, Partnership

TRAININGS_SHOWN = 100


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _partner(slug: str) -> Partner:
    found = Partner.objects.filter(slug=slug[:80]).first()
    if found is None:
        raise PageNotFound(_("There is no such partner organisation."))
    return found


# -- partners ---------------------------------------------------------------------------


@require_safe
def partners(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    found = Partner.objects.annotate(partnership_count=Count("partnerships"))
    if kind in PartnerKind.values:
        found = found.filter(kind=kind)
    else:
        kind = ""
    return render(
        request,
        "network/partners.html",
        {
            "partners": list(found.order_by("name", "pk")),
            "kinds": PartnerKind.choices,
            "kind": kind,
            "can_manage": permissions.can_manage_partners(request.user),
        },
    )


@require_safe
def partner(request: HttpRequest, slug: str) -> HttpResponse:
    found = _partner(slug)
    partnerships = list(
        found.partnerships.prefetch_related("cities", "clusters", "practices").order_by(
            "-starts_on", "-pk"
        )
    )
    return render(
        request,
        "network/partner.html",
        {
            "partner": found,
            "partnerships": partnerships,
            "can_manage": permissions.can_manage_partners(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def partner_form(request: HttpRequest, slug: str = "") -> HttpResponse:
    permissions.require(permissions.can_manage_partners(request.user))
    found = _partner(slug) if slug else None
    initial = (
        {name: getattr(found, name) for name in partner_services.PARTNER_FIELDS} if found else {}
    )
    form = PartnerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if found is None:
                saved = partner_services.create_partner(
                    actor=_user(request), fields=form.cleaned_data
                )
            else:
                saved = partner_services.update_partner(
                    actor=_user(request), partner=found, fields=form.cleaned_data
                )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The partner organisation is saved."))
            return redirect("network:partner", slug=saved.slug)
    return render(
        request,
        "network/partner_form.html",
        {"partner": found, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def partnership_form(request: HttpRequest, slug: str = "", pk: int | None = None) -> HttpResponse:
    permissions.require(permissions.can_manage_partners(request.user))
    existing: Partnership | None = None
    if pk is not None:
        existing = Partnership.objects.select_related("partner").filter(pk=pk).first()
        if existing is None:
            raise PageNotFound(_("There is no such partnership."))
        found = existing.partner
    else:
        found = _partner(slug)
    initial: dict[str, Any] = {}
    if existing is not None:
        initial = {
            "role": existing.role,
            "description": existing.description,
            "starts_on": existing.starts_on,
            "ends_on": existing.ends_on,
            "cities": list(existing.cities.all()),
            "clusters": list(existing.clusters.all()),
            "practices": list(existing.practices.all()),
        }
    form = PartnershipForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if existing is None:
                partner_services.create_partnership(
                    actor=_user(request), partner=found, fields=form.cleaned_data
                )
            else:
                partner_services.update_partnership(
                    actor=_user(request), partnership=existing, fields=form.cleaned_data
                )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The partnership is saved."))
            return redirect("network:partner", slug=found.slug)
    return render(
        request,
        "network/partnership_form.html",
        {"partner": found, "partnership": existing, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def partnership_delete(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require(permissions.can_manage_partners(request.user))
    existing = Partnership.objects.select_related("partner").filter(pk=pk).first()
    if existing is None:
        raise PageNotFound(_("There is no such partnership."))
    slug = existing.partner.slug
    partner_services.delete_partnership(actor=_user(request), partnership=existing)
    messages.success(request, _("The partnership is removed."))
    return redirect("network:partner", slug=slug)


# -- trainings ----------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def trainings(request: HttpRequest) -> HttpResponse:
    """The network's trainings in every city's catalogue. A network coordinator picks
    the city whose catalogue lists a new training and goes to the catalogue's own
    provider workspace (as the network's provider staff)."""
    can_manage = permissions.can_manage_partners(request.user)
    form = TrainingCityForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        permissions.require(can_manage and form is not None)
        assert form is not None
        if form.is_valid():
            city = form.cleaned_data["city"]
            provider = partner_services.ensure_network_provider(city=city, actor=_user(request))
            return redirect(
                reverse(
                    "catalogue:workspace_provider",
                    kwargs={"city_slug": city.slug, "provider_slug": provider.slug},
                )
            )
    found = partner_services.network_trainings().annotate(session_count=Count("sessions"))
    if not can_manage:
        found = found.filter(is_published=True)
    return render(
        request,
        "network/trainings.html",
        {
            "trainings": list(found[:TRAININGS_SHOWN]),
            "form": form,
            "can_manage": can_manage,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_safe
def my_certificates(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "network/my_certificates.html",
        {"enrolments": list(partner_services.attended_trainings(_user(request))[:200])},
    )


@login_required
@require_safe
def certificate_download(request: HttpRequest, enrolment_id: str) -> HttpResponse:
    enrolment = (
        Enrolment.objects.select_related(
            "session__opportunity__provider", "session__opportunity__city", "user"
        )
        .filter(public_id=enrolment_id)
        .first()
    )
    if enrolment is None or not permissions.can_download_certificate(request.user, enrolment):
        raise PageNotFound(_("There is no such certificate."))
    try:
        certificate = partner_services.issue_certificate(actor=_user(request), enrolment=enrolment)
    except partner_services.NoCertificate as refusal:
        return render(
            request,
            "network/certificate_refused.html",
            {"enrolment": enrolment, "reason": refusal.message},
            status=403,
        )
    pdf = certificates.render_certificate_pdf(certificate, translation.get_language() or "en")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def certificate_check(request: HttpRequest) -> HttpResponse:
    """The form where a code from a certificate is typed (GET, so it can be bookmarked)."""
    form = VerifyForm(request.GET or None)
    if request.GET and form.is_valid():
        code = "".join(ch for ch in form.cleaned_data["code"].upper() if ch.isalnum())
        if code:
            return redirect("network:certificate_verify", code=code[:20])
    return render(request, "network/certificate_check.html", {"form": form})


@require_safe
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    certificate = partner_services.verified_certificate(code)
    context: dict[str, Any] = {"code": code[:20], "certificate": certificate, "form": VerifyForm()}
    if certificate is not None:
        context["holder"] = partner_services.holder_initials(certificate.enrolment.user)
        context["session"] = certificate.enrolment.session
        context["opportunity"] = certificate.enrolment.session.opportunity
    return render(
        request,
        "network/certificate_verify.html",
        context,
        status=200 if certificate is not None else 404,
    )
