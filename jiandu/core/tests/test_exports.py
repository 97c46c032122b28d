"""Ledger exports (jiandu.core.exports): a small export answers the .xlsx at once; a large one runs in the
background as its owner, shows its progress, and leaves a file only its owner may download; failures keep no
file; old files are deleted by the daily job; every module's export view goes through the one mechanism."""

import dataclasses
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from jiandu.activities.enums import Method
from jiandu.activities.tests.factories import ActivityFactory
from jiandu.core import exports
from jiandu.core.enums import EventType, ExportStatus, Outcome
from jiandu.core.jobs import run_daily_jobs
from jiandu.core.models import AuditEvent, ExportJob
from jiandu.core.xlsx import Column, write_workbook
from jiandu.documents.tests.factories import draft, issued
from jiandu.notifications.models import Notification
from jiandu.organizations.tests.factories import SiteFactory
from jiandu.problems.models import Problem
from jiandu.problems.tests.factories import problem
from jiandu.stats.tests.factories import dataset, indicator

pytestmark = pytest.mark.django_db

PROBLEM_HEADERS = ["编号", "纪检监察组", "问题描述", "类别", "严重程度", "点位", "责任单位", "登记日期", "整改期限"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def problems(tree, group_member, other_group_member):
    """12 problems of the member's group (8 about tents), 2 of the other group (also about tents)."""
    for i in range(12):
        text = f"帐篷加固不到位{i}" if i < 8 else f"院感防控问题{i}"
        problem(group_member, tree["wjw_group"], tree["wjw"], description=text)
    for i in range(2):
        problem(other_group_member, tree["yjt_group"], tree["yjt"], description=f"帐篷被大风损坏{i}")


def sheet(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def job_file_rows(job: ExportJob) -> list[tuple]:
    with job.file.open("rb") as f:
        return sheet(f.read())


# --- At once, below the threshold ---


def test_small_export_answers_at_once_with_only_the_filtered_records_one_may_see(client, problems, group_member):
    client.force_login(group_member)
    response = client.get("/problems/export.xlsx", {"q": "帐篷"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"]
    rows = sheet(response.content)
    assert list(rows[0][: len(PROBLEM_HEADERS)]) == PROBLEM_HEADERS
    descriptions = sorted(r[2] for r in rows[1:])
    assert descriptions == sorted(f"帐篷加固不到位{i}" for i in range(8))  # never the other group's 帐篷 problems
    assert not ExportJob.objects.exists()
    event = AuditEvent.objects.get(event_type=EventType.EXPORT, object_type="problems.problem")
    assert event.details == {"count": 8, "filters": {"q": "帐篷"}}


# --- In the background, above the threshold ---


def test_large_export_runs_in_the_background_as_its_owner(client, settings, problems, group_member):
    settings.JIANDU_EXPORT_SYNC_ROWS = 5
    client.force_login(group_member)
    response = client.get("/problems/export.xlsx")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{job.pk}/"
    assert (job.owner, job.status, job.name, job.title) == (group_member, ExportStatus.DONE, "problems", "问题整改台账")
    assert job.total == job.done_rows == 12 and job.finished_at is not None
    assert job.file.name.startswith("exports/") and job.filename.startswith("问题整改台账_")
    rows = job_file_rows(job)
    assert list(rows[0][: len(PROBLEM_HEADERS)]) == PROBLEM_HEADERS
    assert len(rows) == 13 and not any("大风" in r[2] for r in rows[1:])  # the other group's never appear
    event = AuditEvent.objects.get(event_type=EventType.EXPORT, object_type="problems.problem")
    assert event.actor_id == group_member.pk and event.details == {"count": 12, "filters": {}, "job": job.pk}
    note = Notification.objects.get(recipient=group_member)
    assert note.title == "导出完成：问题整改台账" and note.url == f"/exports/{job.pk}/"


def test_the_job_keeps_the_filters_of_the_list(client, settings, problems, group_member):
    settings.JIANDU_EXPORT_SYNC_ROWS = 5
    client.force_login(group_member)
    client.get("/problems/export.xlsx", {"q": "帐篷", "page": "2"})
    job = ExportJob.objects.get()
    assert job.params == {"query": {"q": ["帐篷"]}, "kwargs": {}}  # the page is not a filter
    assert job.total == 8 and len(job_file_rows(job)) == 9


def test_a_liaison_background_export_never_holds_a_record_hidden_from_the_liaison(
    client, settings, tree, group_leader, liaison
):
    settings.JIANDU_EXPORT_SYNC_ROWS = -1  # everything in the background
    issued(group_leader, tree["wjw_group"], [tree["wjw"]], title="关于加强院感防控的提示函")
    draft(group_leader, tree["wjw_group"], [tree["wjw"]], title="尚未签发的工作通知")
    issued(group_leader, tree["wjw_group"], [tree["yjt"]], title="发给应急管理厅的提示函", prefix="吉纪驻卫")
    client.force_login(liaison)
    assert client.get("/documents/export.xlsx").status_code == 302
    job = ExportJob.objects.get()
    titles = [r[2] for r in job_file_rows(job)[1:]]
    assert titles == ["关于加强院感防控的提示函"] and job.total == 1


def test_progress_is_written_once_per_chunk_while_rows_are_streamed(
    client, settings, monkeypatch, problems, group_member
):
    """While the task writes, the job row already tells how far it got (one UPDATE per chunk)."""
    settings.JIANDU_EXPORT_SYNC_ROWS = 5
    monkeypatch.setattr(exports, "CHUNK", 5)
    seen = []
    real = exports.get("problems")

    def watching_rows(records, user):
        for i, row in enumerate(real.rows(records, user)):
            if i in (4, 5, 10, 11):
                seen.append(ExportJob.objects.values_list("status", "done_rows").get())
            yield row

    monkeypatch.setitem(exports._ledgers, "problems", dataclasses.replace(real, rows=watching_rows))
    client.force_login(group_member)
    client.get("/problems/export.xlsx")
    assert seen == [("running", 0), ("running", 5), ("running", 10), ("running", 10)]
    assert ExportJob.objects.get().done_rows == 12


def test_failure_marks_the_job_failed_with_a_message_and_keeps_no_file(
    client, settings, monkeypatch, media, problems, group_member
):
    settings.JIANDU_EXPORT_SYNC_ROWS = 5

    def broken_rows(records, user):
        yield from exports.get("problems").rows(records, user)
        raise RuntimeError("disk full")

    ledger = dataclasses.replace(exports.get("problems"), rows=broken_rows)
    monkeypatch.setitem(exports._ledgers, "problems", ledger)
    client.force_login(group_member)
    response = client.get("/problems/export.xlsx")
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.FAILED and job.error == exports.FAILED_MESSAGE
    assert not job.file and not (media / "exports").exists()
    page = client.get(response["Location"]).content.decode()
    assert exports.FAILED_MESSAGE in page and "export-download" not in page
    assert client.get(f"/exports/{job.pk}/download/").status_code == 404
    failed = AuditEvent.objects.get(event_type=EventType.EXPORT, outcome=Outcome.FAILURE)
    assert failed.object_type == "core.exportjob" and failed.details["error"] == exports.FAILED_MESSAGE
    assert Notification.objects.get(recipient=group_member).title == "导出失败：问题整改台账"


def test_a_job_runs_with_the_owners_rights_at_run_time(tree, group_member, problems):
    """The task selects again as the owner: an owner who lost the right to export gets a failed job, no file."""
    job = ExportJob.objects.create(
        owner=group_member, name="problems", title="问题整改台账", params={"query": {}}, filename="x.xlsx"
    )
    group_member.grants.all().delete()
    exports.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and job.error and not job.file


def test_a_queue_that_cannot_take_the_job_is_said_at_once(client, settings, monkeypatch, problems, group_member):
    from jiandu.core import tasks

    def down(job_id):
        raise ConnectionError("redis down")

    settings.JIANDU_EXPORT_SYNC_ROWS = 5
    monkeypatch.setattr(tasks, "export_job", down)
    client.force_login(group_member)
    client.get("/problems/export.xlsx")
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.FAILED and "任务队列" in job.error


# --- Pages: progress, my exports, download ---


def running_job(owner, done=50, total=200) -> ExportJob:
    return ExportJob.objects.create(
        owner=owner,
        name="problems",
        title="问题整改台账",
        status=ExportStatus.RUNNING,
        total=total,
        done_rows=done,
        filename="问题整改台账_20220428.xlsx",
    )


def test_progress_page_polls_while_running_and_shows_the_download_when_done(client, settings, problems, group_member):
    client.force_login(group_member)
    job = running_job(group_member)
    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert "25%" in page and "已导出 50 / 200 行" in page and 'hx-trigger="every 1s"' in page
    assert "vendor/htmx/htmx.min.js" in page and "export-download" not in page
    fragment = client.get(f"/exports/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith("<div") and "<html" not in fragment and "25%" in fragment

    settings.JIANDU_EXPORT_SYNC_ROWS = 5
    done = ExportJob.objects.get(pk=client.get("/problems/export.xlsx")["Location"].split("/")[2])
    page = client.get(f"/exports/{done.pk}/").content.decode()
    assert "100%" in page and "已导出 12 / 12 行" in page and "every 1s" not in page
    assert f"/exports/{done.pk}/download/" in page
    listing = client.get("/exports/").content.decode()
    assert listing.index(f"/exports/{done.pk}/") < listing.index(f"/exports/{job.pk}/")  # newest first
    assert "已完成" in listing and "导出中" in listing


def test_owner_downloads_the_file_and_the_download_is_audited(client, settings, problems, group_member):
    settings.JIANDU_EXPORT_SYNC_ROWS = 5
    client.force_login(group_member)
    job = ExportJob.objects.get(pk=client.get("/problems/export.xlsx")["Location"].split("/")[2])
    response = client.get(f"/exports/{job.pk}/download/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert len(sheet(b"".join(response.streaming_content))) == 13
    event = AuditEvent.objects.filter(event_type=EventType.EXPORT, object_type="core.exportjob").get()
    assert event.actor_id == group_member.pk and event.details["download"] is True


@pytest.mark.parametrize("persona", ["other_group_member", "group_leader", "commission_leader", "audit_admin"])
def test_nobody_but_the_owner_sees_a_job_or_its_file(request, client, settings, problems, group_member, persona):
    settings.JIANDU_EXPORT_SYNC_ROWS = 5
    client.force_login(group_member)
    job = ExportJob.objects.get(pk=client.get("/problems/export.xlsx")["Location"].split("/")[2])
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/exports/{job.pk}/").status_code == 404
    assert client.get(f"/exports/{job.pk}/download/").status_code == 404
    assert f"/exports/{job.pk}/" not in client.get("/exports/").content.decode()


def test_anonymous_is_sent_to_login(client, group_member):
    job = running_job(group_member)
    assert client.get(f"/exports/{job.pk}/download/")["Location"].startswith("/accounts/login/")


def test_the_top_bar_links_to_my_exports(client, group_member):
    client.force_login(group_member)
    assert 'href="/exports/"' in client.get("/").content.decode()


# --- Housekeeping ---


def test_daily_job_deletes_old_export_files(
    client, settings, media, problems, group_member, django_capture_on_commit_callbacks
):
    settings.JIANDU_EXPORT_SYNC_ROWS = 5
    settings.JIANDU_EXPORT_KEEP_DAYS = 7
    client.force_login(group_member)
    old = ExportJob.objects.get(pk=client.get("/problems/export.xlsx")["Location"].split("/")[2])
    new = ExportJob.objects.get(pk=client.get("/problems/export.xlsx", {"q": "帐篷"})["Location"].split("/")[2])
    ExportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    old_path = media / old.file.name
    assert old_path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        results = run_daily_jobs()
    assert results["core.exports_cleanup"] == {"deleted": 1, "files": 1}
    assert not old_path.exists() and (media / new.file.name).exists()
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [new.pk]


# --- Every module's export goes through the one mechanism ---


@pytest.fixture
def records(tree, group_member, problems):
    ActivityFactory(
        group=tree["wjw_group"], title="驻点监督省人民医院", method=Method.STATIONED, end_date=date(2022, 5, 6)
    )
    ActivityFactory(group=tree["wjw_group"], title="明察暗访发热门诊", method=Method.COVERT)
    SiteFactory(responsible_org=tree["hospital"], name="省人民医院发热门诊")
    ds = dataset(tree["wjw_group"], [tree["wjw"]], [indicator("XC_RC", "下沉人次")])
    return {"dataset": ds}


LEDGER_URLS = [
    ("/problems/export.xlsx", "group_member", "编号"),
    ("/activities/export.xlsx", "group_member", "编号"),
    ("/activities/campaigns/export.xlsx", "group_member", "名称"),
    ("/documents/export.xlsx", "group_member", "编号"),
    ("/documents/replies/export.xlsx", "group_member", "编号"),
    ("/hotline/export.xlsx", "group_member", "热线名称"),
    ("/hotline/cases/export/", "group_member", "工单号"),
    ("/hotline/test-calls/export/", "group_member", "热线"),
    ("/org/orgs/export.xlsx", "office_staff", "机构编码 *"),
    ("/org/users/export.xlsx", "office_staff", "用户名"),
    ("/org/sites/export.xlsx", "group_member", "点位编码 *"),
    ("/org/assignments/export.xlsx", "office_staff", "纪检监察组编码"),
    ("/sampling/export.xlsx", "group_member", "计划ID"),
    ("/sampling/checks/?format=xlsx", "group_member", "检查ID"),
    ("/sampling/stock/?format=xlsx", "group_member", "日期"),
    ("stats", "group_member", "单位编码 *"),
]


@pytest.mark.parametrize("url,persona,first_header", LEDGER_URLS)
def test_every_ledger_answers_at_once_and_in_the_background_with_the_same_file(
    request, client, settings, records, url, persona, first_header
):
    if url == "stats":
        url = f"/stats/{records['dataset'].pk}/export.xlsx"
    client.force_login(request.getfixturevalue(persona))
    response = client.get(url)
    assert response.status_code == 200, url
    at_once = sheet(response.content)
    assert at_once[0][0] == first_header

    settings.JIANDU_EXPORT_SYNC_ROWS = -1
    response = client.get(url)
    assert response.status_code == 302, url
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.DONE, job.error
    assert job_file_rows(job) == at_once and job.total == len(at_once) - 1


def test_new_ledgers_have_their_buttons(client, records, group_member, office_staff):
    client.force_login(group_member)
    assert "/activities/campaigns/export.xlsx" in client.get("/activities/campaigns/").content.decode()
    assert "/hotline/export.xlsx" in client.get("/hotline/").content.decode()
    client.force_login(office_staff)
    assert "/org/assignments/export.xlsx" in client.get("/org/assignments/").content.decode()


def test_the_activity_ledger_in_the_background_is_still_the_import_template(client, settings, records, group_member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jiandu.activities import io as ledger

    settings.JIANDU_EXPORT_SYNC_ROWS = -1
    client.force_login(group_member)
    client.get("/activities/export.xlsx")
    job = ExportJob.objects.get()
    with job.file.open("rb") as f:
        result = ledger.activity_import(actor=group_member, upload=SimpleUploadedFile("a.xlsx", f.read()))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)


# --- The writer ---


def test_the_writer_keeps_types_escapes_text_and_styles_the_header():
    columns = [Column("a", "编号"), Column("b", "日期", required=True), Column("c", "数量"), Column("d", "说明")]
    rows = [
        {"a": "A<&>\x01B", "b": date(2022, 4, 28), "c": 272, "d": None},
        ["  留空格 ", datetime(2022, 4, 28, 13, 45), 2.5, True],
    ]
    wb = load_workbook(io.BytesIO(write_workbook("监督/检查", columns, rows)))
    ws = wb.active
    assert ws.title == "监督_检查" and ws.freeze_panes == "A2" and ws.column_dimensions["A"].width == 16
    assert list(ws.iter_rows(values_only=True)) == [
        ("编号", "日期 *", "数量", "说明"),
        ("A<&>B", datetime(2022, 4, 28), 272, None),
        ("  留空格 ", datetime(2022, 4, 28, 13, 45), 2.5, True),
    ]
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb == "FF9E1B1B" and ws["B2"].number_format == "yyyy-mm-dd"


def test_a_job_of_a_deleted_problem_set_still_finishes(client, settings, problems, group_member):
    """The rows are counted again when the task starts: the file holds what exists then."""
    settings.JIANDU_EXPORT_SYNC_ROWS = 5
    job = ExportJob.objects.create(
        owner=group_member, name="problems", title="问题整改台账", params={"query": {}}, total=99, filename="x.xlsx"
    )
    Problem.objects.filter(description__startswith="院感").delete()
    exports.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.total == job.done_rows == 8


def test_records_matching_nothing_give_no_chunk(db):
    """Filters that cannot match (an org the reader may not see gives .none()) export an empty ledger."""
    from jiandu.problems.models import Problem

    assert list(exports.chunks(Problem.objects.none())) == []
    assert list(exports.value_chunks(Problem.objects.none(), ["number"])) == []


def test_the_writer_thread_keeps_every_row_in_order_across_batches():
    from jiandu.core import xlsx

    n = xlsx.BATCH * (xlsx.QUEUED + 3) + 7  # more batches than the queue holds, and a partial last one
    columns = [Column("n", "序号"), Column("t", "文字")]
    wb = load_workbook(io.BytesIO(write_workbook("台账", columns, ({"n": i, "t": f"第{i}行"} for i in range(n)))))
    rows = list(wb.active.iter_rows(min_row=2, values_only=True))
    assert rows == [(i, f"第{i}行") for i in range(n)]


def test_a_failing_file_stops_the_reading_of_rows_and_says_why():
    """The sheet is written on another thread: its error reaches the caller, and the rows stop being read (an
    export does not go on reading a province's records into a file that can no longer be written)."""
    from jiandu.core import xlsx

    class FullDisk(io.BytesIO):
        def write(self, data):
            if self.tell() > 20_000:
                raise OSError("磁盘已满")
            return super().write(data)

    taken = []

    def rows():
        for i in range(1_000_000):
            taken.append(i)
            yield [i, "监督检查" * 20]

    with pytest.raises(OSError, match="磁盘已满"):
        xlsx.save_workbook(FullDisk(), "台账", [Column("n", "序号"), Column("t", "文字")], rows())
    assert len(taken) < xlsx.BATCH * (xlsx.QUEUED + 20)


def test_a_ledger_shows_a_moment_in_local_time():
    """Times are stored in UTC and shown in Beijing time (UTC+8), to the minute or the second, the date following
    the zone."""
    assert exports.local_time(datetime(2022, 4, 28, 1, 30, 59, 500, tzinfo=UTC)) == "2022-04-28 09:30"
    assert exports.local_time(datetime(2022, 4, 27, 20, 5, tzinfo=UTC)) == "2022-04-28 04:05"
    assert exports.local_time(datetime(2022, 4, 27, 20, 5, 7, 500, tzinfo=UTC), "seconds") == "2022-04-28 04:05:07"
    assert exports.local_time(None) is None
