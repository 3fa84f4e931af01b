"""Ship UNESCO's Key Features of Learning Cities as the network's default framework."""

from django.db import migrations


def load_kflc(apps, schema_editor):
    from learningcity.monitoring.frameworks import create_kflc

    Framework = apps.get_model("monitoring", "Framework")
    FrameworkNode = apps.get_model("monitoring", "FrameworkNode")
    if not Framework.objects.filter(is_default=True).exists():
        create_kflc(Framework, FrameworkNode)


def unload_kflc(apps, schema_editor):
    Framework = apps.get_model("monitoring", "Framework")
    Framework.objects.filter(is_default=True, slug="kflc", runs__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(load_kflc, unload_kflc)]
