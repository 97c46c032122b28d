"""The audit chain: every write leaves an event, and direct tampering in the database is found and named."""

import pytest
from django.core.management import call_command
from django.db import connection

from jiandu.core import audit
from jiandu.core.enums import EventType
from jiandu.core.errors import ValidationFailed
from jiandu.core.models import AuditEvent
from jiandu.organizations import services
from jiandu.organizations.enums import OrgKind


@pytest.fixture
def chain(office_staff, tree):
    for i in range(5):
        services.org_create(actor=office_staff, kind=OrgKind.UNIT, parent=tree["wjw"], code=f"A{i}", name=f"单位{i}")
    return list(AuditEvent.objects.order_by("seq"))


def _verify_exit_code(capsys) -> tuple[int, str]:
    try:
        call_command("audit_verify")
    except SystemExit as e:
        out = capsys.readouterr()
        return e.code, out.err + out.out
    out = capsys.readouterr()
    return 0, out.out + out.err


def test_write_records_event_with_actor_and_values(chain, office_staff):
    event = chain[-1]
    assert event.event_type == EventType.CREATE
    assert event.actor_username == office_staff.username
    assert event.object_type == "organizations.org"
    assert event.details["values"]["code"] == "A4"
    assert len(event.hash) == 64 and event.prev_hash == chain[-2].hash


def test_intact_chain_verifies(chain, capsys):
    code, out = _verify_exit_code(capsys)
    assert code == 0
    assert "审计链完整" in out


def _raw(sql, params):
    with connection.cursor() as c:
        c.execute(sql, params)


def test_edited_row_is_named(chain, capsys):
    victim = chain[2]
    _raw("UPDATE core_auditevent SET object_repr = %s WHERE id = %s", ["篡改", victim.id])
    code, out = _verify_exit_code(capsys)
    assert code == 1
    assert f"id={victim.id}" in out and "篡改" in out


def test_deleted_row_is_found(chain, capsys):
    _raw("DELETE FROM core_auditevent WHERE id = %s", [chain[1].id])
    code, out = _verify_exit_code(capsys)
    assert code == 1
    assert f"第{chain[1].seq}号" in out


def test_deleted_tail_is_found(chain, capsys):
    _raw("DELETE FROM core_auditevent WHERE id = %s", [chain[-1].id])
    code, out = _verify_exit_code(capsys)
    assert code == 1
    assert "末尾" in out


def test_inserted_row_is_found(chain, capsys):
    last = chain[-1]
    _raw(
        "INSERT INTO core_auditevent (seq, occurred_at, actor_id, actor_username, event_type, object_type, object_id,"
        " object_repr, outcome, details, ip, prev_hash, hash) VALUES (%s, %s, NULL, 'x', 'delete', '', '', '',"
        " 'success', '{}', NULL, %s, %s)",
        [last.seq + 1, last.occurred_at, last.hash, "f" * 64],
    )
    code, out = _verify_exit_code(capsys)
    assert code == 1
    assert f"序号{last.seq + 1}" in out


def test_events_cannot_be_changed_through_the_orm(chain):
    event = chain[0]
    event.object_repr = "x"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_failed_service_leaves_no_event(office_staff, tree):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed):
        services.org_create(actor=office_staff, kind=OrgKind.OFFICE, parent=tree["wjw"], code="BAD", name="错误")
    assert AuditEvent.objects.count() == before


def test_record_outside_request_has_no_ip(db):
    event = audit.record(EventType.IMPORT, username="cli", object_type="demo")
    assert event.ip is None and event.actor_id is None and event.actor_username == "cli"
