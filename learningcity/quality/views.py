"""Thin views: the learner's feedback form, the provider's figures, the city's tables,
export and moderation queue. Figures come from ``figures.py`` (the anonymity rule
lives there), writes from ``services.py``, access decisions from ``permissions.py``."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from learningcity.catalogue.models import Provider
from learningcity.catalogue.views_enrol import city_page
from learningcity.core.audit import record_event
from learningcity.core.models import City, User
from learningcity.core.permissions import require
from learningcity.core.tenancy import for_city, get_in_city
from learningcity.monitoring.http import csv_response
from learningcity.monitoring.tables import safe_cell

from . import figures, permissions, services
from .forms import FeedbackForm, ModerationForm
from .models import CommentStatus, Feedback, FeedbackInvitation

MODERATION_PAGE = 30


@never_cache
@city_page
def feedback(request: HttpRequest, city: City, invitation_id: UUID) -> HttpResponse:
    """The link in the invitation e-mail and on "My learning" (a capability link, like
    an enrolment's): GET shows the questions, POST saves the answers once."""
    invitation = get_in_city(
        FeedbackInvitation.objects.select_related(
            "user",
            "city",
            "session__opportunity__provider",
            "session__opportunity__site",
            "session__site",
        ),
        city,
        public_id=invitation_id,
    )
    context: dict[str, Any] = {
        "city": city,
        "invitation": invitation,
        "session": invitation.session,
        "opportunity": invitation.session.opportunity,
    }
    if invitation.answered:
        return render(request, "quality/feedback_done.html", context)
    if not services.is_open(invitation) or not services.attended(invitation):
        context["not_attended"] = services.is_open(invitation)
        return render(request, "quality/feedback_closed.html", context, status=403)
    form = FeedbackForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.give_feedback(
                    invitation=invitation, answers=services.Answers(**form.cleaned_data)
                )
            except services.FeedbackRefused as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(
                    request, _("Thank you. Your answers are saved, without your name.")
                )
                return redirect(
                    "quality:feedback", city_slug=city.slug, invitation_id=invitation_id
                )
        status = 400
    context["form"] = form
    return render(request, "quality/feedback.html", context, status=status)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # the view is login_required


@login_required
@require_safe
@city_page
def providers(request: HttpRequest, city: City) -> HttpResponse:
    """The providers whose figures the person may see (straight to the one, if one)."""
    mine = list(permissions.providers_with_quality(_user(request), city).order_by("name"))
    require(bool(mine))
    if len(mine) == 1:
        return redirect("quality:provider", city_slug=city.slug, provider_slug=mine[0].slug)
    return render(request, "quality/providers.html", {"city": city, "providers": mine})


@login_required
@require_safe
@city_page
def provider_quality(request: HttpRequest, city: City, provider_slug: str) -> HttpResponse:
    provider = get_in_city(Provider, city, slug=provider_slug)
    require(permissions.can_see_provider_quality(_user(request), provider))
    rows = figures.opportunity_rows(city, provider=provider)
    comments = figures.approved_comments(city, provider)
    for row in rows:
        row.comments = comments.get(int(row.key), [])
    by_provider = figures.grouped_rows(city, "provider")
    own = next((row for row in by_provider if row.key == provider.slug), None)
    return render(
        request,
        "quality/provider.html",
        {
            "city": city,
            "provider": provider,
            "rows": rows,
            "own": own or figures.Row(key=provider.slug, label=provider.name),
            "provider_medians": figures.medians_of(by_provider),
            "opportunity_medians": figures.medians_of(figures.opportunity_rows(city)),
            "minimum": figures.minimum_answers(),
        },
    )


def _dimension(request: HttpRequest) -> str:
    wanted = request.GET.get("by", "provider")
    return wanted if wanted in figures.DIMENSIONS else "provider"


@login_required
@require_safe
@city_page
def city_quality(request: HttpRequest, city: City) -> HttpResponse:
    require(permissions.can_see_city_quality(_user(request), city))
    by = _dimension(request)
    rows = figures.grouped_rows(city, by)
    total = figures.Row(key="", label="")
    for row in figures.grouped_rows(city, "provider"):
        total.tally.add(row.tally)
        total.completion.add(row.completion)
    pending = for_city(Feedback, city).filter(comment_status=CommentStatus.PENDING).count()
    return render(
        request,
        "quality/city.html",
        {
            "city": city,
            "by": by,
            "rows": rows,
            "total": total,
            "medians": figures.medians_of(rows),
            "pending": pending,
            "minimum": figures.minimum_answers(),
        },
    )


@login_required
@require_safe
@city_page
def city_export(request: HttpRequest, city: City) -> HttpResponse:
    require(permissions.can_see_city_quality(_user(request), city))
    by = _dimension(request)
    header: list[object] = [
        by,
        "label",
        "opportunities",
        "answers",
        "average_useful",
        "average_accessible",
        "share_recommend",
        "enrolled",
        "attended",
        "completion_rate",
    ]
    table: list[list[object]] = [header]
    for row in figures.grouped_rows(city, by):
        table.append(
            [
                safe_cell(row.key),
                safe_cell(str(row.label)),
                row.opportunities,
                row.tally.answers,
                _rounded(row.tally.mean_useful),
                _rounded(row.tally.mean_accessible),
                _rounded(row.tally.share_recommend),
                row.completion.enrolled,
                row.completion.attended,
                _rounded(row.completion.rate),
            ]
        )
    record_event(_user(request), "quality.exported", city=city, target=by)
    return csv_response(table, f"{city.slug}-quality-by-{by}.csv")


def _rounded(value: float | None) -> object:
    return "" if value is None else round(value, 2)


@login_required
@never_cache
@city_page
def moderation(request: HttpRequest, city: City) -> HttpResponse:
    require(permissions.can_moderate(_user(request), city))
    pending = (
        for_city(Feedback, city)
        .filter(comment_status=CommentStatus.PENDING)
        .select_related("opportunity__provider")
        .order_by("id")
    )
    items = list(pending[:MODERATION_PAGE])
    return render(
        request,
        "quality/moderation.html",
        {
            "city": city,
            "items": [(item, ModerationForm(prefix=f"c{item.pk}")) for item in items],
            "count": pending.count(),
        },
    )


@login_required
@require_POST
@city_page
def moderate(request: HttpRequest, city: City, feedback_id: int) -> HttpResponse:
    require(permissions.can_moderate(_user(request), city))
    item = get_in_city(
        Feedback.objects.select_related("opportunity__provider"), city, pk=feedback_id
    )
    form = ModerationForm(request.POST, prefix=f"c{item.pk}")
    if form.is_valid():
        try:
            services.moderate_comment(
                actor=_user(request),
                feedback=item,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except services.ModerationRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Saved. The next comment is below."))
        return redirect("quality:moderation", city_slug=city.slug)
    return render(
        request,
        "quality/moderation.html",
        {"city": city, "items": [(item, form)], "count": 1, "single": True},
        status=400,
    )
