# Hotline callers' name and phone encrypted at rest with SM4 (jiandu.core.crypto): the columns become text,
# the existing plaintext rows are encrypted with the active key, then the field encrypts and decrypts itself.

from django.db import migrations, models

import jiandu.core.crypto


def encrypt_existing(apps, schema_editor):
    from jiandu.core import crypto

    Case = apps.get_model("hotline", "HotlineCase")  # plain text fields at this point of the migration
    for case in Case.objects.only("pk", "caller_name", "caller_phone").iterator(chunk_size=1000):
        values = {}
        for name in ("caller_name", "caller_phone"):
            value = getattr(case, name)
            if value and not value.startswith(crypto.VERSION + ":"):
                values[name] = crypto.encrypt(value)
        if values:
            Case.objects.filter(pk=case.pk).update(**values)


def decrypt_existing(apps, schema_editor):
    from jiandu.core import crypto

    Case = apps.get_model("hotline", "HotlineCase")
    for case in Case.objects.only("pk", "caller_name", "caller_phone").iterator(chunk_size=1000):
        values = {}
        for name in ("caller_name", "caller_phone"):
            value = getattr(case, name)
            if value and value.startswith(crypto.VERSION + ":"):
                values[name] = crypto.decrypt(value)
        if values:
            Case.objects.filter(pk=case.pk).update(**values)


class Migration(migrations.Migration):
    dependencies = [
        ("hotline", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="hotlinecase",
            name="caller_name",
            field=models.TextField(blank=True, verbose_name="来电人"),
        ),
        migrations.AlterField(
            model_name="hotlinecase",
            name="caller_phone",
            field=models.TextField(blank=True, verbose_name="来电号码"),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
        migrations.AlterField(
            model_name="hotlinecase",
            name="caller_name",
            field=jiandu.core.crypto.EncryptedTextField(blank=True, verbose_name="来电人"),
        ),
        migrations.AlterField(
            model_name="hotlinecase",
            name="caller_phone",
            field=jiandu.core.crypto.EncryptedTextField(blank=True, verbose_name="来电号码"),
        ),
    ]
