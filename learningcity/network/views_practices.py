"""The good-practice library: search, the case page, writing, translating, review,
revisions, pictures and the CSV export."""

import csv
import io
import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from learningcity.core.forms import show_service_errors
from learningcity.core.http import PageNotFound, absolute_url
from learningcity.core.models import UnescoRegion
from learningcity.core.tenancy import for_city, get_city

from . import permissions, search, services
from .forms import ImageForm, PracticeForm, ReviewForm, TranslationForm
from .importer import safe_cells
from .models import Practice, PracticeImage, PracticeRevision
from .practice_fields import FIELDS, in_language, normalised
from .revisions import compare
from .similarity import similar_to
from .views_directory import query_without_page
from .vocabulary import (
    PRACTICE_LANGUAGE_NAMES,
    PRACTICE_LANGUAGES,
    SDG_NAMES,
    THEME_NAMES,
    THEMES,
    PracticeStatus,
)

PAGE_SIZE = 20
LIBRARY_FACETS = ("theme", "sdg", "language", "region")


def _get_practice(pk: int) -> Practice:
    practice = (
        Practice.objects.select_related("city", "current_revision", "published_revision")
        .filter(pk=pk)
        .first()
    )
    if practice is None:
        raise PageNotFound(_("There is no such good practice."))
    return practice


def _visible_practice(request: HttpRequest, pk: int) -> Practice:
    """A practice the visitor may see; an unpublished one is a 404 for others (so its
    existence does not leak)."""
    practice = _get_practice(pk)
    if not permissions.can_view_practice(request.user, practice):
        raise PageNotFound(_("There is no such good practice."))
    return practice


def _editable_practice(request: HttpRequest, pk: int) -> Practice:
    practice = _visible_practice(request, pk)
    permissions.require(permissions.can_edit_practice(request.user, practice))
    return practice


def _reader_language() -> str:
    language = (get_language() or "en").lower()
    return "zh-hans" if language.startswith("zh") else language.split("-")[0]


def _choice_labels() -> dict[str, list[tuple[str, str]]]:
    return {
        "theme": [(code, str(label)) for code, label in THEMES],
        "sdg": [(str(goal), f"{goal}. {label}") for goal, label in SDG_NAMES.items()],
        "language": [(code, str(label)) for code, label in PRACTICE_LANGUAGES],
        "region": [(code, str(label)) for code, label in UnescoRegion.choices],
    }


@require_safe
def library(request: HttpRequest) -> HttpResponse:
    labels = _choice_labels()
    text = request.GET.get("q", "")[:200].replace("\x00", "")
    filters: dict[str, frozenset[str]] = {}
    for name in LIBRARY_FACETS:
        allowed = {code for code, _label in labels[name]}
        chosen = frozenset(value for value in request.GET.getlist(name) if value in allowed)
        if chosen:
            filters[name] = chosen
    try:
        page_number = max(1, min(int(request.GET.get("page", "1")), 500))
    except ValueError:
        page_number = 1
    language = _reader_language()
    languages = tuple(dict.fromkeys([language, "en"]))
    result = search.search_library(
        text, filters, languages=languages, offset=(page_number - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    keys = [hit.key for hit in result.hits]
    rows = {
        practice.pk: practice
        for practice in Practice.objects.published()
        .filter(pk__in=keys)
        .select_related("city")
        .only(
            "id",
            "title",
            "summary",
            "language",
            "themes",
            "published_at",
            "city__name",
            "city__slug",
            "city__country_code",
        )
    }
    practices = [rows[key] for key in keys if key in rows]
    paginator = Paginator(range(result.total), PAGE_SIZE)
    page = paginator.get_page(page_number)
    facets = [
        {
            "name": name,
            "legend": legend,
            "options": [
                {
                    "value": value,
                    "label": label,
                    "count": result.facets.get(name, {}).get(value, 0),
                    "checked": value in filters.get(name, ()),
                }
                for value, label in labels[name]
            ],
        }
        for name, legend in [
            ("theme", _("Themes")),
            ("sdg", _("Sustainable Development Goals")),
            ("language", _("Language")),
            ("region", _("UNESCO region")),
        ]
    ]
    return render(
        request,
        "network/library.html",
        {
            "text": text,
            "facets": facets,
            "practices": practices,
            "total": result.total,
            "page_obj": page,
            "query_without_page": query_without_page(request),
            "unknown_words": result.unknown_words,
            "can_write": request.user.is_authenticated
            and bool(permissions.practice_cities(request.user)),
            "theme_names": THEME_NAMES,
        },
    )


def json_ld(practice: Practice, data: dict[str, Any]) -> SafeString:
    """schema.org JSON-LD for the case page. Data, not a script: the browser does
    not run it, so the Content-Security-Policy allows it; ``<``, ``>`` and ``&`` are
    written as escapes so no text can close the element."""
    document = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "name": data["title"],
        "abstract": data["summary"],
        "inLanguage": data["language"],
        "url": absolute_url(reverse("network:practice", args=[practice.pk])),
        "datePublished": practice.published_at.date().isoformat()
        if practice.published_at
        else None,
        "keywords": [str(THEME_NAMES.get(code, code)) for code in data["themes"]],
        "spatialCoverage": {
            "@type": "City",
            "name": practice.city.name,
            "address": {"@type": "PostalAddress", "addressCountry": practice.city.country_code},
        },
        "publisher": {"@type": "Organization", "name": practice.city.name},
        "about": [
            {"@type": "Thing", "name": f"SDG {goal}: {SDG_NAMES.get(int(goal), '')}"}
            for goal in data["sdgs"]
        ],
        "workTranslation": [
            {"@type": "CreativeWork", "inLanguage": language, "name": wording.get("title", "")}
            for language, wording in sorted((data.get("translations") or {}).items())
        ],
    }
    text = json.dumps(document, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)


def _case_context(
    request: HttpRequest, practice: Practice, revision: PracticeRevision | None
) -> dict[str, Any]:
    data = normalised(revision.data if revision else {})
    shown = in_language(data, _reader_language())
    return {
        "practice": practice,
        "revision": revision,
        "data": shown,
        "original_language": data["language"],
        "translated": shown is not data and any(shown[f.name] != data[f.name] for f in FIELDS),
        "theme_labels": [str(THEME_NAMES.get(code, code)) for code in data["themes"]],
        "sdg_labels": [f"{goal}. {SDG_NAMES.get(int(goal), '')}" for goal in data["sdgs"]],
        "language_name": PRACTICE_LANGUAGE_NAMES.get(data["language"], data["language"]),
        "translations": [
            PRACTICE_LANGUAGE_NAMES.get(code, code) for code in sorted(data["translations"])
        ],
        "images": list(practice.images.all()),
    }


@require_safe
def practice(request: HttpRequest, pk: int) -> HttpResponse:
    found = _visible_practice(request, pk)
    can_edit = permissions.can_edit_practice(request.user, found)
    # Readers see the published revision; the city and reviewers may look at the newest.
    wants_newest = request.GET.get("revision") == "newest" and can_edit
    revision = (
        found.current_revision
        if wants_newest or not found.is_published
        else found.published_revision
    )
    context = _case_context(request, found, revision)
    context.update(
        {
            "can_edit": can_edit,
            "can_review": permissions.can_review_practices(request.user),
            "showing_newest": revision is not None and revision == found.current_revision,
            "has_newer": found.is_published
            and found.current_revision_id != found.published_revision_id,
            "similar": similar_to(found) if found.is_published else [],
            "json_ld": json_ld(found, context["data"]) if found.is_published else "",
            "theme_names": THEME_NAMES,
            "can_see_contact": request.user.is_authenticated,
        }
    )
    return render(request, "network/practice.html", context)


class _CityChoice(forms.Form):
    city = forms.ChoiceField(label=_("City"))


def _practice_form_context(form: forms.Form, **extra: Any) -> dict[str, Any]:
    return {"form": form, **extra}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def practice_new(request: HttpRequest) -> HttpResponse:
    cities = permissions.practice_cities(request.user)
    permissions.require(bool(cities))
    form = PracticeForm(request.POST or None, initial={"language": _reader_language()})
    form.fields["city"] = forms.ChoiceField(
        label=_("City"), choices=[(city.slug, city.name) for city in cities]
    )
    if request.GET.get("city") in {city.slug for city in cities}:
        form.fields["city"].initial = request.GET["city"]
    form.order_fields(["city"])
    if request.method == "POST" and form.is_valid():
        city = next(city for city in cities if city.slug == form.cleaned_data["city"])
        try:
            created = services.create_practice(
                actor=request.user,  # type: ignore[arg-type]
                city=city,
                data=form.practice_data(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(
                request, _("The practice is saved as a draft. Send it for review when it is ready.")
            )
            return redirect("network:practice", pk=created.pk)
    return render(request, "network/practice_form.html", {"form": form, "practice": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def practice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = _editable_practice(request, pk)
    current = normalised(found.current_revision.data if found.current_revision else {})
    form = PracticeForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_practice(
                actor=request.user,  # type: ignore[arg-type]
                practice=found,
                data=form.practice_data(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Your changes are saved as a new draft revision."))
            return redirect(reverse("network:practice", args=[found.pk]) + "?revision=newest")
    return render(request, "network/practice_form.html", {"form": form, "practice": found})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def practice_translate(request: HttpRequest, pk: int) -> HttpResponse:
    found = _editable_practice(request, pk)
    data = normalised(found.current_revision.data if found.current_revision else {})
    language = request.POST.get("language") or request.GET.get("language", "")
    initial = {"language": language, **(data["translations"].get(language) or {})}
    form = TranslationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        wording = {name: value for name, value in form.cleaned_data.items() if name != "language"}
        try:
            services.save_practice_translation(
                actor=request.user,  # type: ignore[arg-type]
                practice=found,
                language=form.cleaned_data["language"],
                wording=wording,
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The translation is saved as a new draft revision."))
            return redirect(reverse("network:practice", args=[found.pk]) + "?revision=newest")
    return render(
        request,
        "network/practice_translate.html",
        {"form": form, "practice": found, "original": data},
    )


@login_required
@require_POST
def practice_submit(request: HttpRequest, pk: int) -> HttpResponse:
    found = _editable_practice(request, pk)
    try:
        services.submit_practice(actor=request.user, practice=found)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The practice is sent for review."))
    return redirect("network:practice", pk=found.pk)


@login_required
@require_POST
def practice_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    found = _editable_practice(request, pk)
    services.withdraw_practice(actor=request.user, practice=found)  # type: ignore[arg-type]
    messages.success(request, _("The practice is withdrawn: readers no longer see it."))
    return redirect("network:practice", pk=found.pk)


@login_required
@require_safe
def review_queue(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_review_practices(request.user))
    waiting = (
        Practice.objects.filter(status=PracticeStatus.SUBMITTED)
        .select_related("city", "current_revision")
        .order_by("id")
    )
    page = Paginator(waiting, 50).get_page(request.GET.get("page"))
    return render(
        request, "network/review_queue.html", {"page_obj": page, "query_without_page": ""}
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def practice_review(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require(permissions.can_review_practices(request.user))
    found = _get_practice(pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_practice(
                actor=request.user,  # type: ignore[arg-type]
                practice=found,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            if form.cleaned_data["decision"] == "publish":
                messages.success(request, _("The practice is published."))
            else:
                messages.success(request, _("The practice is returned to the city."))
            return redirect("network:practice", pk=found.pk)
    published = found.published_revision.data if found.published_revision else {}
    newest = found.current_revision.data if found.current_revision else {}
    return render(
        request,
        "network/practice_review.html",
        {
            "practice": found,
            "form": form,
            "changes": compare(published, newest),
            "first_publication": found.published_revision is None,
            "waiting": found.status == PracticeStatus.SUBMITTED,
        },
    )


@login_required
@require_safe
def revisions(request: HttpRequest, pk: int) -> HttpResponse:
    found = _visible_practice(request, pk)
    permissions.require(permissions.can_see_revisions(request.user, found))
    listed = list(
        found.revisions.select_related("created_by").only(
            "number", "note", "created_at", "created_by__display_name", "practice_id"
        )
    )
    numbers = [revision.number for revision in listed]
    changes = None
    chosen: tuple[int, int] | None = None
    try:
        old, new = int(request.GET.get("from", "")), int(request.GET.get("to", ""))
    except ValueError:
        old = new = 0
    if old in numbers and new in numbers:
        data = dict(found.revisions.filter(number__in=[old, new]).values_list("number", "data"))
        changes = compare(data[old], data[new])
        chosen = (old, new)
    elif len(numbers) >= 2:
        chosen = (numbers[1], numbers[0])
    return render(
        request,
        "network/practice_revisions.html",
        {"practice": found, "revisions": listed, "changes": changes, "chosen": chosen},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def images(request: HttpRequest, pk: int) -> HttpResponse:
    found = _editable_practice(request, pk)
    form = ImageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and "remove" in request.POST:
        image = found.images.filter(pk=_int(request.POST.get("remove"))).first()
        if image is not None:
            services.remove_practice_image(actor=request.user, image=image)  # type: ignore[arg-type]
            messages.success(request, _("The picture is removed."))
        return redirect("network:practice_images", pk=found.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_practice_image(
                actor=request.user,  # type: ignore[arg-type]
                practice=found,
                data=form.cleaned_data["image"].read(),
                alt_text=form.cleaned_data["alt_text"],
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The picture is added."))
            return redirect("network:practice_images", pk=found.pk)
    return render(
        request,
        "network/practice_images.html",
        {"practice": found, "form": form, "images": list(found.images.all())},
        status=400 if form.errors else 200,
    )


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@require_safe
def image_file(request: HttpRequest, pk: int, image_id: int) -> FileResponse:
    found = _visible_practice(request, pk)
    image = PracticeImage.objects.filter(practice=found, pk=image_id).first()
    if image is None:
        raise PageNotFound(_("There is no such picture."))
    response = FileResponse(image.file.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400" if found.is_published else "private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


EXPORT_COLUMNS = [
    "id",
    "title",
    "city",
    "country_code",
    "region",
    "language",
    "themes",
    "sdgs",
    "summary",
    "published_at",
    "url",
]


@require_safe
def export(request: HttpRequest) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    rows = (
        Practice.objects.published()
        .select_related("city")
        .order_by("id")
        .values_list(
            "id",
            "title",
            "city__name",
            "city__country_code",
            "city__region",
            "language",
            "themes",
            "sdgs",
            "summary",
            "published_at",
        )
    )
    for pk, title, city, code, region, language, themes, sdgs, summary, published in rows:
        writer.writerow(
            safe_cells(
                [
                    pk,
                    title,
                    city,
                    code,
                    region,
                    language,
                    " ".join(themes),
                    " ".join(str(goal) for goal in sdgs),
                    summary,
                    published.date().isoformat() if published else "",
                    absolute_url(reverse("network:practice", args=[pk])),
                ]
            )
        )
    response = HttpResponse(
        ("\ufeff" + out.getvalue()).encode(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="good-practices.csv"'
    return response


@login_required
@require_safe
def city_practices(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    permissions.require(permissions.can_edit_city_practices(request.user, city))
    found = for_city(Practice, city).select_related("current_revision").order_by("-id")
    page: Page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "network/city_practices.html",
        {"city": city, "page_obj": page, "query_without_page": ""},
    )
