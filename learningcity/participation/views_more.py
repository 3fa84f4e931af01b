"""Surveys, sortitions and assemblies (``/<city-slug>/participate/...``)."""

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from learningcity.core.models import User
from learningcity.core.tenancy import get_city, get_in_city

from . import permissions, surveys
from .models import Assembly, HasAnswered, Sortition, Survey
from .views import _process


@require_http_methods(["GET", "HEAD", "POST"])
def survey(request: HttpRequest, city_slug: str, slug: str, survey_slug: str) -> HttpResponse:
    city, process = _process(city_slug, slug)
    item = get_in_city(Survey.objects.filter(process=process), city, slug=survey_slug)
    questions = list(item.questions.all())
    errors: dict[str, list[str]] = {}
    given: dict[int, list[str]] = {}
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('core:login')}?next={request.path}")
        given = {q.pk: request.POST.getlist(f"q{q.pk}") for q in questions}
        try:
            surveys.answer_survey(actor=cast(User, request.user), survey=item, answers=given)
        except ValidationError as error:
            status = 400
            errors = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        else:
            messages.success(request, _("Thank you: your answers are saved, without your name."))
            return redirect("participation:survey_results", city.slug, process.slug, item.slug)
    answered = (
        request.user.is_authenticated
        and HasAnswered.objects.filter(survey=item, user=request.user).exists()
    )
    rows = [
        {
            "question": q,
            "name": f"q{q.pk}",
            "errors": errors.get(f"q{q.pk}", []),
            "given": given.get(q.pk, []),
        }
        for q in questions
    ]
    return render(
        request,
        "participation/survey.html",
        {
            "city": city,
            "process": process,
            "survey": item,
            "rows": rows,
            "answered": answered,
            "general_errors": errors.get("", []) + errors.get("__all__", []),
            "why_not": permissions.why_not_take_part(request.user, process),
        },
        status=status,
    )


@require_safe
def survey_results(
    request: HttpRequest, city_slug: str, slug: str, survey_slug: str
) -> HttpResponse:
    city, process = _process(city_slug, slug)
    item = get_in_city(Survey.objects.filter(process=process), city, slug=survey_slug)
    if request.GET.get("format") == "csv":
        response = HttpResponse(surveys.results_csv(item), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{item.slug}-results.csv"'
        return response
    return render(
        request,
        "participation/survey_results.html",
        {
            "city": city,
            "process": process,
            "survey": item,
            "responses": item.responses.count(),
            "rows": surveys.survey_results(item),
        },
    )


@require_safe
def sortition(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city = get_city(city_slug)
    item = get_in_city(Sortition, city, slug=slug)
    volunteers = list(item.volunteers.select_related("district"))
    return render(
        request,
        "participation/sortition.html",
        {
            "city": city,
            "sortition": item,
            "volunteers": volunteers,
            "selected": [v for v in volunteers if v.selected],
        },
    )


@require_safe
def assembly(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city = get_city(city_slug)
    item = get_in_city(Assembly, city, slug=slug)
    return render(
        request,
        "participation/assembly.html",
        {
            "city": city,
            "assembly": item,
            "members": list(item.members.all()),
            "meetings": list(item.meetings.select_related("session__opportunity")),
            "can_manage": permissions.can_manage_assembly(request.user, item),
        },
    )
