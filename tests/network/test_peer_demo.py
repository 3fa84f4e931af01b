"""The demo's peer learning: threads with a hidden post, and peer exchanges."""

import pytest

from learningcity.core.demo import seed_core
from learningcity.network import demo
from learningcity.network.models import ClusterPost, ClusterThread, PeerExchange

pytestmark = pytest.mark.django_db


def test_the_demo_has_threads_and_exchanges(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    context = seed_core("small", 2026, log=lambda _line: None)
    demo.seed_demo(context)
    assert ClusterThread.objects.filter(cluster__slug="literacy").count() == 2
    assert ClusterPost.objects.count() == 6
    hidden = ClusterPost.objects.get(hidden_at__isnull=False)
    assert hidden.moderation.get().reason.startswith("Advertising")
    assert set(PeerExchange.objects.values_list("status", flat=True)) == {
        "completed",
        "requested",
    }
