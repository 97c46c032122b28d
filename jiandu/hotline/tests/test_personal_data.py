"""Personal data at rest (issue 8): callers' names and phones are SM4-encrypted in the database, decrypt to what
was entered, refuse tampered ciphertext, and are re-encrypted with the active key on rotation."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from jiandu.core import crypto
from jiandu.hotline.models import HotlineCase

OLD_KEY = {"test": "6a69616e64752d746573742d6b657931"}
NEW_KEYS = {**OLD_KEY, "k2": "00112233445566778899aabbccddeeff"}


def _stored(case) -> tuple[str, str]:
    with connection.cursor() as c:
        c.execute("SELECT caller_name, caller_phone FROM hotline_hotlinecase WHERE id = %s", [case.pk])
        return c.fetchone()


def test_database_holds_ciphertext_not_the_caller(case):
    name, phone = _stored(case)
    assert name.startswith("v1:test:") and phone.startswith("v1:test:")
    assert "王德顺" not in name and "13904311234" not in phone
    fresh = HotlineCase.objects.get(pk=case.pk)
    assert (fresh.caller_name, fresh.caller_phone) == ("王德顺", "13904311234")


def test_each_encryption_differs_and_round_trips():
    a, b = crypto.encrypt("13904311234"), crypto.encrypt("13904311234")
    assert a != b and crypto.decrypt(a) == crypto.decrypt(b) == "13904311234"
    assert crypto.decrypt(crypto.encrypt("")) == ""


def test_tampered_or_foreign_values_are_refused(case):
    stored = crypto.encrypt("王德顺")
    head, body = stored.rsplit(":", 1)
    flipped = body[:-4] + ("AAAA" if body[-4:] != "AAAA" else "BBBB")
    for bad in [f"{head}:{flipped}", stored.replace("v1:test:", "v1:k2:"), "王德顺", "v1:test:@@@"]:
        with override_settings(JIANDU_SM4_KEYS=NEW_KEYS), pytest.raises(crypto.DecryptionFailed):
            crypto.decrypt(bad)
    with connection.cursor() as c:
        c.execute("UPDATE hotline_hotlinecase SET caller_phone = %s WHERE id = %s", [f"{head}:{flipped}", case.pk])
    with pytest.raises(crypto.DecryptionFailed):
        HotlineCase.objects.get(pk=case.pk)


def test_rotation_re_encrypts_with_the_active_key(case, capsys):
    with override_settings(JIANDU_SM4_KEYS=NEW_KEYS, JIANDU_SM4_ACTIVE_KEY="k2"):
        call_command("rotate_personal_data")
        assert "1条" in capsys.readouterr().out
        name, phone = _stored(case)
        assert name.startswith("v1:k2:") and phone.startswith("v1:k2:")
        call_command("rotate_personal_data")  # nothing left to rewrite
        assert "0条" in capsys.readouterr().out
    # the old key can now be removed
    with override_settings(JIANDU_SM4_KEYS={"k2": NEW_KEYS["k2"]}, JIANDU_SM4_ACTIVE_KEY="k2"):
        fresh = HotlineCase.objects.get(pk=case.pk)
        assert (fresh.caller_name, fresh.caller_phone) == ("王德顺", "13904311234")


def test_unmasked_view_is_audited_and_decrypts(case, group_member):
    from jiandu.core.models import AuditEvent
    from jiandu.hotline.services import case_personal_data

    data = case_personal_data(actor=group_member, case=HotlineCase.objects.get(pk=case.pk))
    assert data == {"caller_name": "王德顺", "caller_phone": "13904311234"}
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.event_type == "view_personal" and "13904311234" not in str(event.details)
