"""The briefing written from the demo reproduces the founding article's figures (issue 7's 'done when'), and
every figure comes from the records: change a record and the briefing changes."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document as DocxDocument

from jiandu.activities import services as activity_services
from jiandu.activities.enums import Method
from jiandu.activities.tests.factories import ActivityFactory
from jiandu.core.models import AuditEvent
from jiandu.documents.tests import factories as document_factories
from jiandu.organizations.enums import OrgKind, Role
from jiandu.organizations.models import Org, User
from jiandu.organizations.tests.factories import AssignmentFactory, OrgFactory, SiteFactory, user_with_role
from jiandu.problems.tests import factories as problem_factories
from jiandu.reports import briefing, services
from jiandu.reports.models import Briefing

FROM, TO = date(2022, 3, 1), date(2022, 5, 20)

# Every figure of DESIGN §8, as the article writes it.
ARTICLE_FIGURES = [
    "印发监督建议书、工作通知、提示函等21份",
    "电话抽查暗访28次",
    "驻点监督50余天",
    "下达问题通报、督办单12次",
    "印发提示函5份",
    "累计抽查97个社区、187个帐篷设置点",
    "对21处问题责成属地立即整改",
    "帐篷5402个，损坏272个并全部补充到位，加固1748个",
    "4月28日、29日，赴6家大型商超和1个批发市场实地检查",
    "从6个方面提出12条具体工作建议",
    "提出政策措施21条",
    "上岗2049人",
    "线上培训10635人",
    "线上培训87593人次",
    "直播授课10余轮",
    "110余万人",
    "创新创业大讲堂两期",
    "330余位",
    "截至4月27日，党员干部下沉社区41.4万人次，协助社区核酸检测5068万人次",
    "志愿服务89人次",
    "下沉社区1031人次",
    "5.1万余人次",
    "基层党组织1787个",
    "党员干部11118名",
    "54446人次",
    "2286.43万元",
    "8万余支",
    "近300万元",
    "22.65万吨",
    "上线31天点击量147.9万次",
    "图为4月28日，省纪委监委驻省卫健委纪检监察组组长赫军赴一汽集团",
]


def _text(c: briefing.Composition) -> str:
    return briefing.as_markdown(c.title, "", c.sections, c.closing)


@pytest.fixture
def leader(demo, db):
    return User.objects.get(username="leader")


def test_the_province_briefing_has_every_figure_of_the_article(leader):
    text = _text(briefing.compose(leader, groups=None, date_from=FROM, date_to=TO))
    missing = [f for f in ARTICLE_FIGURES if f not in text]
    assert not missing, missing
    assert text.index("一、总体情况") < text.index("二、各派驻机构工作开展情况") < text.index("三、问题发现和整改情况")
    assert "四、下一步工作" in text


def test_a_new_record_changes_the_figure(leader):
    wjw = Org.objects.get(code="G-WJW")
    activity_services.activity_create(
        actor=User.objects.get(username="wjw_leader"),
        group=wjw,
        method=Method.PHONE_CHECK,
        title="电话抽查发热门诊",
        start_date=date(2022, 5, 18),
    )
    text = _text(briefing.compose(leader, groups=[wjw], date_from=FROM, date_to=TO))
    assert "电话抽查暗访29次" in text and "28次" not in text
    before_period = _text(briefing.compose(leader, groups=[wjw], date_from=FROM, date_to=date(2022, 3, 31)))
    assert "电话抽查暗访9次" in before_period  # every other day from 3月14日: 14, 16, … 30


def test_a_group_leader_writes_only_about_their_group(demo, db):
    wjw_leader = User.objects.get(username="wjw_leader")
    text = _text(briefing.compose(wjw_leader, groups=None, date_from=FROM, date_to=TO))
    assert text.startswith("# 驻省卫健委纪检监察组监督工作情况")
    assert "电话抽查暗访28次" in text
    assert "应急管理厅" not in text and "41.4万" not in text and "商超" not in text


def test_the_figures_of_a_period_start_on_its_first_day(leader):
    text = _text(briefing.compose(leader, groups=None, date_from=date(2022, 4, 28), date_to=date(2022, 4, 29)))
    assert "4月28日、29日，赴6家大型商超和1个批发市场实地检查" in text
    assert "电话抽查暗访1次" in text  # every other day from 3月14日: 4月29日 is one of them
    assert "驻点监督2天" in text  # the stint of 4月22日–5月1日, counted inside the period only
    empty = _text(briefing.compose(leader, groups=None, date_from=date(2021, 1, 1), date_to=date(2021, 1, 31)))
    assert "暂无监督检查、监督文书和问题整改记录" in empty and "本期间未登记问题" in empty


def test_kept_briefings_are_numbered_per_issuer_and_year(leader):
    first = services.briefing_create(actor=leader, groups=None, date_from=FROM, date_to=TO)
    second = services.briefing_create(actor=leader, groups=None, date_from=FROM, date_to=TO)
    assert (first.number, second.number) == ("2022年第1期", "2022年第2期")
    assert first.group is None and first.issuer == "吉林省纪委监委"
    wjw = Org.objects.get(code="G-WJW")
    one = services.briefing_create(actor=leader, groups=[wjw], date_from=FROM, date_to=TO)
    assert one.group == wjw and one.number == "2022年第1期" and one.issuer == wjw.name
    assert AuditEvent.objects.filter(event_type="create", object_type="reports.briefing").count() >= 3


def test_the_docx_is_an_official_briefing_with_the_figures(leader):
    b = services.briefing_create(actor=leader, groups=None, date_from=FROM, date_to=TO)
    data, content_type, name = services.briefing_export(actor=leader, briefing=b, fmt="docx")
    assert name.endswith(".docx") and "wordprocessingml" in content_type
    doc = DocxDocument(io.BytesIO(data))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == "派驻监督工作简报" and "2022年第1期" in paragraphs
    body = "\n".join(paragraphs)
    assert "一、总体情况" in body and "电话抽查暗访28次" in body and "近300万元" in body
    assert "2022年5月20日" in body  # dated at the end of the period
    heading = next(p for p in doc.paragraphs if p.text == "一、总体情况")
    assert (
        heading.runs[0]._r.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
        == "黑体"
    )
    assert AuditEvent.objects.filter(event_type="export", object_id=str(b.pk)).exists()


def test_the_command_writes_markdown_and_docx(leader, tmp_path):
    md = tmp_path / "b.md"
    call_command("briefing", "--from", "2022-03-01", "--to", "2022-05-20", "--format", "md", "--output", str(md))
    text = md.read_text()
    assert all(f in text for f in ARTICLE_FIGURES)
    one = tmp_path / "wjw.docx"
    call_command(
        "briefing",
        "--from",
        "2022-03-01",
        "--to",
        "2022-05-20",
        "--group",
        "G-WJW",
        "--format",
        "docx",
        "--output",
        str(one),
    )
    body = "\n".join(p.text for p in DocxDocument(str(one)).paragraphs)
    assert "驻省卫健委纪检监察组" in body and "商超" not in body
    with pytest.raises(CommandError, match="截止日期不能早于起始日期"):
        call_command("briefing", "--from", "2022-05-20", "--to", "2022-03-01", "--output", str(md))
    with pytest.raises(CommandError, match="编码不存在"):
        call_command("briefing", "--from", "2022-03-01", "--to", "2022-05-20", "--group", "NOPE", "--output", str(md))
    with pytest.raises(CommandError, match="无权查看"):
        call_command(
            "briefing", "--from", "2022-03-01", "--to", "2022-05-20", "--group", "G-YJT", "--user", "wjw_leader",
            "--output", str(md),
        )  # fmt: skip


def test_generate_edit_and_download_on_the_pages(leader, client):
    client.force_login(leader)
    assert client.get("/reports/briefings/").status_code == 200
    r = client.post("/reports/briefings/new/", {"date_from": "2022-03-01", "date_to": "2022-05-20"})
    assert r.status_code == 302
    b = Briefing.objects.get()
    page = client.get(r["Location"]).content.decode()
    assert "电话抽查暗访28次" in page and "briefing-photo" in page
    form = client.get(f"/reports/briefings/{b.pk}/?edit=1").content.decode()
    assert "section_overview" in form
    r = client.post(
        f"/reports/briefings/{b.pk}/",
        {
            "title": "疫情防控监督工作简报",
            "closing": "下一步，继续压实责任。",
            "version": b.version,
            "section_overview": "总体良好。",
        },
    )
    assert r.status_code == 302
    b.refresh_from_db()
    assert b.title == "疫情防控监督工作简报" and b.closing == "下一步，继续压实责任。"
    assert b.sections[0]["paragraphs"] == ["总体良好。"] and "电话抽查暗访28次" in str(b.sections[1])
    stale = client.post(f"/reports/briefings/{b.pk}/", {"title": "旧版本", "closing": "", "version": b.version - 1})
    assert stale.status_code == 400 and "已被他人修改" in stale.content.decode()
    r = client.get(f"/reports/briefings/{b.pk}/docx/")
    body = "\n".join(p.text for p in DocxDocument(io.BytesIO(r.content)).paragraphs)
    assert "疫情防控监督工作简报" in body and "下一步，继续压实责任。" in body
    md = client.get(f"/reports/briefings/{b.pk}/docx/?format=md").content.decode()
    assert md.startswith("# 疫情防控监督工作简报") and "## 四、下一步工作" in md


def test_a_bad_period_is_a_clear_error_and_keeps_nothing(leader, client):
    client.force_login(leader)
    r = client.post("/reports/briefings/new/", {"date_from": "2022-05-20", "date_to": "2022-03-01"})
    assert r.status_code == 400 and "截止日期不能早于起始日期" in r.content.decode()
    r = client.post("/reports/briefings/new/", {"date_from": "2022-13-01", "date_to": ""})
    assert r.status_code == 400 and not Briefing.objects.exists()


def test_the_api_generates_text_markdown_and_docx(leader, client):
    client.force_login(leader)
    wjw = Org.objects.get(code="G-WJW")
    r = client.post(
        "/api/v1/briefings/",
        {"scope": [wjw.pk], "from": "2022-03-01", "to": "2022-05-20", "format": "json"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["number"] == "2022年第1期" and "电话抽查暗访28次" in body["text"] and body["group"] == wjw.pk
    r = client.post(
        "/api/v1/briefings/",
        {"from": "2022-03-01", "to": "2022-05-20", "format": "md"},
        content_type="application/json",
    )
    assert r.status_code == 201 and "41.4万人次" in r.content.decode()
    r = client.post(
        "/api/v1/briefings/",
        {"scope": [wjw.pk], "from": "2022-03-01", "to": "2022-05-20", "format": "docx"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.content.startswith(b"PK")
    assert client.get("/api/v1/briefings/").json()["count"] == 3
    r = client.post("/api/v1/briefings/", {"from": "2022-05-20", "to": "2022-03-01"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid"


def _group_with_records(n: int) -> Org:
    """A further group, supervising a department of its own, with an on-site check, a problem and a document."""
    group = OrgFactory(
        kind=OrgKind.GROUP, parent=Org.objects.get(code="G-WJW").parent, name=f"省纪委监委驻测试{n}厅纪检监察组"
    )
    department = OrgFactory(
        kind=OrgKind.DEPARTMENT, parent=Org.objects.filter(kind=OrgKind.DEPARTMENT).first().parent, name=f"测试{n}厅"
    )
    AssignmentFactory(group=group, org=department)
    group_leader = user_with_role(Role.GROUP_LEADER, group)
    ActivityFactory(
        group=group, leader=group_leader, start_date=date(2022, 4, 28), sites=[SiteFactory(responsible_org=department)]
    )
    problem_factories.problem(group_leader, group, department)
    document_factories.issued(group_leader, group, [department], prefix=f"吉纪驻测{n}")
    return group


def test_the_queries_of_a_briefing_do_not_grow_with_groups(leader):
    """Not a timing test (bench/ measures time): each figure of the groups' paragraphs is read for all groups at
    once, so a province briefing costs the same queries with 22 groups as with 25 (or 200)."""

    def compose() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            text = _text(briefing.compose(leader, groups=None, date_from=FROM, date_to=TO))
        return len(queries.captured_queries), text

    compose()  # the content types and the author's roles are cached from then on
    before, _ = compose()
    extra = [_group_with_records(n) for n in range(3)]
    after, text = compose()
    assert all(f"{briefing.group_name(g)}开展实地检查1次" in text for g in extra)  # each has its paragraph
    assert before <= 60
    assert after == before
