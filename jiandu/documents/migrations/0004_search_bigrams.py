from django.db import migrations

from jiandu.core.search import RebuildSearchIndex


class Migration(migrations.Migration):
    """PostgreSQL: the keyword index holds each column's bigrams only (core.search), a third of its keys."""

    dependencies = [("documents", "0003_search")]

    operations = [
        RebuildSearchIndex("documents_document", ["title", "body", "number"]),
    ]
