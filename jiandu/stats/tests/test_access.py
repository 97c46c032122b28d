"""The access matrix over every persona: who sees which data sets and values, who enters, approves, unlocks."""

import pytest

from jiandu.core.access import can, visible_to
from jiandu.stats.models import DataSet, DataValue, Indicator
from jiandu.stats.services import datavalue_set_many

from .factories import dataset

PERSONAS = [
    "commission_leader",
    "office_staff",
    "group_leader",
    "group_member",
    "other_group_member",
    "liaison",
    "other_liaison",
    "system_admin",
    "security_admin",
    "audit_admin",
]


@pytest.fixture
def world(stats, tree, group_member, other_group_member):
    """Values of 驻省卫健委组's data set for 省卫健委 and its hospital, and of 驻省应急管理厅组's for 省应急管理厅."""
    s = stats
    for org in (tree["wjw"], tree["hospital"]):
        datavalue_set_many(
            actor=group_member, dataset=s["ds"], org=org, period=s["w16"], values={s["times"].pk: 9, s["heads"].pk: 3}
        )
    yjt_ds = dataset(tree["yjt_group"], [tree["yjt"]], [s["times"]], name="应急周报")
    datavalue_set_many(
        actor=other_group_member, dataset=yjt_ds, org=tree["yjt"], period=s["w17"], values={s["times"].pk: 4}
    )
    return {**s, "yjt_ds": yjt_ds}


# persona: (data sets seen, orgs of values seen, enters for 省卫健委, approves/unlocks, creates indicators)
EXPECTED = {
    "commission_leader": ({"下沉社区周报", "应急周报"}, {"D-WJW", "U-HOSP", "D-YJT"}, False, False, False),
    "office_staff": ({"下沉社区周报", "应急周报"}, {"D-WJW", "U-HOSP", "D-YJT"}, False, False, True),
    "group_leader": ({"下沉社区周报"}, {"D-WJW", "U-HOSP"}, True, True, True),
    "group_member": ({"下沉社区周报"}, {"D-WJW", "U-HOSP"}, True, False, False),
    "other_group_member": ({"应急周报"}, {"D-YJT"}, False, False, False),
    "liaison": ({"下沉社区周报"}, {"D-WJW", "U-HOSP"}, True, False, False),
    "other_liaison": ({"应急周报"}, {"D-YJT"}, False, False, False),
    "system_admin": (set(), set(), False, False, False),
    "security_admin": (set(), set(), False, False, False),
    "audit_admin": (set(), set(), False, False, False),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_access_matrix(request, world, tree, persona):
    user = request.getfixturevalue(persona)
    datasets, orgs, enter, approve, create_indicator = EXPECTED[persona]
    assert set(visible_to(user, DataSet).values_list("name", flat=True)) == datasets
    assert set(visible_to(user, DataValue).values_list("org__code", flat=True)) == orgs
    ds = world["ds"]
    if enter:
        datavalue_set_many(actor=user, dataset=ds, org=tree["wjw"], period=world["w17"], values={world["times"].pk: 1})
    else:
        from jiandu.core.errors import NotFound, PermissionDenied

        with pytest.raises((PermissionDenied, NotFound)):
            datavalue_set_many(
                actor=user, dataset=ds, org=tree["wjw"], period=world["w17"], values={world["times"].pk: 1}
            )
    assert can(user, "approve", ds) is approve
    assert can(user, "unlock", ds) is approve
    assert can(user, "create", Indicator) is create_indicator
    assert visible_to(user, Indicator).exists() is (persona not in ("system_admin", "security_admin", "audit_admin"))


def test_hospital_liaison_sees_only_the_hospital(world, hospital_liaison):
    assert set(visible_to(hospital_liaison, DataValue).values_list("org__code", flat=True)) == {"U-HOSP"}
    assert set(visible_to(hospital_liaison, DataSet).values_list("name", flat=True)) == {"下沉社区周报"}
