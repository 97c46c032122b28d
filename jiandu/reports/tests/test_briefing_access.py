"""Who may generate, read, edit and export briefings — pages and API — for every persona (DESIGN §6)."""

from datetime import date

import pytest

from conftest import PERSONAS
from jiandu.reports import services
from jiandu.reports.models import Briefing

CREATORS = {"commission_leader", "office_staff", "group_leader", "group_member", "other_group_member"}
PERIOD = {"date_from": "2022-03-01", "date_to": "2022-05-20"}


@pytest.mark.parametrize("name", PERSONAS)
def test_who_may_generate_a_briefing(name, request, client):
    user = request.getfixturevalue(name)
    client.force_login(user)
    page = client.post("/reports/briefings/new/", PERIOD)
    api = client.post("/api/v1/briefings/", {"from": "2022-03-01", "to": "2022-05-20"}, content_type="application/json")
    if name in CREATORS:
        assert page.status_code == 302 and api.status_code == 201
    else:
        assert page.status_code == 403 and api.status_code == 403
        assert api.json()["code"] == "permission_denied"
        assert not Briefing.objects.exists()


@pytest.fixture
def wjw_briefing(group_leader, tree):
    return services.briefing_create(
        actor=group_leader, groups=[tree["wjw_group"]], date_from=date(2022, 3, 1), date_to=date(2022, 5, 20)
    )


@pytest.mark.parametrize(
    "name, sees, edits",
    [
        ("commission_leader", True, False),
        ("office_staff", True, False),
        ("group_leader", True, True),
        ("group_member", True, True),
        ("other_group_member", False, False),
        ("liaison", False, False),
        ("system_admin", False, False),
        ("audit_admin", False, False),
    ],
)
def test_a_group_briefing_is_seen_by_the_commission_and_its_group_only(
    name, sees, edits, request, client, wjw_briefing
):
    client.force_login(request.getfixturevalue(name))
    url = f"/reports/briefings/{wjw_briefing.pk}/"
    assert client.get(url).status_code == (200 if sees else 404)
    assert client.get(url + "docx/").status_code == (200 if sees else 404)
    assert client.get(f"/api/v1/briefings/{wjw_briefing.pk}/").status_code == (200 if sees else 404)
    listed = client.get("/api/v1/briefings/")
    if listed.status_code == 200:
        assert (listed.json()["count"] == 1) == sees
    r = client.post(url, {"title": "改", "closing": "", "version": wjw_briefing.version})
    assert r.status_code == (302 if edits else 403 if sees else 404)


def test_a_province_briefing_is_the_commissions(office_staff, group_leader, client):
    b = services.briefing_create(actor=office_staff, groups=None, date_from=date(2022, 3, 1), date_to=date(2022, 5, 20))
    assert b.group is None
    client.force_login(group_leader)
    assert client.get(f"/reports/briefings/{b.pk}/").status_code == 404


def test_a_group_member_cannot_scope_a_briefing_to_another_group(group_member, tree, client):
    client.force_login(group_member)
    r = client.post(
        "/api/v1/briefings/",
        {"scope": [tree["yjt_group"].pk], "from": "2022-03-01", "to": "2022-05-20"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "无权查看" in r.json()["message"]
    assert not Briefing.objects.exists()
