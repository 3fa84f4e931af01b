"""One-time voting by e-mail, proposal pictures and the map of proposals
(``/<city-slug>/participate/<process>/...``)."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.decorators import ratelimit

from learningcity.core import ratelimits
from learningcity.core.forms import show_service_errors
from learningcity.core.http import PageNotFound
from learningcity.core.models import User
from learningcity.core.permissions import require
from learningcity.core.tenancy import for_city

from . import email_voting, permissions, proposal_images, services
from .forms_civic import EmailVoteForm, ProposalImagesForm
from .models import Proposal, ProposalImage
from .views import _budget, _process, _proposal

# ---- one-time voting by e-mail --------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@ratelimits.limit("email_to_typed_address", email_field="email")
def budget_email(request: HttpRequest, city_slug: str, slug: str, budget_slug: str) -> HttpResponse:
    """Type an e-mail address, get a one-time voting link."""
    city, process, budget = _budget(city_slug, slug, budget_slug)
    if not permissions.may_vote_by_email(request.user, budget):
        return redirect("participation:budget", city.slug, process.slug, budget.slug)
    form = EmailVoteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if ratelimits.is_limited(request):
            form.add_error(None, str(ratelimits.LIMITED_MESSAGE))
            status = ratelimits.LIMITED_STATUS
        elif form.is_valid():
            try:
                email_voting.send_vote_link(
                    budget=budget,
                    address=form.cleaned_data["email"],
                    language=request.LANGUAGE_CODE,
                )
            except ValidationError as error:
                show_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "We sent a link to this address. Open it within 24 hours to vote. "
                        "No e-mail? Look in your spam folder."
                    ),
                )
                return redirect("participation:budget", city.slug, process.slug, budget.slug)
    return render(
        request,
        "participation/budget_email.html",
        {"city": city, "process": process, "budget": budget, "form": form},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(
    group="learningcity:participation_post:email-ballot",
    key="ip",
    rate=ratelimits.rate_for("participation_post"),
    method=ratelimit.ALL,
    block=False,
)
def budget_email_ballot(
    request: HttpRequest, city_slug: str, slug: str, budget_slug: str, token: str
) -> HttpResponse:
    """The ballot behind a confirmed link; one vote per address. Opening it and voting
    both count towards the ``participation_post`` rate, per client address."""
    city, process, budget = _budget(city_slug, slug, budget_slug)
    chosen: set[int] = set()
    link_problem = error = ""
    status = 200
    if ratelimits.is_limited(request):
        link_problem = str(ratelimits.LIMITED_MESSAGE)
        status = ratelimits.LIMITED_STATUS
    elif request.method == "POST":
        status = 400
        try:
            chosen = {int(v) for v in request.POST.getlist("projects")}
            email_voting.cast_email_ballot(budget=budget, token=token, project_ids=chosen)
        except ValueError:
            error = _("Choose projects from the list.")
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            messages.success(
                request,
                _("Your vote is counted. It is secret: it is stored without your e-mail address."),
            )
            return redirect("participation:budget", city.slug, process.slug, budget.slug)
    else:
        try:
            email_voting.confirm_link(budget=budget, token=token)
        except ValidationError as refusal:
            link_problem = " ".join(refusal.messages)
            status = 400
    return render(
        request,
        "participation/budget_email_ballot.html",
        {
            "city": city,
            "process": process,
            "budget": budget,
            "projects": list(budget.projects.select_related("district")),
            "chosen": chosen,
            "error": error,
            "link_problem": link_problem,
        },
        status=status,
    )


# ---- proposal pictures --------------------------------------------------------------


@require_safe
def proposal_image(
    request: HttpRequest, city_slug: str, slug: str, pk: int, image_id: int
) -> FileResponse:
    city, process = _process(city_slug, slug)
    proposal = _proposal(city, process, pk)
    if proposal.is_hidden and not permissions.can_manage_participation(request.user, city):
        raise PageNotFound(_("There is no such picture."))
    image = ProposalImage.objects.filter(proposal=proposal, pk=_int(str(image_id))).first()
    if image is None:
        raise PageNotFound(_("There is no such picture."))
    try:
        stored = image.file.open("rb")
    except FileNotFoundError:
        raise PageNotFound(_("There is no such picture.")) from None
    response = FileResponse(stored, content_type="image/jpeg")
    # Private and short: once a proposal is hidden, no shared cache keeps its pictures.
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@ratelimits.limit("participation_post")
@require_http_methods(["POST"])
def proposal_image_remove(
    request: HttpRequest, city_slug: str, slug: str, pk: int, image_id: int
) -> HttpResponse:
    """A coordinator (or the author) removes one picture, for example an unsuitable one."""
    city, process = _process(city_slug, slug)
    proposal = _proposal(city, process, pk)
    require(permissions.can_remove_proposal_image(request.user, proposal))
    if ratelimits.is_limited(request):
        messages.error(request, str(ratelimits.LIMITED_MESSAGE))
    else:
        image = ProposalImage.objects.filter(proposal=proposal, pk=_int(str(image_id))).first()
        if image is not None:
            proposal_images.remove_proposal_image(actor=cast(User, request.user), image=image)
            messages.success(request, _("The picture is removed."))
    return redirect("participation:proposal", city.slug, process.slug, pk)


@login_required
@ratelimits.limit("participation_post")
@require_http_methods(["GET", "HEAD", "POST"])
def proposal_pictures(request: HttpRequest, city_slug: str, slug: str, pk: int) -> HttpResponse:
    """The author adds (all or none) or removes pictures of their proposal."""
    city, process = _process(city_slug, slug)
    proposal = _proposal(city, process, pk)
    require(permissions.can_edit_proposal_images(request.user, proposal))
    actor = cast(User, request.user)
    images = list(proposal.images.all())
    form = ProposalImagesForm(
        request.POST or None,
        request.FILES or None,
        slots=max(proposal_images.MAX_IMAGES - len(images), 0),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if ratelimits.is_limited(request):
            form.add_error(None, str(ratelimits.LIMITED_MESSAGE))
            status = ratelimits.LIMITED_STATUS
        elif request.POST.get("remove"):
            image = ProposalImage.objects.filter(
                proposal=proposal, pk=_int(request.POST["remove"])
            ).first()
            if image is not None:
                proposal_images.remove_proposal_image(actor=actor, image=image)
                messages.success(request, _("The picture is removed."))
            return redirect("participation:proposal_pictures", city.slug, process.slug, pk)
        elif form.is_valid():
            uploads = form.uploads()
            if not uploads:
                form.add_error(None, _("Choose at least one picture."))
            else:
                try:
                    proposal_images.add_proposal_images(
                        actor=actor, proposal=proposal, uploads=uploads
                    )
                except ValidationError as error:
                    show_service_errors(form, error)
                else:
                    messages.success(request, _("The pictures are added."))
                    return redirect("participation:proposal", city.slug, process.slug, pk)
    return render(
        request,
        "participation/proposal_pictures.html",
        {
            "city": city,
            "process": process,
            "proposal": proposal,
            "images": images,
            "form": form,
        },
        status=status,
    )


def _int(value: str) -> int:
    """A row id, or 0 (no row) for text that is not one or is beyond what a database
    stores (an id out of range raises OverflowError on SQLite)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return number if 0 < number <= services.LARGEST_ID else 0


# ---- the map of proposals -------------------------------------------------------------

MAP_LIMIT = 500


@require_safe
def proposal_map(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    """The process's visible proposals that have a place: a map, and the same as a list."""
    city, process = _process(city_slug, slug)
    placed = list(
        for_city(Proposal, city)
        .filter(process=process, hidden_at=None, latitude__isnull=False, longitude__isnull=False)
        .only("pk", "title", "latitude", "longitude", "state", "process_id")
        .order_by("-created_at", "-id")[:MAP_LIMIT]
    )
    points = [
        {
            "name": p.title,
            "lat": p.latitude,
            "lng": p.longitude,
            "url": reverse("participation:proposal", args=[city.slug, process.slug, p.pk]),
        }
        for p in placed
    ]
    return render(
        request,
        "participation/proposal_map.html",
        {"city": city, "process": process, "placed": placed, "map_points": points},
    )
