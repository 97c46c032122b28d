from django.db import migrations, models

from jiandu.core.search import SearchIndex


class Migration(migrations.Migration):
    """The audit log's filters at the scale of months of a province's events (core.audit_review.events_for): a type
    or an outcome in the log's order; the operator and the object's name through the keyword index."""

    dependencies = [
        ("core", "0007_drop_short_grams"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["event_type", "-seq"], name="audit_type_seq"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["outcome", "-seq"], name="audit_outcome_seq"),
        ),
        SearchIndex("core_auditevent", ["actor_username", "object_repr"]),
    ]
