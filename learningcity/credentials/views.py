"""The city's credential pages: a person's credentials and choices, and the
providers' badges, issuing and revoking."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from learningcity.catalogue.models import Opportunity
from learningcity.core.http import PageNotFound
from learningcity.core.models import User
from learningcity.core.permissions import require
from learningcity.core.tenancy import for_city, get_city, get_in_city

from . import permissions, printing, services
from .forms import AchievementForm, HolderChoiceForm, ResultForm, RevokeForm
from .models import Achievement, HolderChoice, IssueBatch, IssuedCredential, Qualification, Unit


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def mine(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    user = _user(request)
    choice, _created = HolderChoice.objects.get_or_create(user=user)
    form = HolderChoiceForm(request.POST or None, instance=choice)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved. Credentials issued from now on show what you chose."))
        return redirect("credentials:mine", city_slug=city.slug)
    credentials = (
        for_city(IssuedCredential, city).filter(holder=user).select_related("achievement__provider")
    )
    return render(
        request,
        "credentials/mine.html",
        {
            "city": city,
            "form": form,
            "credentials": credentials,
            "can_issue": permissions.can_issue(user, city),
            "now": timezone.now(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def credential_pdf(request: HttpRequest, city_slug: str, public_id: str) -> HttpResponse:
    city = get_city(city_slug)
    credential = get_in_city(
        IssuedCredential.objects.select_related("achievement__provider", "holder"),
        city,
        public_id=public_id,
    )
    if not permissions.can_see_credential(request.user, credential):
        raise PageNotFound(_("There is no such credential."))
    pdf = printing.credential_pdf(credential, translation.get_language() or "en")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="credential-{credential.public_id}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


# ---- providers ------------------------------------------------------------------------


def _achievement_form(request: HttpRequest, city, user: User) -> AchievementForm:  # type: ignore[no-untyped-def]
    providers = permissions.issuing_providers(user, city)
    return AchievementForm(
        request.POST or None,
        providers=providers,
        opportunities=for_city(Opportunity, city).filter(provider__in=providers).order_by("title"),
        units=for_city(Unit, city).select_related("qualification"),
        qualifications=for_city(Qualification, city),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def achievements(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    user = _user(request)
    require(permissions.can_issue(user, city))
    form = _achievement_form(request, city, user)
    if request.method == "POST" and form.is_valid():
        achievement = form.save(commit=False)
        achievement.city = city
        achievement.save()
        messages.success(request, _("Badge created."))
        return redirect(
            "credentials:achievement", city_slug=city.slug, public_id=achievement.public_id
        )
    rows = for_city(Achievement, city).filter(
        provider__in=permissions.issuing_providers(user, city)
    )
    return render(
        request,
        "credentials/achievements.html",
        {
            "city": city,
            "form": form,
            "achievements": rows.select_related("provider", "opportunity"),
        },
        status=400 if form.errors else 200,
    )


def _own_achievement(request: HttpRequest, city_slug: str, public_id: str):  # type: ignore[no-untyped-def]
    city = get_city(city_slug)
    achievement = get_in_city(
        Achievement.objects.select_related("provider", "opportunity"), city, public_id=public_id
    )
    if not permissions.can_manage_achievement(request.user, achievement):
        raise PageNotFound(_("This page does not exist in this city."))
    return city, achievement


@login_required
@require_safe
def achievement(request: HttpRequest, city_slug: str, public_id: str) -> HttpResponse:
    city, found = _own_achievement(request, city_slug, public_id)
    issued = found.credentials.select_related("holder").order_by("-issued_at")[:200]
    return render(
        request,
        "credentials/achievement.html",
        {
            "city": city,
            "achievement": found,
            "completers": services.completers(found)[:200],
            "issued": issued,
            "batches": found.batches.order_by("-created_at")[:5],
            "revoke_form": RevokeForm(),
            "result_form": ResultForm(),
        },
    )


@login_required
@require_POST
def issue(request: HttpRequest, city_slug: str, public_id: str) -> HttpResponse:
    city, found = _own_achievement(request, city_slug, public_id)
    person = (
        User.objects.filter(public_id=request.POST.get("person", "")).first()
        if _is_uuid(request.POST.get("person", ""))
        else None
    )
    if person is None:
        messages.error(request, _("Choose a learner from the list."))
    else:
        try:
            services.issue_credential(actor=_user(request), achievement=found, person=person)
            messages.success(request, _("Credential issued."))
        except services.NotEligible as refusal:
            messages.error(request, _("Not issued: %(reason)s") % {"reason": refusal})
    return redirect("credentials:achievement", city_slug=city.slug, public_id=found.public_id)


@login_required
@require_POST
def issue_all(request: HttpRequest, city_slug: str, public_id: str) -> HttpResponse:
    city, found = _own_achievement(request, city_slug, public_id)
    batch = services.request_batch(actor=_user(request), achievement=found)
    return redirect("credentials:batch", city_slug=city.slug, public_id=batch.public_id)


@login_required
@require_safe
def batch(request: HttpRequest, city_slug: str, public_id: str) -> HttpResponse:
    city = get_city(city_slug)
    found = get_in_city(
        IssueBatch.objects.select_related("achievement__provider"), city, public_id=public_id
    )
    if not permissions.can_manage_achievement(request.user, found.achievement):
        raise PageNotFound(_("This page does not exist in this city."))
    return render(request, "credentials/batch.html", {"city": city, "batch": found})


@login_required
@require_POST
def record_result(request: HttpRequest, city_slug: str, public_id: str) -> HttpResponse:
    city, found = _own_achievement(request, city_slug, public_id)
    form = ResultForm(request.POST)
    if form.is_valid():
        person = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if person is None:
            messages.error(request, _("No account has this e-mail address."))
        else:
            try:
                services.record_assessment(
                    actor=_user(request),
                    achievement=found,
                    person=person,
                    passed=form.cleaned_data["passed"],
                )
                messages.success(request, _("Result recorded."))
            except services.NotEligible as refusal:
                messages.error(request, str(refusal))
    else:
        messages.error(request, _("Give the learner's e-mail address and the result."))
    return redirect("credentials:achievement", city_slug=city.slug, public_id=found.public_id)


@login_required
@require_POST
def revoke(request: HttpRequest, city_slug: str, public_id: str) -> HttpResponse:
    city = get_city(city_slug)
    credential = get_in_city(
        IssuedCredential.objects.select_related("achievement__provider"), city, public_id=public_id
    )
    if not permissions.can_manage_achievement(request.user, credential.achievement):
        raise PageNotFound(_("This page does not exist in this city."))
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.revoke_credential(
                actor=_user(request), credential=credential, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Credential revoked."))
        except services.NotEligible as refusal:
            messages.error(request, str(refusal))
    else:
        messages.error(request, _("Say why the credential is revoked."))
    return redirect(
        "credentials:achievement", city_slug=city.slug, public_id=credential.achievement.public_id
    )


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@login_required
@require_safe
def record_json(request: HttpRequest, city_slug: str) -> HttpResponse:
    get_city(city_slug)
    from .learner_record import record_of

    response = JsonResponse(
        record_of(_user(request)), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = 'attachment; filename="learner-record.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def record_pdf(request: HttpRequest, city_slug: str) -> HttpResponse:
    get_city(city_slug)
    from .learner_record import record_of

    pdf = printing.record_pdf(
        _user(request), record_of(_user(request)), translation.get_language() or "en"
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="learner-record.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def rotate_key(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    chosen = request.POST.get("provider", "")
    providers = permissions.issuing_providers(_user(request), city)
    provider = providers.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    if provider is None:
        raise PageNotFound(_("This page does not exist in this city."))
    key = services.rotate_issuer_key(actor=_user(request), provider=provider)
    messages.success(
        request,
        _("New signing key for %(provider)s: %(did)s. Credentials issued before stay valid.")
        % {"provider": provider.name, "did": key.did},
    )
    return redirect("credentials:achievements", city_slug=city.slug)
