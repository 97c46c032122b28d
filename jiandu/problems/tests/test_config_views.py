"""The settings pages of problems (类别与严重程度设置): list, add, edit, deactivate; who may."""

import re

import pytest

from jiandu.core.audit import AuditEvent
from jiandu.problems import services
from jiandu.problems.models import Category, Problem, Severity

from .factories import problem

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def offered(client, field: str, url: str = "/problems/new/") -> set[str]:
    """The option values of the <select name=field> of a problem form."""
    html = client.get(url).content.decode()
    select = re.search(rf'<select name="{field}".*?</select>', html, re.S).group(0)
    return set(re.findall(r'<option value="(\d+)"', select))


def test_office_adds_a_category_and_it_is_offered_on_the_register_form(client, office_staff, group_member):
    services.ensure_defaults()
    c = login(client, office_staff)
    assert 'data-testid="problem-settings"' in c.get("/problems/").content.decode()
    r = c.get("/problems/settings/categories/")
    assert r.status_code == 200 and 'data-testid="category-row"' in r.content.decode()
    r = c.post("/problems/settings/categories/new/", {"name": " 值班值守不到位 ", "sort_order": "5", "is_active": "on"})
    assert r.status_code == 302 and r.url == "/problems/settings/categories/"
    cat = Category.objects.get(name="值班值守不到位")
    assert cat.sort_order == 5 and cat.is_active
    assert AuditEvent.objects.filter(details__values__name="值班值守不到位").exists()
    assert "值班值守不到位" in c.get("/problems/settings/categories/").content.decode()
    assert str(cat.pk) in offered(login(client, group_member), "category")


def test_deactivating_hides_a_category_from_the_form_but_old_problems_keep_it(client, tree, office_staff, group_member):
    old = problem(group_member, tree["wjw_group"], tree["wjw"])
    cat = old.category
    c = login(client, office_staff)
    assert c.get(f"/problems/settings/categories/{cat.pk}/edit/").status_code == 200
    r = c.post(f"/problems/settings/categories/{cat.pk}/edit/", {"name": cat.name, "sort_order": cat.sort_order})
    assert r.status_code == 302
    cat.refresh_from_db()
    assert not cat.is_active
    c = login(client, group_member)
    assert str(cat.pk) not in offered(c, "category")
    old.refresh_from_db()
    assert old.category == cat
    assert cat.name in c.get(f"/problems/{old.pk}/").content.decode()
    assert str(cat.pk) in offered(c, "category", f"/problems/{old.pk}/edit/")  # still there on its problem
    assert Problem.objects.filter(category=cat).count() == 1


def test_duplicate_names_give_a_chinese_error(client, office_staff):
    services.ensure_defaults()
    existing = Category.objects.first()
    c = login(client, office_staff)
    r = c.post("/problems/settings/categories/new/", {"name": existing.name, "sort_order": "1", "is_active": "on"})
    assert r.status_code == 400 and "已存在" in r.content.decode()
    other = Category.objects.exclude(pk=existing.pk).first()
    r = c.post(f"/problems/settings/categories/{other.pk}/edit/", {"name": existing.name, "sort_order": "1"})
    assert r.status_code == 400 and "已存在" in r.content.decode()
    sev = Severity.objects.order_by("level").first()
    r = c.post("/problems/settings/severities/new/", {"name": sev.name, "level": "99", "is_active": "on"})
    assert r.status_code == 400 and "已存在" in r.content.decode()
    r = c.post("/problems/settings/severities/new/", {"name": "特别严重", "level": sev.level, "is_active": "on"})
    assert r.status_code == 400 and "已被其他严重程度使用" in r.content.decode()


def test_system_admin_keeps_the_severity_scale(client, system_admin, group_member):
    services.ensure_defaults()
    c = login(client, system_admin)
    assert c.get("/problems/settings/severities/").status_code == 200
    r = c.post("/problems/settings/severities/new/", {"name": "特别严重", "level": "99", "is_active": "on"})
    assert r.status_code == 302
    sev = Severity.objects.get(name="特别严重")
    r = c.post(f"/problems/settings/severities/{sev.pk}/edit/", {"name": "极其严重", "level": "99", "is_active": "on"})
    assert r.status_code == 302
    sev.refresh_from_db()
    assert sev.name == "极其严重"
    assert str(sev.pk) in offered(login(client, group_member), "severity")
    r = login(client, system_admin).post(
        f"/problems/settings/severities/{sev.pk}/edit/", {"name": "极其严重", "level": "99"}
    )
    assert r.status_code == 302
    assert str(sev.pk) not in offered(login(client, group_member), "severity")


@pytest.mark.parametrize("who", ["group_leader", "liaison", "audit_admin"])
def test_others_are_refused(client, request, who):
    services.ensure_defaults()
    c = login(client, request.getfixturevalue(who))
    cat, sev = Category.objects.first(), Severity.objects.first()
    for url in (
        "/problems/settings/categories/",
        "/problems/settings/categories/new/",
        f"/problems/settings/categories/{cat.pk}/edit/",
        "/problems/settings/severities/",
        "/problems/settings/severities/new/",
        f"/problems/settings/severities/{sev.pk}/edit/",
    ):
        assert c.get(url).status_code == 403, url
    r = c.post("/problems/settings/categories/new/", {"name": "越权新增", "sort_order": "1", "is_active": "on"})
    assert r.status_code == 403 and not Category.objects.filter(name="越权新增").exists()
    if who != "audit_admin":
        assert 'data-testid="problem-settings"' not in c.get("/problems/").content.decode()
