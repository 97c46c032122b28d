"""API fuzzing (issue 8): schemathesis generates requests for every operation of `/api/schema/` and sends them to
the app in-process (WSGI, no network), authenticated as a commission leader and as a liaison by token. No request
may end in a server error, whatever it holds. The number of examples is bounded and the generation derandomized,
so the run is short and the same every time."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from jiandu.activities.enums import Method
from jiandu.activities.tests.factories import ActivityFactory
from jiandu.documents.tests.factories import issued
from jiandu.problems.tests.factories import problem

MAX_EXAMPLES = int(__import__("os").environ.get("JIANDU_FUZZ_EXAMPLES", "5"))
FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,  # the same examples on every run and every machine
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as found
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def records(tree, group_leader, group_member):
    """A little of everything for the generated ids to hit: activities (one covert), documents and problems."""
    ActivityFactory(group=tree["wjw_group"], method=Method.COVERT)
    ActivityFactory(group=tree["yjt_group"])
    issued(group_leader, tree["wjw_group"], [tree["wjw"]])
    problem(group_member, tree["wjw_group"], tree["wjw"])
    problem(group_member, tree["wjw_group"], tree["yjt"])
    return tree


@pytest.fixture
def keep_connection():
    """The WSGI handler closes the database connection after each request, which would end the test's
    transaction on PostgreSQL; Django's own test client disconnects the same signals."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _summary(exc) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    reproduce = [line for line in lines if line.startswith("curl ")]
    return "; ".join(lines[:2] + reproduce[:1])


def _fuzz(user) -> list[str]:
    application = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    headers = {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @FUZZ_SETTINGS
        @given(case=operation.as_strategy())
        def run(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error])

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis reports a group; note it, go on
            failures.append(f"{operation.method.upper()} {operation.path}: {_summary(exc)}")
    return failures


@pytest.mark.parametrize("persona", ["commission_leader", "liaison"])
def test_no_generated_request_makes_a_server_error(persona, request, records, keep_connection):
    failures = _fuzz(request.getfixturevalue(persona))
    assert not failures, "\n".join(failures)
