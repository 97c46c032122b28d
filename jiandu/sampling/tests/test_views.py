"""Pages: the office creates, draws and publishes a plan; the notice; the inspector's tasks and check form;
one click from a failed item to a problem; results; xlsx exports (audited); 404 for those who may not see."""

import io

import pytest
from openpyxl import load_workbook

from jiandu.core.enums import EventType
from jiandu.core.models import AuditEvent
from jiandu.organizations.enums import SiteType
from jiandu.sampling import check_services
from jiandu.sampling.enums import PlanStatus
from jiandu.sampling.models import Check, SamplingPlan

from .conftest import answers_for, tent_stock


def test_create_draw_publish_through_the_pages(client, office_staff, group_member, sites):
    client.force_login(office_staff)
    assert client.get("/sampling/new/").status_code == 200
    response = client.post(
        "/sampling/new/",
        {
            "title": "全省防疫帐篷设置点抽查",
            "site_types": [SiteType.TENT_SITE],
            "exclude_days": 0,
            "stratify": "site_type",
            "sample_size": 4,
            "inspectors": [group_member.pk],
            "inspectors_per_site": 1,
            "strata_overrides": "",
        },
    )
    plan = SamplingPlan.objects.get(title="全省防疫帐篷设置点抽查")
    assert response.status_code == 302 and plan.group is None
    client.post(f"/sampling/{plan.pk}/draw/", {"seed": "", "version": plan.version})
    plan.refresh_from_db()
    draw = plan.current_draw
    assert plan.status == PlanStatus.DRAWN and len(draw.seed) == 32 and draw.sample_size == 4
    page = client.get(f"/sampling/{plan.pk}/").content.decode()
    assert (
        draw.seed in page
        and draw.population_hash in page
        and "公开" in page
        and "vendor/echarts/echarts.min.js" in page
    )
    client.post(f"/sampling/{plan.pk}/publish/", {"version": plan.version})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED
    notice = client.get(f"/sampling/{plan.pk}/notice/").content.decode()
    assert "抽取结果公示" in notice and draw.seed in notice and draw.population_hash in notice
    # A redraw without a reason is refused with a message, and nothing changes.
    client.post(f"/sampling/{plan.pk}/draw/", {"seed": "again", "version": plan.version})
    assert plan.draws.count() == 1


def test_a_bad_form_shows_chinese_errors(client, group_leader, sites):
    client.force_login(group_leader)
    response = client.post(
        "/sampling/new/",
        {
            "title": "",
            "stratify": "none",
            "exclude_days": 0,
            "inspectors_per_site": 1,
            "strata_overrides": "tent_site 5",
        },
    )
    assert response.status_code == 400
    assert "格式应为" in response.content.decode()


def test_inspector_checks_on_the_form_and_makes_a_problem(client, published_plan, group_member, liaison):
    client.force_login(group_member)
    tasks = client.get("/sampling/tasks/").content.decode()
    a = published_plan.current_draw.assignments_set.filter(inspectors=group_member).first()
    assert a.site.name in tasks
    form = client.get(f"/sampling/tasks/{a.pk}/check/").content.decode()
    assert 'capture="environment"' in form and "帐篷固定加固" in form and "tent_total" in form
    items = check_services.checklist_for(SiteType.TENT_SITE)
    data = {f"result_{i.pk}": "pass" for i in items}
    data[f"result_{items[0].pk}"] = "fail"
    data[f"note_{items[0].pk}"] = "地锚松动"
    data |= {"tent_total": 30, "tent_damaged": 3, "tent_replenished": 4, "tent_reinforced": 0}
    response = client.post(f"/sampling/tasks/{a.pk}/check/", data)
    assert response.status_code == 400 and "补充数（4）不能大于损坏数（3）" in response.content.decode()
    assert "地锚松动" in response.content.decode()  # what was typed stays
    data["tent_replenished"] = 3
    response = client.post(f"/sampling/tasks/{a.pk}/check/", data)
    check = Check.objects.get(assignment=a)
    assert response.status_code == 302
    failed = check.results.get(result="fail")
    detail = client.get(f"/sampling/checks/{check.pk}/").content.decode()
    assert "转为问题" in detail
    client.post(f"/sampling/checks/results/{failed.pk}/problem/")
    failed.refresh_from_db()
    assert failed.problem and failed.problem.responsible_org == a.site.responsible_org
    client.force_login(liaison)
    assert client.get(f"/sampling/checks/{check.pk}/").status_code == 404
    assert client.get(f"/sampling/{published_plan.pk}/").status_code == 404
    assert failed.problem.number in client.get("/").content.decode()  # the liaison's to-do on the home page


def test_other_group_gets_404_and_lists_and_results_render(client, published_plan, group_leader, other_group_member):
    a = published_plan.current_draw.assignments_set.first()
    check_services.check_record(
        actor=group_leader, assignment=a, answers=answers_for(SiteType.TENT_SITE), stock=tent_stock()
    )
    client.force_login(other_group_member)
    assert client.get(f"/sampling/{published_plan.pk}/").status_code == 404
    assert client.get(f"/sampling/tasks/{a.pk}/check/").status_code == 404
    client.force_login(group_leader)
    for url in ("/sampling/", "/sampling/checks/", "/sampling/stock/", "/sampling/results/", "/sampling/tasks/"):
        assert client.get(url).status_code == 200, url
    results = client.get("/sampling/results/").content.decode()
    assert 'data-testid="stock-total">30<' in results


@pytest.mark.parametrize(
    "url,header",
    [
        ("/sampling/export.xlsx", "计划名称"),
        ("/sampling/checks/?format=xlsx", "不合格内容"),
        ("/sampling/stock/?format=xlsx", "损坏数"),
        ("assignments", "检查人员"),
    ],
)
def test_xlsx_exports_are_audited(client, published_plan, group_leader, url, header):
    a = published_plan.current_draw.assignments_set.first()
    check_services.check_record(
        actor=group_leader, assignment=a, answers=answers_for(SiteType.TENT_SITE), stock=tent_stock()
    )
    client.force_login(group_leader)
    if url == "assignments":
        url = f"/sampling/{published_plan.pk}/assignments.xlsx"
    response = client.get(url)
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in ws[1]]
    assert header in headers and ws.max_row >= 2
    assert AuditEvent.objects.filter(event_type=EventType.EXPORT, actor_id=group_leader.pk).exists()
