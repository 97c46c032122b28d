from django.db import migrations

from jiandu.core.search import RebuildSearchIndex


class Migration(migrations.Migration):
    """PostgreSQL: the keyword indexes hold each column's bigrams only (core.search), a third of their keys."""

    dependencies = [("problems", "0007_group_index_in_composite")]

    operations = [
        RebuildSearchIndex("problems_problem", ["number", "description"]),
        RebuildSearchIndex("organizations_site", ["name"]),
    ]
