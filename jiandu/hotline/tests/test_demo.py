"""The hotline demo loads idempotently, with failing calls, a problem from the call that rang out, and red."""

from django.core.management import call_command

from jiandu.core.deadlines import Warning
from jiandu.hotline import selectors
from jiandu.hotline.models import Hotline, HotlineCase, TestCall
from jiandu.organizations.models import User
from jiandu.problems.enums import SourceKind
from jiandu.problems.models import Problem


def test_demo_hotline(db):
    call_command("load_demo")
    first = (Hotline.objects.count(), HotlineCase.objects.count(), TestCall.objects.count(), Problem.objects.count())
    call_command("load_demo")
    assert (
        Hotline.objects.count(),
        HotlineCase.objects.count(),
        TestCall.objects.count(),
        Problem.objects.count(),
    ) == first
    assert Hotline.objects.filter(name__endswith="备春耕服务热线").count() == 9
    rang_out = TestCall.objects.get(hotline__name="长春市备春耕服务热线", connected=False)
    assert rang_out.problem is not None and rang_out.problem.source_kind == SourceKind.TEST_CALL
    assert rang_out.problem.responsible_org.code == "U-CC"
    leader = User.objects.get(username="nynct_leader")
    cards = {c.hotline_name: c for c in selectors.test_call_scorecard(leader)}
    assert cards["12316新农村热线"].done == 4 and cards["12316新农村热线"].failed == 1
    liaison = User.objects.get(username="nynct_liaison")
    assert selectors.test_call_scorecard(liaison) == []
    red = selectors.cases_for(liaison).filter(selectors.case_warning_q(Warning.RED))
    assert red.count() == 1
