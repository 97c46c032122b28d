"""Pages of 检查清单设置: the office edits a site type's checklist (the check form follows), items used by recorded
checks are deactivated rather than destroyed, an empty checklist is refused in Chinese, others get 403."""

import pytest

from jiandu.core.enums import EventType
from jiandu.core.models import AuditEvent
from jiandu.organizations.enums import SiteType
from jiandu.sampling import check_services
from jiandu.sampling.models import CheckItemResult, CheckTemplate

from .conftest import answers_for, tent_stock

URL = f"/sampling/checklists/{SiteType.TENT_SITE}/"


def _tent():
    check_services.ensure_templates()
    return CheckTemplate.objects.get(site_type=SiteType.TENT_SITE)


def test_office_edits_the_tent_checklist_and_the_check_form_shows_it(
    client, office_staff, published_plan, group_member
):
    template = _tent()
    client.force_login(office_staff)
    assert "检查清单设置" in client.get("/sampling/").content.decode()
    listing = client.get("/sampling/checklists/").content.decode()
    assert "帐篷设置点" in listing and "防疫帐篷设置点检查清单" in listing and "医疗机构" in listing
    page = client.get(URL).content.decode()
    assert "帐篷固定加固" in page and 'name="version"' in page
    response = client.post(URL, {"items": "棉被配备\n\n  取暖 设施  \n消防器材", "version": template.version})
    assert response.status_code == 302
    assert [i.text for i in check_services.checklist_for(SiteType.TENT_SITE)] == ["棉被配备", "取暖 设施", "消防器材"]
    assert AuditEvent.objects.filter(event_type=EventType.UPDATE, object_id=str(template.pk)).exists()

    # A stale version is a conflict shown on the form.
    response = client.post(URL, {"items": "甲", "version": template.version})
    assert response.status_code == 400
    assert check_services.checklist_for(SiteType.TENT_SITE)[0].text == "棉被配备"

    client.force_login(group_member)
    a = published_plan.current_draw.assignments_set.filter(inspectors=group_member).first()
    form = client.get(f"/sampling/tasks/{a.pk}/check/").content.decode()
    assert "取暖 设施" in form and "帐篷固定加固" not in form


def test_an_item_used_by_a_check_is_kept_for_its_results(client, office_staff, published_plan, group_member):
    template = _tent()
    a = published_plan.current_draw.assignments_set.filter(inspectors=group_member).first()
    check = check_services.check_record(
        actor=group_member, assignment=a, answers=answers_for(SiteType.TENT_SITE), stock=tent_stock()
    )
    used = check.results.get(text="帐篷固定加固")
    client.force_login(office_staff)
    response = client.post(URL, {"items": "棉被配备\n取暖设施", "version": template.version})
    assert response.status_code == 302
    used = CheckItemResult.objects.get(pk=used.pk)
    assert used.item is not None and used.item.is_active is False and used.text == "帐篷固定加固"
    assert check.results.count() == 5
    assert "帐篷固定加固" in client.get(URL).content.decode()  # listed among the deactivated items
    client.force_login(group_member)
    assert "帐篷固定加固" in client.get(f"/sampling/checks/{check.pk}/").content.decode()

    # Adding it back re-activates the same item.
    client.force_login(office_staff)
    template.refresh_from_db()
    client.post(URL, {"items": "帐篷固定加固\n棉被配备", "version": template.version})
    assert check_services.checklist_for(SiteType.TENT_SITE)[0].pk == used.item_id


def test_an_empty_checklist_is_refused_in_chinese(client, office_staff):
    template = _tent()
    client.force_login(office_staff)
    for items in ("", "  \n \n"):
        response = client.post(URL, {"items": items, "version": template.version})
        assert response.status_code == 400
        assert "检查清单至少要有一项。" in response.content.decode()
    response = client.post(URL, {"items": "棉被配备\n棉被配备", "version": template.version})
    assert response.status_code == 400 and "检查项不能重复。" in response.content.decode()
    assert len(check_services.checklist_for(SiteType.TENT_SITE)) == 5


@pytest.mark.parametrize("persona", ["liaison", "audit_admin"])
def test_others_get_403(client, db, request, persona):
    _tent()
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/sampling/checklists/").status_code == 403
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"items": "甲"}).status_code == 403


def test_group_roles_read_but_do_not_edit(client, group_leader, group_member):
    _tent()
    for user in (group_leader, group_member):
        client.force_login(user)
        assert "检查清单设置" not in client.get("/sampling/").content.decode()
        listing = client.get("/sampling/checklists/").content.decode()
        assert "帐篷固定加固" in listing and URL not in listing
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"items": "甲"}).status_code == 403
    assert len(check_services.checklist_for(SiteType.TENT_SITE)) == 5


def test_an_unknown_site_type_is_404(client, office_staff):
    client.force_login(office_staff)
    assert client.get("/sampling/checklists/nope/").status_code == 404
