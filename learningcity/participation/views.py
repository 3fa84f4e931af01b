"""Participation pages (``/<city-slug>/participate/...``). Views stay thin: access
check (``permissions``), then a selector or a service, then the template."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from learningcity.catalogue.models import Provider
from learningcity.core import ratelimits
from learningcity.core.forms import show_service_errors
from learningcity.core.http import absolute_url
from learningcity.core.models import City, User
from learningcity.core.permissions import require
from learningcity.core.tenancy import for_city, get_at_address, get_city, get_in_city
from learningcity.monitoring.models import IndicatorValue, ValueStatus

from . import census, emails, permissions, proposal_images, selectors, services
from .forms import (
    AnswerForm,
    CensusForm,
    CommentForm,
    DebateForm,
    ModerateForm,
    NotificationEmailForm,
    ProposalFilterForm,
    ProposalForm,
    ReportForm,
    VerifyForm,
)
from .forms_civic import ProposalImagesForm
from .models import (
    Assembly,
    Budget,
    Comment,
    Debate,
    Follow,
    HasVoted,
    Notification,
    Process,
    Proposal,
    ProposalState,
    Report,
    Result,
    Rule,
    Sortition,
)

PAGE_SIZE = 20


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _process(city_slug: str, slug: str) -> tuple[City, Process]:
    city = get_city(city_slug)
    return city, get_in_city(Process.objects.filter(is_published=True), city, slug=slug)


def _refusal(request: HttpRequest, error: ValidationError) -> None:
    for problem in error.messages:
        messages.error(request, problem)


def _limited(request: HttpRequest) -> bool:
    if ratelimits.is_limited(request):
        messages.error(request, str(ratelimits.LIMITED_MESSAGE))
        return True
    return False


# ---- processes ----------------------------------------------------------------------


@require_safe
def process_list(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    return render(
        request,
        "participation/process_list.html",
        {
            "city": city,
            "processes": list(selectors.visible_processes(city)),
            "assemblies": list(for_city(Assembly, city)),
            "sortitions": list(for_city(Sortition, city).exclude(drawn_at=None)),
            "can_manage": permissions.can_manage_participation(request.user, city),
        },
    )


@require_safe
def process_detail(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city, process = _process(city_slug, slug)
    user = request.user
    following = (
        user.is_authenticated
        and Follow.objects.filter(user=user, process=process, proposal=None, debate=None).exists()
    )
    return render(
        request,
        "participation/process_detail.html",
        {
            "city": city,
            "process": process,
            "phase": process.current_phase(),
            "phases": list(process.phases.all()),
            "areas": list(process.areas.all()),
            "districts": list(process.districts.all()),
            "budgets": list(process.budgets.all()),
            "surveys": list(process.surveys.all()),
            "proposal_count": process.proposals.filter(hidden_at=None).count(),
            "debate_count": process.debates.filter(hidden_at=None).count(),
            "following": following,
            "why_not": permissions.why_not_take_part(user, process),
            "can_manage": permissions.can_manage_participation(user, city),
            "share_url": absolute_url(request.path),
        },
    )


@login_required
@require_POST
def follow_toggle(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city, process = _process(city_slug, slug)
    proposal = debate = None
    if request.POST.get("proposal"):
        proposal = get_in_city(
            Proposal.objects.filter(process=process), city, pk=request.POST["proposal"]
        )
    elif request.POST.get("debate"):
        debate = get_in_city(
            Debate.objects.filter(process=process), city, pk=request.POST["debate"]
        )
    if request.POST.get("action") == "unfollow":
        services.unfollow(actor=_actor(request), process=process, proposal=proposal, debate=debate)
        messages.success(request, _("You no longer follow this."))
    else:
        services.follow(actor=_actor(request), process=process, proposal=proposal, debate=debate)
        messages.success(request, _("You follow this: news appear in your notifications."))
    if proposal is not None:
        return redirect("participation:proposal", city.slug, process.slug, proposal.pk)
    if debate is not None:
        return redirect("participation:debate", city.slug, process.slug, debate.pk)
    return redirect("participation:process", city.slug, process.slug)


@require_safe
def process_feed(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city, process = _process(city_slug, slug)
    feed = Atom1Feed(
        title=f"{process.title} · {city.name}",
        link=absolute_url(reverse("participation:process", args=[city.slug, process.slug])),
        description=process.summary,
        language=request.LANGUAGE_CODE,
        feed_url=absolute_url(request.path),
    )
    for proposal in process.proposals.filter(hidden_at=None).order_by("-created_at")[:50]:
        feed.add_item(
            title=proposal.title,
            link=absolute_url(
                reverse("participation:proposal", args=[city.slug, process.slug, proposal.pk])
            ),
            description=proposal.body[:500],
            pubdate=proposal.created_at,
            unique_id=f"proposal-{proposal.pk}",
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


# ---- proposals ----------------------------------------------------------------------


@require_safe
def proposal_list(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city, process = _process(city_slug, slug)
    form = ProposalFilterForm(request.GET or None, city=city)
    filters = form.cleaned_data if form.is_valid() else {}
    rows, counts = selectors.proposal_list(process, filters)
    total = sum(counts.values())
    shown = counts.get(filters["state"], 0) if filters.get("state") else total
    paginator = selectors.CountedPaginator(rows, PAGE_SIZE, count=shown)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "participation/proposal_list.html",
        {
            "city": city,
            "process": process,
            "form": form,
            "page_obj": page,
            "state_counts": [
                (value, label, counts.get(value, 0)) for value, label in ProposalState.choices
            ],
            "total": total,
            "query_without_page": query.urlencode() + "&" if query else "",
        },
    )


@login_required
@ratelimits.limit("participation_post")
@require_http_methods(["GET", "HEAD", "POST"])
def proposal_new(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city, process = _process(city_slug, slug)
    form = ProposalForm(request.POST or None, process=process)
    pictures = ProposalImagesForm(request.POST or None, request.FILES or None)
    similar: list[Proposal] = []
    status = 200
    if request.method == "POST":
        status = 400
        if _limited(request):
            status = ratelimits.LIMITED_STATUS
        elif form.is_valid() & pictures.is_valid():
            data = form.cleaned_data
            if "check" in request.POST:
                similar = selectors.similar_proposals(process, data["title"], data["body"])
                status = 200
                if not similar:
                    messages.info(request, _("No similar proposal found: you can publish yours."))
            else:
                try:
                    images = proposal_images.prepare_images(pictures.uploads())
                    proposal = services.submit_proposal(
                        actor=_actor(request), process=process, fields=data, images=images
                    )
                except ValidationError as error:
                    show_service_errors(form, error)
                else:
                    messages.success(request, _("Your proposal is published."))
                    return redirect("participation:proposal", city.slug, process.slug, proposal.pk)
    return render(
        request,
        "participation/proposal_form.html",
        {
            "city": city,
            "process": process,
            "form": form,
            "pictures": pictures,
            "similar": similar,
            "why_not": permissions.why_not_take_part(request.user, process),
        },
        status=status,
    )


def _proposal(city: City, process: Process, pk: int) -> Proposal:
    return get_in_city(
        Proposal.objects.filter(process=process).select_related("district", "area", "author"),
        city,
        pk=pk,
    )


@require_safe
def proposal_detail(request: HttpRequest, city_slug: str, slug: str, pk: int) -> HttpResponse:
    city, process = _process(city_slug, slug)
    proposal = _proposal(city, process, pk)
    user = request.user
    can_manage = permissions.can_manage_participation(user, city)
    if proposal.is_hidden and not can_manage:
        return render(
            request,
            "participation/hidden.html",
            {"city": city, "process": process, "thing": proposal},
            status=410,
        )
    providers = (
        list(Provider.objects.filter(city=city, memberships__user=user).distinct())
        if user.is_authenticated
        else []
    )
    return render(
        request,
        "participation/proposal_detail.html",
        {
            "city": city,
            "process": process,
            "proposal": proposal,
            "phase": process.current_phase(),
            "supported": user.is_authenticated and proposal.supports.filter(user=user).exists(),
            "following": user.is_authenticated
            and Follow.objects.filter(
                user=user, process=process, proposal=proposal, debate=None
            ).exists(),
            "endorsements": list(proposal.endorsements.select_related("provider")),
            "providers": providers,
            "can_manage": can_manage,
            "answer_form": AnswerForm(initial={"state": proposal.state, "answer": proposal.answer}),
            "report_form": ReportForm(),
            "moderate_form": ModerateForm(),
            "is_author": user.is_authenticated and proposal.author_id == user.pk,
            "results": list(proposal.results.prefetch_related("indicators")),
            "share_url": absolute_url(request.path),
            "images": list(proposal.images.all()),
            "can_edit_images": permissions.can_edit_proposal_images(user, proposal),
            "map_points": _place_points(proposal),
        },
    )


def _place_points(proposal: Proposal) -> list[dict[str, object]]:
    if proposal.latitude is None or proposal.longitude is None:
        return []
    return [{"name": proposal.title, "lat": proposal.latitude, "lng": proposal.longitude}]


@login_required
@ratelimits.limit("participation_post")
@require_POST
def proposal_action(
    request: HttpRequest, city_slug: str, slug: str, pk: int, action: str
) -> HttpResponse:
    """Support, withdraw, answer, endorse, report, hide or restore a proposal."""
    city, process = _process(city_slug, slug)
    proposal = _proposal(city, process, pk)
    actor = _actor(request)
    done = {
        "support": _("Thank you: your support is counted."),
        "withdraw": _("Your proposal is withdrawn."),
        "answer": _("The answer is published."),
        "endorse": _("Your organisation endorses this proposal."),
        "report": _("Thank you: the city's moderators will look at it."),
        "hide": _("Hidden. It stays in the audit and can be restored."),
        "restore": _("Restored."),
    }
    if action not in done:
        return redirect("participation:proposal", city.slug, process.slug, proposal.pk)
    if _limited(request):
        return redirect("participation:proposal", city.slug, process.slug, proposal.pk)
    try:
        if action == "support":
            services.support_proposal(actor=actor, proposal=proposal)
        elif action == "withdraw":
            services.withdraw_proposal(actor=actor, proposal=proposal)
        elif action == "endorse":
            provider = get_in_city(Provider, city, pk=request.POST.get("provider") or 0)
            services.endorse_proposal(actor=actor, proposal=proposal, provider=provider)
        elif action == "report":
            form = ReportForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose why you report this."))
            services.report_content(actor=actor, target=proposal, **form.cleaned_data)
        else:
            require(permissions.can_manage_participation(actor, city))
            if action == "answer":
                answer = AnswerForm(request.POST)
                if not answer.is_valid():
                    raise ValidationError(_("Choose a state for the answer."))
                services.answer_proposal(actor=actor, proposal=proposal, **answer.cleaned_data)
            elif action == "hide":
                services.hide_content(
                    actor=actor, target=proposal, reason=request.POST.get("reason", "")
                )
            else:
                services.restore_content(
                    actor=actor, target=proposal, reason=request.POST.get("reason", "")
                )
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, done[action])
    return redirect("participation:proposal", city.slug, process.slug, proposal.pk)


# ---- debates ------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@ratelimits.limit("participation_post")
def debate_list(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city, process = _process(city_slug, slug)
    form = DebateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('core:login')}?next={request.path}")
        status = 400
        if _limited(request):
            status = ratelimits.LIMITED_STATUS
        elif form.is_valid():
            try:
                debate = services.start_debate(
                    actor=_actor(request), process=process, **form.cleaned_data
                )
            except ValidationError as error:
                show_service_errors(form, error)
            else:
                messages.success(request, _("Your debate is open."))
                return redirect("participation:debate", city.slug, process.slug, debate.pk)
    page = Paginator(process.debates.filter(hidden_at=None), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "participation/debate_list.html",
        {
            "city": city,
            "process": process,
            "form": form,
            "page_obj": page,
            "query_without_page": "",
            "why_not": permissions.why_not_take_part(request.user, process),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@ratelimits.limit("participation_post")
def debate_detail(request: HttpRequest, city_slug: str, slug: str, pk: int) -> HttpResponse:
    city, process = _process(city_slug, slug)
    debate = get_in_city(Debate.objects.filter(process=process), city, pk=pk)
    can_manage = permissions.can_manage_participation(request.user, city)
    if debate.is_hidden and not can_manage:
        return render(
            request,
            "participation/hidden.html",
            {"city": city, "process": process, "thing": debate},
            status=410,
        )
    form = CommentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('core:login')}?next={request.path}")
        status = 400
        action = request.POST.get("action", "comment")
        if _limited(request):
            status = ratelimits.LIMITED_STATUS
        elif action in ("up", "down", "report", "hide", "restore"):
            return _comment_action(request, city, process, debate, action)
        elif form.is_valid():
            data = form.cleaned_data
            parent = None
            if data.get("parent"):
                parent = Comment.objects.filter(debate=debate, pk=data["parent"]).first()
            try:
                services.post_comment(
                    actor=_actor(request),
                    debate=debate,
                    body=data["body"],
                    alignment=data["alignment"],
                    parent=parent,
                )
            except ValidationError as error:
                show_service_errors(form, error)
            else:
                messages.success(request, _("Your comment is published."))
                return redirect("participation:debate", city.slug, process.slug, debate.pk)
    order = request.GET.get("order", "best")
    order = order if order in ("best", "newest", "oldest") else "best"
    return render(
        request,
        "participation/debate_detail.html",
        {
            "city": city,
            "process": process,
            "debate": debate,
            "form": form,
            "comments": selectors.debate_with_comments(debate, order),
            "order": order,
            "can_manage": can_manage,
            "report_form": ReportForm(),
            "why_not": permissions.why_not_take_part(request.user, process),
            "share_url": absolute_url(request.path),
        },
        status=status,
    )


def _comment_action(
    request: HttpRequest, city: City, process: Process, debate: Debate, action: str
) -> HttpResponse:
    comment = Comment.objects.filter(debate=debate, pk=request.POST.get("comment") or 0).first()
    if comment is None:
        messages.error(request, _("This comment no longer exists."))
        return redirect("participation:debate", city.slug, process.slug, debate.pk)
    actor = _actor(request)
    try:
        if action in ("up", "down"):
            services.vote_comment(actor=actor, comment=comment, value=1 if action == "up" else -1)
        elif action == "report":
            form = ReportForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose why you report this."))
            services.report_content(actor=actor, target=comment, **form.cleaned_data)
            messages.success(request, _("Thank you: the city's moderators will look at it."))
        else:
            require(permissions.can_manage_participation(actor, city))
            change = services.hide_content if action == "hide" else services.restore_content
            change(actor=actor, target=comment, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        _refusal(request, error)
    return redirect("participation:debate", city.slug, process.slug, debate.pk)


# ---- budgets ------------------------------------------------------------------------


def _budget(city_slug: str, slug: str, budget_slug: str) -> tuple[City, Process, Budget]:
    """The budget at this address with its process and city, in one query (voting is
    the busiest write of the app)."""
    budget = get_at_address(
        Budget.objects.filter(process__slug=slug, process__is_published=True).select_related(
            "district"
        ),
        city_slug,
        slug=budget_slug,
    )
    return budget.process.city, budget.process, budget


@require_http_methods(["GET", "HEAD", "POST"])
def budget_vote(request: HttpRequest, city_slug: str, slug: str, budget_slug: str) -> HttpResponse:
    city, process, budget = _budget(city_slug, slug, budget_slug)
    error = ""
    chosen: set[int] = set()
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('core:login')}?next={request.path}")
        status = 400
        try:
            chosen = {int(v) for v in request.POST.getlist("projects")}
        except ValueError:
            error = _("Choose projects from the list.")
        else:
            try:
                services.cast_ballot(actor=_actor(request), budget=budget, project_ids=chosen)
            except ValidationError as refusal:
                error = " ".join(refusal.messages)
            else:
                messages.success(
                    request,
                    _("Your vote is counted. It is secret: it is stored without your name."),
                )
                return redirect("participation:budget", city.slug, process.slug, budget.slug)
    voted = (
        request.user.is_authenticated
        and HasVoted.objects.filter(budget=budget, user=request.user).exists()
    )
    return render(
        request,
        "participation/budget_vote.html",
        {
            "city": city,
            "process": process,
            "budget": budget,
            "projects": list(budget.projects.select_related("district")),
            "chosen": chosen,
            "error": error,
            "voted": voted,
            "phase": process.current_phase(),
            "why_not": permissions.why_not_take_part(request.user, process, budget.district),
            "may_vote_by_email": permissions.may_vote_by_email(request.user, budget),
            "can_manage": permissions.can_manage_participation(request.user, city),
        },
        status=status,
    )


@require_safe
def budget_results(
    request: HttpRequest, city_slug: str, slug: str, budget_slug: str
) -> HttpResponse:
    city, process, budget = _budget(city_slug, slug, budget_slug)
    projects = list(budget.projects.order_by("-funded", "-votes", "code"))
    by_code = {p.code: p for p in projects}
    comparison = [
        {
            "rule": label,
            "current": value == budget.rule,
            "titles": [by_code[c].title for c in budget.outcomes[value] if c in by_code],
            "cost": sum(by_code[c].cost for c in budget.outcomes[value] if c in by_code),
        }
        for value, label in Rule.choices
        if value in budget.outcomes
    ]
    return render(
        request,
        "participation/budget_results.html",
        {
            "city": city,
            "process": process,
            "budget": budget,
            "projects": projects,
            "ballots": budget.ballots.count(),
            "comparison": comparison,
            "spent": sum(p.cost for p in projects if p.funded),
            "can_manage": permissions.can_manage_participation(request.user, city),
        },
    )


@require_safe
def budget_export(
    request: HttpRequest, city_slug: str, slug: str, budget_slug: str
) -> HttpResponse:
    """The anonymous ballots in the pabulib format, for anyone to recount."""
    _city, process, budget = _budget(city_slug, slug, budget_slug)
    response = HttpResponse(
        services.export_budget_pb(budget), content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{process.slug}-{budget.slug}.pb"'
    return response


@login_required
@require_POST
def budget_tally(request: HttpRequest, city_slug: str, slug: str, budget_slug: str) -> HttpResponse:
    city, process, budget = _budget(city_slug, slug, budget_slug)
    require(permissions.can_manage_participation(request.user, city))
    services.tally_budget(actor=_actor(request), budget=budget)
    messages.success(request, _("The ballots are counted."))
    return redirect("participation:budget_results", city.slug, process.slug, budget.slug)


# ---- accountability, moderation, verification, notifications ------------------------


@require_safe
def accountability(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city, process = _process(city_slug, slug)
    validated = IndicatorValue.objects.filter(city=city, status=ValueStatus.VALIDATED).order_by(
        "year"
    )
    results = list(
        Result.objects.filter(process=process)
        .select_related("proposal", "project")
        .prefetch_related(
            "indicators", Prefetch("indicators__values", queryset=validated, to_attr="validated")
        )
    )
    rows = []
    for result in results:
        changes = []
        for indicator in result.indicators.all():
            values = indicator.validated  # type: ignore[attr-defined]
            changes.append(
                {
                    "indicator": indicator,
                    "first": values[0] if values else None,
                    "last": values[-1] if len(values) > 1 else None,
                }
            )
        rows.append({"result": result, "changes": changes})
    return render(
        request,
        "participation/accountability.html",
        {"city": city, "process": process, "rows": rows},
    )


@login_required
@require_safe
def moderation(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city, process = _process(city_slug, slug)
    require(permissions.can_manage_participation(request.user, city))
    reports = list(
        Report.objects.filter(process=process, resolved_at=None).select_related(
            "proposal", "debate", "comment", "comment__debate"
        )[:200]
    )
    return render(
        request,
        "participation/moderation.html",
        {"city": city, "process": process, "reports": reports},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    form = VerifyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                census.verify_resident(actor=_actor(request), city=city, **form.cleaned_data)
            except ValidationError as error:
                show_service_errors(form, error)
            else:
                messages.success(request, _("Thank you: you are confirmed as a resident."))
                return redirect("participation:processes", city.slug)
    return render(request, "participation/verify.html", {"city": city, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def census_upload(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    require(permissions.can_manage_participation(request.user, city))
    form = CensusForm(request.POST or None, request.FILES or None)
    faults: list[census.CensusFault] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            count, faults = census.upload_census(
                actor=_actor(request), city=city, data=upload.read(census.MAX_BYTES + 1)
            )
            if not faults:
                messages.success(
                    request, _("The census is loaded: %(n)s residents.") % {"n": count}
                )
                return redirect("participation:census", city.slug)
    return render(
        request,
        "participation/census.html",
        {"city": city, "form": form, "faults": faults},
        status=status,
    )


@login_required
def notifications(request: HttpRequest, city_slug: str) -> HttpResponse:
    """The person's notices (read on opening) and how they want them by e-mail."""
    city = get_city(city_slug)
    user = _actor(request)
    current = emails.email_choice([user.pk])[user.pk]
    form = NotificationEmailForm(request.POST or None, initial={"email": current})
    if request.method == "POST" and form.is_valid():
        services.set_notification_emails(actor=user, choice=form.cleaned_data["email"])
        messages.success(request, _("Saved: you will get e-mails as you chose."))
        return redirect("participation:notifications", city.slug)
    notices = list(Notification.objects.filter(user=user, process__city=city)[:100])
    Notification.objects.filter(user=user, process__city=city, read_at=None).update(
        read_at=timezone.now()
    )
    return render(
        request,
        "participation/notifications.html",
        {"city": city, "notices": notices, "form": form},
        status=400 if request.method == "POST" else 200,
    )
