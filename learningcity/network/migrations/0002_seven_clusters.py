"""The network's seven thematic clusters. Their names are shown in the reader's
language from ``network.vocabulary.CLUSTERS`` while ``name`` is empty."""

from django.db import migrations

CLUSTER_SLUGS = [
    "esd",
    "equity-inclusion",
    "monitoring",
    "gced",
    "entrepreneurship",
    "health",
    "literacy",
]


def create_clusters(apps, schema_editor):
    Cluster = apps.get_model("network", "Cluster")
    for position, slug in enumerate(CLUSTER_SLUGS):
        Cluster.objects.get_or_create(slug=slug, defaults={"position": position})


def remove_clusters(apps, schema_editor):
    apps.get_model("network", "Cluster").objects.filter(slug__in=CLUSTER_SLUGS).delete()


class Migration(migrations.Migration):
    dependencies = [("network", "0001_members_clusters_practices")]

    operations = [migrations.RunPython(create_clusters, remove_clusters)]
