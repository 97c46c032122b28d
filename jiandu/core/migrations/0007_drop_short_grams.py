from django.db import migrations


def drop_short_grams(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS jiandu_short_grams(text)")


class Migration(migrations.Migration):
    """PostgreSQL: the keyword indexes' former function of 1- and 2-character substrings, once no index uses it
    (the indexes now hold bigrams: core.search)."""

    dependencies = [
        ("core", "0006_data_version"),
        ("activities", "0011_search_bigrams"),
        ("documents", "0004_search_bigrams"),
        ("problems", "0008_search_bigrams"),
    ]

    operations = [migrations.RunPython(drop_short_grams, migrations.RunPython.noop)]
