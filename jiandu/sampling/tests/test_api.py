"""API /api/v1/sampling-plans/ (draw, publish, proof), /api/v1/checks/, /api/v1/stock/: same rules as the pages."""

import pytest
from rest_framework.test import APIClient

from jiandu.organizations.enums import SiteType
from jiandu.sampling import algorithm, check_services
from jiandu.sampling.models import Check

from .conftest import answers_for, tent_stock


@pytest.fixture
def api():
    return APIClient()


def test_create_draw_and_prove_a_plan(api, group_leader, group_member, tree, sites):
    api.force_authenticate(group_leader)
    response = api.post(
        "/api/v1/sampling-plans/",
        {
            "group": tree["wjw_group"].pk,
            "title": "接口抽查",
            "site_types": ["tent_site"],
            "sample_size": 2,
            "inspectors": [group_member.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    plan_id = response.json()["id"]
    assert response.json()["status"] == "draft"
    drawn = api.post(f"/api/v1/sampling-plans/{plan_id}/draw/", {"seed": "fixed-seed"}, format="json")
    assert drawn.status_code == 201
    proof = api.get(f"/api/v1/sampling-plans/{plan_id}/proof/").json()
    assert proof["seed"] == "fixed-seed" and proof["algorithm"] == algorithm.ALGORITHM
    population = [c for s in proof["strata"] for c in s["population"]]
    assert proof["population_hash"] == algorithm.population_hash(population)
    assert proof["strata"][0]["sample"] == algorithm.draw_sample("fixed-seed", proof["strata"])["all"]
    again = api.post(f"/api/v1/sampling-plans/{plan_id}/draw/", {"seed": "other"}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "invalid" and "原因" in again.json()["message"]
    assert api.post(f"/api/v1/sampling-plans/{plan_id}/publish/", {}, format="json").json()["status"] == "published"
    plan = api.get(f"/api/v1/sampling-plans/{plan_id}/").json()
    assert plan["current_draw"]["seed"] == "fixed-seed" and plan["group"] == tree["wjw_group"].pk


def test_a_member_may_not_draw_and_a_liaison_sees_nothing(api, published_plan, group_member, liaison):
    api.force_authenticate(group_member)
    response = api.post(f"/api/v1/sampling-plans/{published_plan.pk}/draw/", {"reason": "x"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    api.force_authenticate(liaison)
    assert api.get("/api/v1/sampling-plans/").json()["count"] == 0
    response = api.get(f"/api/v1/sampling-plans/{published_plan.pk}/proof/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_record_a_check_with_stock_and_read_it_back(api, published_plan, group_member, other_group_member):
    a = published_plan.current_draw.assignments_set.first()
    items = check_services.checklist_for(SiteType.TENT_SITE)
    body = {
        "assignment": a.pk,
        "results": [{"item": i.pk, "result": "pass"} for i in items],
        "stock": [{"resource": "tent", "total": 10, "damaged": 12}],
    }
    api.force_authenticate(group_member)
    bad = api.post("/api/v1/checks/", body, format="json")
    assert bad.status_code == 400 and "损坏数（12）不能大于总数（10）" in bad.json()["message"]
    body["stock"][0]["damaged"] = 2
    response = api.post("/api/v1/checks/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert len(data["results"]) == 5 and data["stock"][0]["damaged"] == 2
    assert api.get("/api/v1/checks/").json()["count"] == 1
    assert api.get("/api/v1/stock/?resource=tent").json()["results"][0]["total"] == 10
    api.force_authenticate(other_group_member)
    assert api.get(f"/api/v1/checks/{data['id']}/").status_code == 404
    assert api.get("/api/v1/stock/").json()["count"] == 0
    assert api.post("/api/v1/checks/", body, format="json").status_code == 404  # not their assignment


def test_checks_filter_by_plan(api, published_plan, group_leader):
    a = published_plan.current_draw.assignments_set.first()
    check_services.check_record(
        actor=group_leader, assignment=a, answers=answers_for(SiteType.TENT_SITE), stock=tent_stock()
    )
    api.force_authenticate(group_leader)
    assert api.get(f"/api/v1/checks/?plan={published_plan.pk}").json()["count"] == Check.objects.count() == 1
    assert api.get("/api/v1/checks/?plan=99999").json()["count"] == 0
