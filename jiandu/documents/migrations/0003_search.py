from django.db import migrations

from jiandu.core.search import SearchIndex


class Migration(migrations.Migration):
    """Keyword search (?q=) of the documents list."""

    dependencies = [("documents", "0002_list_order_indexes")]

    operations = [
        SearchIndex("documents_document", ["title", "body", "number"]),
    ]
