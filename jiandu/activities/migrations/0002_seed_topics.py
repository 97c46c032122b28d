"""Seed the supervision topics of DESIGN §3. The list is configurable afterwards; this only adds missing names."""

from django.db import migrations

TOPICS = ["疫情防控", "春耕备耕", "复工复产", "复商复市", "稳岗就业", "物资保障", "医疗救治", "环境消杀"]


def seed(apps, schema_editor):
    Topic = apps.get_model("activities", "Topic")
    for i, name in enumerate(TOPICS):
        Topic.objects.get_or_create(name=name, defaults={"sort_order": (i + 1) * 10})


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
