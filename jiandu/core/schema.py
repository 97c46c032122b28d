"""Schema changes that Django's own operations would make by rebuilding a table on SQLite (a million rows, and the
keyword index's triggers dropped with it; see core.search)."""

from django.db import migrations


def drop_field_index(app_label: str, model_name: str, name: str, field) -> migrations.SeparateDatabaseAndState:
    """The field `name`'s own single-column index (on PostgreSQL a text field's LIKE index too) dropped in place,
    the field now declared as `field` (db_index=False: a composite index starts with its column). AlterField
    would rebuild the table on SQLite."""

    def forwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        column = model._meta.get_field(name).column
        with schema_editor.connection.cursor() as c:
            constraints = schema_editor.connection.introspection.get_constraints(c, model._meta.db_table)
        for index, info in constraints.items():
            if info["index"] and info["columns"] == [column] and not info["unique"] and not info["primary_key"]:
                schema_editor.execute(schema_editor._delete_index_sql(model, index))

    def backwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        for sql in schema_editor._field_indexes_sql(model, model._meta.get_field(name)):
            schema_editor.execute(sql)

    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AlterField(model_name=model_name, name=name, field=field)],
        database_operations=[migrations.RunPython(forwards, backwards)],
    )
