"""Peer learning and policy dialogue: cluster threads (posts, replies, reports,
moderation, subscriptions), peer matching for a city and peer exchanges. Thin views:
read the request, check ``permissions``, call ``peer_services`` or ``peer_matching``,
render. Posting is rate-limited (``core.ratelimits``, rate ``cluster_post``)."""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from learningcity.core import ratelimits
from learningcity.core.forms import show_service_errors
from learningcity.core.http import PageNotFound
from learningcity.core.models import City, User
from learningcity.core.tenancy import get_city

from . import peer_matching, peer_services, permissions
from .forms_peer import AnswerForm, ExchangeRequestForm, OutcomeForm, PostForm, ReasonForm
from .models import (
    Cluster,
    ClusterPost,
    ClusterSubscription,
    ClusterThread,
    ExchangeStatus,
    PeerExchange,
)
from .vocabulary import MembershipStatus

THREADS_SHOWN = 100


def _cluster(slug: str) -> Cluster:
    found = (
        Cluster.objects.select_related("coordinating_city")
        .filter(slug=slug[:60].replace("\x00", ""))
        .first()
    )
    if found is None:
        raise PageNotFound(_("There is no such cluster."))
    return found


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _chosen_city(form: PostForm, cities: list[City]) -> City | None:
    """The city chosen on the form; with one possible city, that city."""
    if "city" not in form.fields:
        return cities[0] if cities else None
    slug = form.cleaned_data.get("city") or ""
    return next((city for city in cities if city.slug == slug), None)


def _limited(request: HttpRequest, form: Form) -> bool:
    if request.method == "POST" and ratelimits.is_limited(request):
        form.add_error(None, str(ratelimits.LIMITED_MESSAGE))
        return True
    return False


# -- threads --------------------------------------------------------------------------


@login_required
@ratelimits.limit("cluster_post")
@require_http_methods(["GET", "HEAD", "POST"])
def cluster_threads(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = _cluster(slug)
    user = _user(request)
    permissions.require(permissions.can_read_cluster_threads(user, cluster))
    cities = permissions.posting_cities(user, cluster)
    allow_network = permissions.is_network_coordinator(user)
    form = PostForm(request.POST or None, cities=cities, allow_network=allow_network, reply=False)
    status = 200
    if request.method == "POST":
        status = 400
        if _limited(request, form):
            status = ratelimits.LIMITED_STATUS
        elif form.is_valid():
            try:
                thread = peer_services.start_thread(
                    actor=user,
                    cluster=cluster,
                    city=_chosen_city(form, cities),
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                )
            except ValidationError as error:
                show_service_errors(form, error)
            else:
                messages.success(request, _("Your thread is started."))
                return redirect("network:thread", pk=thread.pk)
    threads = (
        ClusterThread.objects.filter(cluster=cluster)
        .select_related("author_city")
        .annotate(replies=Count("posts") - 1)
        .order_by("-last_post_at", "-id")[:THREADS_SHOWN]
    )
    return render(
        request,
        "network/cluster_threads.html",
        {
            "cluster": cluster,
            "threads": threads,
            "form": form,
            "subscribed": ClusterSubscription.objects.filter(cluster=cluster, user=user).exists(),
            "can_moderate": permissions.can_moderate_cluster(user, cluster),
        },
        status=status,
    )


@login_required
@require_POST
def cluster_subscription(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = _cluster(slug)
    user = _user(request)
    permissions.require(permissions.can_read_cluster_threads(user, cluster))
    if request.POST.get("follow") == "yes":
        peer_services.subscribe_to_cluster(actor=user, cluster=cluster)
        messages.success(request, _("You will receive a daily e-mail with the new posts."))
    else:
        peer_services.unsubscribe_from_cluster(actor=user, cluster=cluster)
        messages.success(request, _("You no longer follow this cluster's discussions."))
    return redirect("network:cluster_threads", slug=cluster.slug)


def _thread(pk: int) -> ClusterThread:
    found = ClusterThread.objects.select_related("cluster", "author_city").filter(pk=pk).first()
    if found is None:
        raise PageNotFound(_("There is no such discussion."))
    return found


@login_required
@ratelimits.limit("cluster_post")
@require_http_methods(["GET", "HEAD", "POST"])
def thread(request: HttpRequest, pk: int) -> HttpResponse:
    found = _thread(pk)
    user = _user(request)
    cluster = found.cluster
    permissions.require(permissions.can_read_cluster_threads(user, cluster))
    cities = permissions.posting_cities(user, cluster)
    form = PostForm(
        request.POST or None,
        cities=cities,
        allow_network=permissions.is_network_coordinator(user),
        reply=True,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if _limited(request, form):
            status = ratelimits.LIMITED_STATUS
        elif form.is_valid():
            try:
                post = peer_services.reply_to_thread(
                    actor=user,
                    thread=found,
                    city=_chosen_city(form, cities),
                    body=form.cleaned_data["body"],
                )
            except ValidationError as error:
                show_service_errors(form, error)
            else:
                messages.success(request, _("Your reply is posted."))
                return redirect(f"{request.path}#post-{post.pk}")
    posts = (
        ClusterPost.objects.filter(thread=found)
        .select_related("author", "author_city")
        .annotate(open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)))
    )
    return render(
        request,
        "network/thread.html",
        {
            "thread": found,
            "cluster": cluster,
            "posts": posts,
            "form": form,
            "can_moderate": permissions.can_moderate_cluster(user, cluster),
        },
        status=status,
    )


def _post(pk: int) -> ClusterPost:
    found = ClusterPost.objects.select_related("thread__cluster").filter(pk=pk).first()
    if found is None:
        raise PageNotFound(_("There is no such post."))
    return found


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def post_report(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post(pk)
    user = _user(request)
    permissions.require(permissions.can_read_cluster_threads(user, post.thread.cluster))
    form = ReasonForm(request.POST or None)
    form.fields["reason"].label = _("What is wrong with this post?")
    if request.method == "POST" and form.is_valid():
        try:
            peer_services.report_post(actor=user, post=post, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Thank you. The cluster's moderators will look at it."))
            return redirect("network:thread", pk=post.thread_id)
    return render(
        request,
        "network/post_action.html",
        {"post": post, "form": form, "action": "report"},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def post_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """Hide a shown post, or show a hidden one again, with a reason (kept)."""
    post = _post(pk)
    user = _user(request)
    permissions.require(permissions.can_moderate_cluster(user, post.thread.cluster))
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        change = peer_services.restore_post if post.is_hidden else peer_services.hide_post
        try:
            change(actor=user, post=post, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The post is shown again.") if post.is_hidden else _("The post is hidden."),
            )
            return redirect("network:thread", pk=post.thread_id)
    return render(
        request,
        "network/post_action.html",
        {
            "post": post,
            "form": form,
            "action": "restore" if post.is_hidden else "hide",
            "reports": post.reports.all(),
            "history": post.moderation.select_related("actor"),
        },
        status=400 if request.method == "POST" else 200,
    )


# -- peer matching and exchanges ------------------------------------------------------


def _peer_city(request: HttpRequest, city_slug: str) -> City:
    city = get_city(city_slug)
    permissions.require(permissions.can_see_peers(request.user, city))
    return city


@login_required
@require_safe
def peers(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = _peer_city(request, city_slug)
    return render(
        request,
        "network/peers.html",
        {
            "city": city,
            "matches": peer_matching.peer_matches(city),
            "exchanges": permissions.exchanges_of(city),
            "can_request": permissions.can_act_for_city(request.user, city),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def exchange_new(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    permissions.require(permissions.can_act_for_city(request.user, city))
    others = list(
        City.objects.filter(network_profile__status=MembershipStatus.MEMBER)
        .exclude(pk=city.pk)
        .order_by("name")
    )
    initial: dict[str, Any] = {"to_city": request.GET.get("to", "")[:60]}
    form = ExchangeRequestForm(request.POST or None, cities=others, initial=initial)
    if request.method == "POST" and form.is_valid():
        to_city = next(other for other in others if other.slug == form.cleaned_data["to_city"])
        try:
            exchange = peer_services.request_exchange(
                actor=_user(request),
                from_city=city,
                to_city=to_city,
                topic=form.cleaned_data["topic"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Your request is sent; %(city)s's coordinators will hear by e-mail.")
                % {"city": to_city.name},
            )
            return redirect("network:exchange", public_id=exchange.public_id)
    return render(
        request,
        "network/exchange_new.html",
        {"city": city, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def exchange(request: HttpRequest, public_id: str) -> HttpResponse:
    found = (
        PeerExchange.objects.select_related("from_city", "to_city", "requested_by")
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise PageNotFound(_("There is no such peer exchange."))
    user = _user(request)
    permissions.require(permissions.can_view_exchange(user, found))
    can_answer = (
        permissions.can_answer_exchange(user, found) and found.status == ExchangeStatus.REQUESTED
    )
    can_record = permissions.can_record_outcome(user, found) and found.status in (
        ExchangeStatus.ACCEPTED,
        ExchangeStatus.COMPLETED,
    )
    answer_form = AnswerForm(request.POST if "decision" in request.POST else None)
    outcome_form = OutcomeForm(
        request.POST if "outcome" in request.POST else None,
        initial={"outcome": found.outcome},
    )
    if request.method == "POST":
        permissions.require(can_answer or can_record)
        form: Form = answer_form if "decision" in request.POST else outcome_form
        if form.is_valid():
            try:
                if form is answer_form:
                    permissions.require(can_answer)
                    peer_services.answer_exchange(
                        actor=user,
                        exchange=found,
                        accept=form.cleaned_data["decision"] == "accept",
                        note=form.cleaned_data["note"],
                    )
                else:
                    permissions.require(can_record)
                    peer_services.record_exchange_outcome(
                        actor=user, exchange=found, outcome=form.cleaned_data["outcome"]
                    )
            except ValidationError as error:
                show_service_errors(form, error)
            else:
                messages.success(request, _("The peer exchange is updated."))
                return redirect("network:exchange", public_id=found.public_id)
    return render(
        request,
        "network/exchange.html",
        {
            "exchange": found,
            "answer_form": answer_form if can_answer else None,
            "outcome_form": outcome_form if can_record else None,
        },
        status=400 if request.method == "POST" else 200,
    )
