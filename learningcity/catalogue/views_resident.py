"""What a resident does besides joining: keep a search (and stop it), and ask a
provider a question. Both can send e-mail to a typed address, so both are
rate-limited (``core.ratelimits``); a limited request changes nothing."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from learningcity.core import ratelimits
from learningcity.core.models import City
from learningcity.core.tenancy import get_in_city

from . import alerts, questions
from .forms_enrol import QuestionForm, SaveSearchForm
from .models import Opportunity, SavedSearch
from .views_enrol import city_page


def _finder_url(city: City, query: str) -> str:
    base = reverse("catalogue:finder", kwargs={"city_slug": city.slug})
    return f"{base}?{query}" if query else base


@require_POST
@ratelimits.limit("email_to_typed_address", email_field="email")
@city_page
def save_search(request: HttpRequest, city: City) -> HttpResponse:
    form = SaveSearchForm(request.POST)
    signed_in = request.user.is_authenticated
    if ratelimits.is_limited(request):
        return _limited(request, "catalogue/saved_search.html", {"city": city, "form": form})
    if form.is_valid() and (signed_in or form.cleaned_data["email"]):
        query = form.cleaned_data["query"]
        try:
            alerts.save_search(
                city=city,
                query=query,
                user=request.user if signed_in else None,  # type: ignore[arg-type]
                email=form.cleaned_data["email"],
                language=request.LANGUAGE_CODE,
            )
        except alerts.SearchNotSaved as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                _("Saved. We will e-mail you when something new matches this search.")
                if signed_in
                else _(
                    "Nearly done: we have sent you an e-mail. Open the link in it to start "
                    "getting news about this search."
                ),
            )
        return redirect(_finder_url(city, query))
    if not signed_in and form.is_valid():
        form.add_error("email", _("Give your email address, so we can tell you."))
    return render(request, "catalogue/saved_search.html", {"city": city, "form": form}, status=400)


def _saved(city: City, saved_id: UUID) -> SavedSearch:
    return get_in_city(SavedSearch.objects.select_related("city", "user"), city, public_id=saved_id)


@never_cache
@city_page
def saved_search_confirm(request: HttpRequest, city: City, saved_id: UUID) -> HttpResponse:
    """The link in the opt-in e-mail: GET asks (mail scanners open links), POST starts."""
    saved = _saved(city, saved_id)
    if request.method == "POST":
        alerts.confirm_saved_search(saved)
        messages.success(request, _("Confirmed. We will e-mail you when something new matches."))
        return redirect(_finder_url(city, saved.query))
    return render(
        request,
        "catalogue/saved_search_manage.html",
        {
            "city": city,
            "saved": saved,
            "action": "confirm",
            "search_url": _finder_url(city, saved.query),
        },
    )


@never_cache
@city_page
def saved_search_stop(request: HttpRequest, city: City, saved_id: UUID) -> HttpResponse:
    """The link in every alert: GET asks once, POST stops."""
    saved = _saved(city, saved_id)
    if request.method == "POST":
        alerts.delete_saved_search(saved)
        messages.success(request, _("Stopped. We will not e-mail you about this search again."))
        return redirect("catalogue:finder", city_slug=city.slug)
    return render(
        request,
        "catalogue/saved_search_manage.html",
        {
            "city": city,
            "saved": saved,
            "action": "stop",
            "search_url": _finder_url(city, saved.query),
        },
    )


@require_POST
@ratelimits.limit("email_to_typed_address", email_field="email")
@city_page
def ask_question(request: HttpRequest, city: City, slug: str) -> HttpResponse:
    opportunity = get_in_city(
        Opportunity.objects.select_related("provider", "city"), city, slug=slug, is_published=True
    )
    form = QuestionForm(request.POST, auto_id="ask-%s")
    context: dict[str, Any] = {"city": city, "opportunity": opportunity, "form": form}
    if ratelimits.is_limited(request):
        return _limited(request, "catalogue/question.html", context)
    if form.is_valid():
        try:
            questions.ask_provider(opportunity=opportunity, **form.cleaned_data)
        except questions.QuestionNotSent as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                _("Your question is sent. The provider will answer you by e-mail."),
            )
            return redirect("catalogue:opportunity", city_slug=city.slug, slug=opportunity.slug)
    return render(request, "catalogue/question.html", context, status=400)


def _limited(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    messages.error(request, str(ratelimits.LIMITED_MESSAGE))
    return render(request, template, context, status=ratelimits.LIMITED_STATUS)
