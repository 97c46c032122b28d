"""Warning colours, counts for the reports module and the to-do list."""

import datetime

import pytest
from django.utils import timezone

from jiandu.documents import selectors, services
from jiandu.documents.enums import DocumentKind

from .factories import draft, issued, rule

D = datetime.date


@pytest.fixture
def colours(tree, group_leader, liaison):
    """One document per colour, issued relative to today."""
    rule(tree["wjw_group"])
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    docs = {
        "green": issued(
            group_leader,
            tree["wjw_group"],
            [tree["wjw"]],
            title="绿",
            issued_on=today - 10 * day,
            reply_due_on=today + 10 * day,
        ),
        "yellow": issued(
            group_leader,
            tree["wjw_group"],
            [tree["wjw"]],
            title="黄",
            issued_on=today - 10 * day,
            reply_due_on=today + 2 * day,
        ),
        "red": issued(
            group_leader,
            tree["wjw_group"],
            [tree["wjw"]],
            title="红",
            issued_on=today - 10 * day,
            reply_due_on=today - 3 * day,
        ),
        "late": issued(
            group_leader,
            tree["wjw_group"],
            [tree["wjw"]],
            title="逾期回复",
            issued_on=today - 10 * day,
            reply_due_on=today - 3 * day,
        ),
        "none": issued(group_leader, tree["wjw_group"], [tree["wjw"]], title="无需回复", issued_on=today - 10 * day),
    }
    row = docs["late"].recipients.get()
    services.document_acknowledge(actor=liaison, recipient=row)
    services.document_reply(actor=liaison, recipient=row, text="迟到的回复")
    draft(group_leader, tree["wjw_group"], [tree["wjw"]], title="草稿", reply_due_on=today - day)
    return docs


def test_document_warnings_in_python_and_in_the_database_agree(colours, group_member):
    shown = {d.title: d.warning for d in selectors.with_warnings(selectors.documents_for(group_member))}
    assert shown == {
        "绿": "green",
        "黄": "yellow",
        "红": "red",
        "逾期回复": "closed_late",
        "无需回复": "none",
        "草稿": "none",
    }
    for colour in ("green", "yellow", "red", "closed_late", "none"):
        titles = set(selectors.documents_for(group_member, warning=colour).values_list("title", flat=True))
        assert titles == {t for t, w in shown.items() if w == colour}, colour


def test_worst_open_recipient_wins(tree, group_leader, liaison):
    rule(tree["wjw_group"])
    today = timezone.localdate()
    doc = issued(
        group_leader,
        tree["wjw_group"],
        [tree["wjw"], tree["yjt"]],
        issued_on=today - datetime.timedelta(10),
        reply_due_on=today - datetime.timedelta(1),
    )
    row = doc.recipients.get(org=tree["wjw"])
    services.document_acknowledge(actor=liaison, recipient=row)
    services.document_reply(actor=liaison, recipient=row, text="晚了一天")
    [d] = selectors.with_warnings(selectors.documents_for(group_leader))
    assert d.warning == "red"
    assert {r.org.code: r.warning for r in d.shown_recipients} == {"D-WJW": "closed_late", "D-YJT": "red"}
    # The liaison of 省卫健委 sees only their own (late) row, so the colour they see is theirs.
    [mine] = selectors.with_warnings(selectors.documents_for(liaison))
    assert mine.warning == "closed_late"
    assert selectors.documents_for(liaison, warning="closed_late").count() == 1


def test_reply_tracking_rows_and_colours(colours, group_member, liaison):
    rows = selectors.with_recipient_warnings(selectors.reply_tracking(group_member))
    assert sorted(r.warning for r in rows) == sorted(["green", "yellow", "red", "closed_late", "none"])
    assert selectors.reply_tracking(group_member, warning="red").get().document.title == "红"
    assert selectors.reply_tracking(liaison, status="replied").get().document.title == "逾期回复"


def test_counts_by_group_kind_month_status(tree, group_leader, yjt_leader, office_staff, other_group_member):
    rule(tree["wjw_group"])
    rule(tree["yjt_group"], "吉纪驻应急")
    for day, kind in (
        (D(2022, 3, 14), DocumentKind.NOTICE),
        (D(2022, 4, 2), DocumentKind.REMINDER),
        (D(2022, 4, 9), DocumentKind.REMINDER),
    ):
        issued(group_leader, tree["wjw_group"], [tree["wjw"]], issued_on=day, kind=kind)
    issued(yjt_leader, tree["yjt_group"], [tree["yjt"]], issued_on=D(2022, 5, 3), kind=DocumentKind.BULLETIN)
    draft(group_leader, tree["wjw_group"], [tree["wjw"]])
    by_group = selectors.document_counts(office_staff, by="group")
    assert [(r["label"], r["count"]) for r in by_group] == [
        ("驻省卫健委纪检监察组", 3),
        ("驻省应急管理厅纪检监察组", 1),
    ]
    assert selectors.document_counts(office_staff, by="kind", date_from=D(2022, 4, 1)) == [
        {"key": "reminder", "label": "提示函", "count": 2},
        {"key": "bulletin", "label": "问题通报", "count": 1},
    ]
    assert [(r["key"], r["label"], r["count"]) for r in selectors.document_counts(office_staff, by="month")] == [
        ("2022-03", "2022年3月", 1),
        ("2022-04", "2022年4月", 2),
        ("2022-05", "2022年5月", 1),
    ]
    assert selectors.document_counts(office_staff, by="status", date_to=D(2022, 3, 31))[0]["count"] == 1
    assert selectors.document_counts(other_group_member, by="group") == [
        {"key": tree["yjt_group"].pk, "label": "驻省应急管理厅纪检监察组", "count": 1}
    ]


def test_documents_awaiting(colours, liaison, group_leader, group_member, tree):
    todo = selectors.documents_awaiting(liaison)
    assert {r.document.title for r in todo.to_acknowledge} == {"绿", "黄", "红", "无需回复"}
    assert todo.to_reply == []
    services.document_acknowledge(actor=liaison, recipient=colours["red"].recipients.get())
    services.document_acknowledge(actor=liaison, recipient=colours["none"].recipients.get())
    todo = selectors.documents_awaiting(liaison)
    assert [r.document.title for r in todo.to_reply] == ["红"]  # 无需回复 needs no answer
    assert [d.title for d in selectors.documents_awaiting(group_leader).to_issue] == ["草稿"]
    assert {d.title for d in selectors.documents_awaiting(group_member).to_close} == {"逾期回复", "无需回复"}
    assert selectors.documents_awaiting(group_member).to_issue == []
