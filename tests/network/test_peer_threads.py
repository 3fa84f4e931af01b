"""Cluster discussions over HTTP: who may read and post, replies, sanitised text,
reports, moderation with kept reasons, the rate limit, subscriptions and digests,
and the personal data of authors."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from learningcity import periodic
from learningcity.core.models import AuditEvent
from learningcity.core.services import PERSONAL_DATA_ERASERS, PERSONAL_DATA_EXPORTERS
from learningcity.network import peer_services
from learningcity.network.models import (
    Cluster,
    ClusterPost,
    ClusterSubscription,
    ClusterThread,
    PostModeration,
    PostReport,
)
from tests.conftest import client_for, make_city, make_user
from tests.network.peer_factories import coordinator_of, member

pytestmark = pytest.mark.django_db
URL = "/network/clusters/literacy/threads/"


@pytest.fixture
def literacy(city_a, city_b):
    cluster = Cluster.objects.get(slug="literacy")
    member(city_a, "literacy")
    member(city_b, "literacy")
    cluster.coordinating_city = city_b
    cluster.save()
    return cluster


def start(client, title="Reading circles", body="How do you find volunteers?"):
    response = client.post(URL, {"title": title, "body": body})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ClusterThread.objects.get(title=title)


def test_members_of_the_clusters_cities_discuss_and_others_cannot(
    client, literacy, coordinator_a, coordinator_b, resident
):
    outsider_city = member(make_city("gamma", name="Gamma"), "esd")
    outsider = coordinator_of(outsider_city, "coord-g@example.org")
    assert client.get(URL).status_code == 302  # sign in first
    assert client_for(resident).get(URL).status_code == 403
    assert client_for(outsider).get(URL).status_code == 403
    assert client_for(outsider).post(URL, {"title": "x", "body": "y"}).status_code == 403

    alpha = client_for(coordinator_a)
    thread = start(alpha)
    first = thread.posts.get()
    assert first.author == coordinator_a and first.author_city.slug == "alpha"

    beta = client_for(coordinator_b)
    response = beta.post(f"/network/threads/{thread.pk}/", {"body": "Through the libraries."})
    assert response.status_code == 302
    page = beta.get(f"/network/threads/{thread.pk}/").content.decode()
    assert "How do you find volunteers?" in page and "Through the libraries." in page
    assert "Alpha" in page and "Beta" in page
    assert "1 reply" in beta.get(URL).content.decode()
    assert AuditEvent.objects.filter(action="peer.thread_started").count() == 1
    assert AuditEvent.objects.filter(action="peer.post_added").count() == 1
    assert client_for(outsider).get(f"/network/threads/{thread.pk}/").status_code == 403
    # The cluster page links to the discussions for those who may read them.
    assert URL in alpha.get("/network/clusters/literacy/").content.decode()
    assert URL not in client_for(resident).get("/network/clusters/literacy/").content.decode()


def test_a_network_coordinator_posts_for_the_network(literacy, network_coordinator):
    thread = start(client_for(network_coordinator), title="Welcome")
    assert thread.author_city is None
    page = client_for(network_coordinator).get(f"/network/threads/{thread.pk}/").content
    assert "The network's coordinators" in page.decode()


def test_a_refused_post_says_which_field_and_saves_nothing(literacy, coordinator_a):
    client = client_for(coordinator_a)
    response = client.post(URL, {"title": "", "body": "x" * 5001})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_title_error"' in page or "This field is required." in page
    assert "5000" in page
    assert not ClusterThread.objects.exists()
    response = client.post(URL, {"title": "Nul", "body": "a\x00b"})
    assert response.status_code == 400 and not ClusterThread.objects.exists()


def test_post_text_is_sanitised_markdown(literacy, coordinator_a):
    client = client_for(coordinator_a)
    thread = start(
        client,
        body="**Bold** <script>alert(1)</script> <img src=x onerror=alert(2)> "
        "[site](javascript:alert(3)) [ok](https://example.org)",
    )
    page = client.get(f"/network/threads/{thread.pk}/").content.decode()
    assert "<strong>Bold</strong>" in page
    assert "<script>alert(1)" not in page and "onerror" not in page
    assert "javascript:" not in page
    assert 'href="https://example.org"' in page


def test_reports_and_moderation_keep_their_reasons(
    literacy, coordinator_a, coordinator_b, network_coordinator
):
    alpha, beta = client_for(coordinator_a), client_for(coordinator_b)
    thread = start(alpha, body="Buy cheap watches at spam.example")
    post = thread.posts.get()
    report_url = f"/network/posts/{post.pk}/report/"
    assert beta.post(report_url, {"reason": ""}).status_code == 400
    assert beta.post(report_url, {"reason": "Advertising."}).status_code == 302
    response = beta.post(report_url, {"reason": "Again."})
    assert response.status_code == 400 and "reported this post already" in response.content.decode()
    assert PostReport.objects.filter(post=post).count() == 1

    moderate = f"/network/posts/{post.pk}/moderate/"
    assert alpha.get(moderate).status_code == 403  # the author's city does not coordinate
    # Beta is the cluster's coordinating city: its coordinator moderates.
    assert "1 open report" in beta.get(f"/network/threads/{thread.pk}/").content.decode()
    assert beta.post(moderate, {"reason": ""}).status_code == 400
    assert beta.post(moderate, {"reason": "Advertising is not allowed."}).status_code == 302
    post.refresh_from_db()
    assert post.is_hidden and post.hidden_reason == "Advertising is not allowed."
    assert PostReport.objects.get(post=post).resolved_at is not None
    page = alpha.get(f"/network/threads/{thread.pk}/").content.decode()
    assert "Hidden by a moderator: Advertising is not allowed." in page
    assert "spam.example" not in page  # readers do not see a hidden post's text

    network = client_for(network_coordinator)
    assert network.post(moderate, {"reason": "It was a joke we all knew."}).status_code == 302
    post.refresh_from_db()
    assert not post.is_hidden
    history = list(PostModeration.objects.filter(post=post).values_list("action", "reason"))
    assert history == [
        ("hidden", "Advertising is not allowed."),
        ("restored", "It was a joke we all knew."),
    ]
    assert "Advertising is not allowed." in network.get(moderate).content.decode()
    assert AuditEvent.objects.filter(action="peer.post_hidden").exists()
    assert AuditEvent.objects.filter(action="peer.post_restored").exists()


def test_posting_is_rate_limited(literacy, coordinator_a, settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_RATES = {**settings.RATELIMIT_RATES, "cluster_post": "2/h"}
    client = client_for(coordinator_a)
    thread = start(client, title="One")
    assert client.post(f"/network/threads/{thread.pk}/", {"body": "Two"}).status_code == 302
    response = client.post(f"/network/threads/{thread.pk}/", {"body": "Three"})
    assert response.status_code == 429
    assert ClusterPost.objects.count() == 2


def test_followers_get_a_daily_digest_of_new_posts(
    literacy, coordinator_a, coordinator_b, django_capture_on_commit_callbacks
):
    beta = client_for(coordinator_b)
    assert beta.post("/network/clusters/literacy/follow/", {"follow": "yes"}).status_code == 302
    assert ClusterSubscription.objects.filter(user=coordinator_b).exists()
    subscription = ClusterSubscription.objects.get()
    subscription.sent_until = timezone.now() - timedelta(minutes=1)
    subscription.save()

    thread = start(client_for(coordinator_a), title="Evening classes", body="Who pays?")
    start(beta, title="My own thread", body="Not in my own digest.")
    hidden = peer_services.reply_to_thread(
        actor=coordinator_a,
        thread=thread,
        city=literacy.members.get(slug="alpha"),
        body="hidden words",
    )
    peer_services.hide_post(actor=coordinator_b, post=hidden, reason="Off topic.")
    mail.outbox.clear()
    periodic.send_cluster_digests.call_local()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["coord-b@example.org"]
    assert "Evening classes" in message.body and "Who pays?" in message.body
    assert "Not in my own digest." not in message.body and "hidden words" not in message.body
    # Safe to run twice: nothing new, nothing sent.
    periodic.send_cluster_digests.call_local()
    assert len(mail.outbox) == 1

    assert beta.post("/network/clusters/literacy/follow/", {"follow": "no"}).status_code == 302
    assert not ClusterSubscription.objects.exists()


def test_a_reader_outside_the_cluster_cannot_follow_it(literacy, resident):
    response = client_for(resident).post("/network/clusters/literacy/follow/", {"follow": "yes"})
    assert response.status_code == 403 and not ClusterSubscription.objects.exists()


def test_posts_are_exported_and_erasure_removes_the_name(literacy, coordinator_a):
    from learningcity.network.peer_services import erase_peer_data_of, export_peer_data_of

    assert export_peer_data_of in PERSONAL_DATA_EXPORTERS
    assert erase_peer_data_of in PERSONAL_DATA_ERASERS
    thread = start(client_for(coordinator_a), body="My words.")
    exported = export_peer_data_of(coordinator_a)
    assert exported["network_cluster_posts"][0]["body"] == "My words."
    erase_peer_data_of(coordinator_a)
    post = thread.posts.get()
    assert post.author is None and post.author_city.slug == "alpha"
    assert export_peer_data_of(coordinator_a)["network_cluster_posts"] == []


def test_unknown_thread_cluster_and_post_are_not_found(literacy, coordinator_a):
    client = client_for(coordinator_a)
    assert client.get("/network/clusters/nowhere/threads/").status_code == 404
    assert client.get("/network/threads/999999/").status_code == 404
    assert client.get("/network/posts/999999/report/").status_code == 404
    other = make_user("x@example.org")
    assert client_for(other).get("/network/posts/999999/moderate/").status_code == 404


def test_thread_pages_read_a_bounded_number_of_queries(
    literacy, coordinator_a, coordinator_b, django_assert_max_num_queries
):
    client = client_for(coordinator_a)
    thread = start(client)
    city_b = literacy.members.get(slug="beta")
    for number in range(25):
        peer_services.reply_to_thread(
            actor=coordinator_b, thread=thread, city=city_b, body=f"Reply {number}"
        )
    for number in range(15):
        peer_services.start_thread(
            actor=coordinator_b, cluster=literacy, city=city_b, title=f"T{number}", body="x"
        )
    with django_assert_max_num_queries(20):
        assert client.get(f"/network/threads/{thread.pk}/").status_code == 200
    with django_assert_max_num_queries(20):
        assert "25 replies" in client.get(URL).content.decode()
