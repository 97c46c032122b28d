"""Main flows of the organizations module in a real browser."""

import pytest

from conftest import browser_login
from jiandu.core.models import AuditEvent
from jiandu.organizations.models import Org, Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_adds_a_unit_under_a_department(page, tree, office_staff):
    browser_login(page, office_staff.username)
    page.goto(f"/org/orgs/new/?parent={tree['wjw'].pk}")
    page.select_option("#id_kind", "unit")
    page.fill("#id_code", "U-NEW-1")
    page.fill("#id_name", "吉林省疾病预防控制中心")
    page.click("[data-testid=org-save]")
    page.wait_for_load_state("networkidle")
    org = Org.objects.get(code="U-NEW-1")
    assert org.parent == tree["wjw"] and org.path.startswith(tree["wjw"].path)
    assert "吉林省疾病预防控制中心" in page.content()
    assert AuditEvent.objects.filter(object_type="organizations.org", object_id=str(org.pk)).exists()


def test_office_sees_a_chinese_error_for_a_wrong_parent(page, tree, office_staff):
    browser_login(page, office_staff.username)
    page.goto(f"/org/orgs/new/?parent={tree['wjw'].pk}")
    page.select_option("#id_kind", "office")
    page.fill("#id_code", "X-1")
    page.fill("#id_name", "错误的内设室")
    page.click("[data-testid=org-save]")
    page.wait_for_load_state("networkidle")
    assert "上级只能是" in page.content()
    assert not Org.objects.filter(code="X-1").exists()


def test_member_registers_a_tent_site_with_its_attributes(page, tree, group_member):
    browser_login(page, group_member.username)
    page.goto("/org/sites/new/")
    page.select_option("[data-testid=site-type]", "tent_site")
    page.wait_for_selector("input[name=attr_tent_count]")  # swapped in by htmx
    page.fill("input[name=code]", "ZP-T-1")
    page.fill("input[name=name]", "南关区永兴社区东门防疫帐篷设置点")
    page.select_option("select[name=responsible_org]", str(tree["hospital"].pk))
    page.fill("input[name=attr_tent_count]", "28")
    page.click("[data-testid=site-save]")
    page.wait_for_load_state("networkidle")
    site = Site.objects.get(code="ZP-T-1")
    assert site.attributes["tent_count"] == 28
    assert "帐篷数" in page.content()
