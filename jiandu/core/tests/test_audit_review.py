"""Audit review for the audit admin (issue 8): filters, access, verification from the page and the API, export
(itself audited), and archiving past the retention period that keeps the chain verifiable."""

import gzip
import io
import json
from datetime import timedelta

import openpyxl
import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from jiandu.core import audit
from jiandu.core.audit_archive import archive_events, verify_archives
from jiandu.core.enums import EventType, Outcome
from jiandu.core.errors import ValidationFailed
from jiandu.core.jobs import run_daily_jobs
from jiandu.core.models import AuditArchive, AuditEvent

NOW = timezone.now()


def _event(event_type=EventType.UPDATE, *, username="alice", repr_="问题甲", outcome=Outcome.SUCCESS, obj_id=1):
    return audit.record(
        event_type,
        object_type="problems.problem",
        object_id=obj_id,
        object_repr=repr_,
        outcome=outcome,
        username=username,
        details={"note": repr_},
    )


@pytest.fixture
def aged(db):
    """Events 400, 250 and 0 days old."""
    with time_machine.travel(NOW - timedelta(days=400), tick=False):
        old = [_event(repr_=f"旧{i}") for i in range(3)]
    with time_machine.travel(NOW - timedelta(days=250), tick=False):
        middle = [_event(repr_=f"中{i}") for i in range(2)]
    recent = [_event(repr_="新", username="bob", outcome=Outcome.FAILURE, obj_id=7)]
    return old, middle, recent


def _rows(client, **params):
    response = client.get(reverse("audit_log"), params)
    assert response.status_code == 200
    return response, [e.seq for e in response.context["page"]]


def test_filters_by_time_actor_type_object_and_outcome(client, audit_admin, aged):
    old, middle, recent = aged
    client.force_login(audit_admin)
    day = timezone.localtime(NOW - timedelta(days=250)).date().isoformat()
    assert _rows(client, start=day, end=day)[1] == [e.seq for e in reversed(middle)]
    assert _rows(client, actor="bob")[1] == [recent[0].seq]
    assert _rows(client, outcome="failure")[1] == [recent[0].seq]
    assert _rows(client, object_type="problems.problem", object_id="7")[1] == [recent[0].seq]
    assert _rows(client, object="旧1")[1] == [old[1].seq]
    _event(EventType.EXPORT, username="carol")
    _response, seqs = _rows(client, event_type="export")
    assert len(seqs) == 1 and AuditEvent.objects.get(seq=seqs[0]).actor_username == "carol"


@pytest.mark.parametrize(
    ("field", "words"),
    [
        ("actor", ["b", "BO", "bob", "lic", "ALICE", "zz"]),  # ASCII letters in any case, as icontains
        ("object", ["旧", "中1", "问题甲", "新", "无此"]),  # 1, 2 and 3 characters
    ],
)
def test_operator_and_object_filters_find_what_contains_the_words(field, words, client, audit_admin, aged):
    """Through the keyword index (the log holds months of a province's events), exactly the events plain
    icontains finds."""
    client.force_login(audit_admin)
    column = {"actor": "actor_username", "object": "object_repr"}[field]
    for word in words:
        expected = AuditEvent.objects.filter(**{f"{column}__icontains": word}).order_by("-seq")
        assert _rows(client, **{field: word})[1] == [e.seq for e in expected], word


def test_bad_filter_is_a_chinese_message_not_an_error(client, audit_admin, aged):
    client.force_login(audit_admin)
    response = client.get(reverse("audit_log"), {"start": "昨天"})
    assert response.status_code == 200 and "开始日期应为 YYYY-MM-DD" in response.content.decode()


def test_event_detail_shows_details_and_hashes(client, audit_admin, aged):
    client.force_login(audit_admin)
    event = aged[2][0]
    html = client.get(reverse("audit_log"), {"event": event.seq}).content.decode()
    assert event.hash in html and event.prev_hash in html and "&quot;note&quot;: &quot;新&quot;" in html


@pytest.mark.parametrize("name", ["system_admin", "security_admin", "office_staff", "group_leader", "liaison"])
def test_only_the_audit_admin_reads_the_log(name, request, client, aged):
    client.force_login(request.getfixturevalue(name))
    assert client.get(reverse("audit_log")).status_code == 403
    assert client.get(reverse("audit_log"), {"event": aged[0][0].seq}).status_code == 403
    assert client.get(reverse("audit_export")).status_code == 403
    assert client.get("/api/v1/audit-events/").status_code == 403
    assert client.get("/api/v1/audit-events/verify/").status_code == 403


def test_api_lists_filtered_events_and_verifies(client, audit_admin, aged):
    client.force_login(audit_admin)
    body = client.get("/api/v1/audit-events/", {"actor": "bob"}).json()
    assert body["count"] == 1 and body["results"][0]["hash"] == aged[2][0].hash
    assert client.get("/api/v1/audit-events/", {"outcome": "maybe"}).status_code == 400
    assert client.get("/api/v1/audit-events/verify/").json()["ok"] is True


def test_verify_button_finds_a_raw_sql_edit(client, audit_admin, aged):
    victim = aged[1][0]
    with connection.cursor() as c:
        c.execute("UPDATE core_auditevent SET actor_username = %s WHERE id = %s", ["mallory", victim.id])
    client.force_login(audit_admin)
    html = client.get(reverse("audit_log"), {"verify": "1"}).content.decode()
    assert f"序号{victim.seq}" in html and "被篡改" in html
    api = client.get("/api/v1/audit-events/verify/").json()
    assert api["ok"] is False and api["bad_seq"] == victim.seq


def test_export_is_filtered_and_itself_audited(client, audit_admin, aged):
    client.force_login(audit_admin)
    response = client.get(reverse("audit_export"), {"actor": "alice"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "序号" and len(rows) == 1 + 5
    alice = AuditEvent.objects.filter(actor_username="alice")
    shown = {timezone.localtime(e.occurred_at).strftime("%Y-%m-%d %H:%M:%S") for e in alice}  # Beijing time
    assert {row[1] for row in rows[1:]} == shown and {row[2] for row in rows[1:]} == {"alice"}
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.event_type == EventType.EXPORT and event.actor_username == audit_admin.username
    assert event.details["count"] == 5 and event.details["filters"] == {"actor": "alice"}


# --- Retention and archiving ---


def test_archive_moves_old_events_and_the_chain_still_verifies(aged, tmp_path, capsys):
    old, middle, _recent = aged
    with override_settings(JIANDU_AUDIT_RETENTION_DAYS=365, JIANDU_AUDIT_ARCHIVE_DIR=tmp_path):
        archive = archive_events()
        assert (archive.first_seq, archive.last_seq, archive.event_count) == (1, old[-1].seq, 3)
        assert archive.last_hash == old[-1].hash
        assert not AuditEvent.objects.filter(seq__lte=old[-1].seq).exists()
        assert AuditEvent.objects.filter(seq=middle[0].seq).exists()  # 250 days: kept (retention 365)
        with gzip.open(tmp_path / archive.file_name) as f:
            lines = [json.loads(line) for line in f]
        assert [line["hash"] for line in lines] == [e.hash for e in old]
        assert audit.verify_chain().ok
        assert verify_archives().ok
        call_command("audit_verify", "--with-archives")
        assert "审计归档完整" in capsys.readouterr().out
        # the archiving is itself in the live chain, with the checkpoint's hash
        last = AuditEvent.objects.order_by("-seq").first()
        assert last.event_type == EventType.DELETE and last.details["last_hash"] == old[-1].hash
        # a second archive continues from the first
        second = archive_events(before=NOW - timedelta(days=200))
        assert second.first_seq == archive.last_seq + 1 and second.first_prev_hash == archive.last_hash
        assert audit.verify_chain().ok and verify_archives().ok


def test_a_changed_archive_file_is_found(aged, tmp_path):
    with override_settings(JIANDU_AUDIT_RETENTION_DAYS=365, JIANDU_AUDIT_ARCHIVE_DIR=tmp_path):
        archive = archive_events()
        path = tmp_path / archive.file_name
        with gzip.open(path) as f:
            lines = f.read().replace("旧1".encode(), "改1".encode())
        with gzip.open(path, "wb") as f:
            f.write(lines)
        report = verify_archives()
        assert not report.ok and "SHA-256" in report.message


def test_deleting_the_checkpoint_breaks_the_live_chain(aged, tmp_path):
    with override_settings(JIANDU_AUDIT_RETENTION_DAYS=365, JIANDU_AUDIT_ARCHIVE_DIR=tmp_path):
        archive_events()
        AuditArchive.objects.all().delete()
        report = audit.verify_chain()
        assert not report.ok and "缺失" in report.message


def test_never_archives_events_younger_than_180_days(aged, tmp_path):
    with (
        override_settings(JIANDU_AUDIT_RETENTION_DAYS=90, JIANDU_AUDIT_ARCHIVE_DIR=tmp_path),
        pytest.raises(ValidationFailed, match="不得少于180天"),
    ):
        archive_events()
    with override_settings(JIANDU_AUDIT_RETENTION_DAYS=365, JIANDU_AUDIT_ARCHIVE_DIR=tmp_path):
        with pytest.raises(ValidationFailed, match="180天以前"):
            archive_events(before=NOW - timedelta(days=30))
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match="180天以前"):
            call_command("audit_archive", "--before", timezone.localdate().isoformat())
    assert AuditEvent.objects.count() == 6


def test_a_broken_chain_is_not_archived(aged, tmp_path):
    with connection.cursor() as c:
        c.execute("UPDATE core_auditevent SET object_repr = %s WHERE seq = 2", ["篡改"])
    with (
        override_settings(JIANDU_AUDIT_RETENTION_DAYS=365, JIANDU_AUDIT_ARCHIVE_DIR=tmp_path),
        pytest.raises(ValidationFailed, match="序号2"),
    ):
        archive_events()
    assert AuditEvent.objects.count() == 6 and not AuditArchive.objects.exists()
    assert list(tmp_path.iterdir()) == []


def test_daily_job_archives_past_the_retention(aged, tmp_path):
    with override_settings(JIANDU_AUDIT_RETENTION_DAYS=200, JIANDU_AUDIT_ARCHIVE_DIR=tmp_path):
        results = run_daily_jobs()
    assert results["core.audit_archive"] == {"archived": 5}
    assert audit.verify_chain().ok


def test_audit_event_rows_cannot_be_deleted_one_by_one(aged):
    with pytest.raises(RuntimeError):
        aged[0][0].delete()
