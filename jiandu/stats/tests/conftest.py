import pytest

from jiandu.organizations.enums import OrgKind, Role
from jiandu.organizations.tests.factories import OrgFactory, user_with_role
from jiandu.stats.enums import Aggregation
from jiandu.stats.services import period_get

from .factories import dataset, indicator


@pytest.fixture
def hospital_liaison(tree):
    return user_with_role(Role.LIAISON, tree["hospital"], "p_hosp_liaison")


@pytest.fixture
def clinic(tree):
    """A second unit under 省卫健委, so that 省卫健委 has two reporting sub-units."""
    return OrgFactory(kind=OrgKind.UNIT, parent=tree["wjw"], code="U-CLINIC", name="吉林省第二医院")


@pytest.fixture
def stats(tree, clinic):
    """A weekly data set of 驻省卫健委组 reported by 省卫健委 and its two hospitals, with 人次 ≥ 人数."""
    times = indicator("XC_RC", "下沉人次", "人次")
    heads = indicator("XC_RS", "下沉人数", "人", Aggregation.LAST)
    ds = dataset(tree["wjw_group"], [tree["wjw"], tree["hospital"], clinic], [times, heads], rules=[(times, heads)])
    return {"ds": ds, "times": times, "heads": heads, "w16": period_get("2022-W16"), "w17": period_get("2022-W17")}
