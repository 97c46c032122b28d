from django.db import migrations

CATEGORIES = ["防控措施落实不到位", "物资保障不到位", "服务管理不规范", "设施安全隐患", "工作作风问题", "其他"]
SEVERITIES = [("一般", 1), ("较重", 2), ("严重", 3)]


def seed(apps, schema_editor):
    Category = apps.get_model("problems", "Category")
    Severity = apps.get_model("problems", "Severity")
    for i, name in enumerate(CATEGORIES):
        Category.objects.get_or_create(name=name, defaults={"sort_order": (i + 1) * 10})
    for name, level in SEVERITIES:
        Severity.objects.get_or_create(level=level, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("problems", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
