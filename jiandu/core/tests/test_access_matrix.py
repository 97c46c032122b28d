"""The access matrix over everything (issue 8, DESIGN §6): every URL pattern and API route against every persona.

`jiandu/core/url_access.py` declares who may use each named URL. These tests
- fail when a URL has no declaration, or a declaration names no URL;
- on the whole Jilin 2022 demo (loaded once for the module), point every URL that names a record at a record
  of *another* group (a covert activity, a test call, a document and a problem not addressed to the liaison's
  org …) and check what every persona gets: 404 for a record they may not see, 403 for what their role lacks, a
  redirect to the login page (pages) or 401/403 (API) when anonymous; a refused POST (and PATCH/DELETE on the
  API) changes nothing;
- try what an attacker with a liaison's token would: every other org's record by id, lists with search and
  filters, and every export, and find none of it.
"""

import io
from dataclasses import dataclass
from datetime import date

import openpyxl
import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token

from jiandu.core.access import visible_to
from jiandu.core.models import Attachment, AuditEvent, ExportJob
from jiandu.core.url_access import BUSINESS, LIAISON, OWN, PUBLIC, REFERENCE, URL_ACCESS, Rule
from jiandu.demo import loader
from jiandu.organizations.enums import COMMISSION_ROLES, GROUP_ROLES
from jiandu.organizations.models import Org, RoleGrant, User

# The personas of conftest.py, played by the demo's accounts (README).
DEMO_ACCOUNTS = {
    "commission_leader": "leader",
    "office_staff": "office",
    "group_leader": "wjw_leader",
    "group_member": "wjw_member",
    "other_group_member": "yjt_member",
    "liaison": "wjw_liaison",
    "system_admin": "sysadmin",
    "security_admin": "secadmin",
    "audit_admin": "auditor",
}
OTHER_OWNER = "yjt_leader"  # owns the export job and the notification the others must not reach
WJW_PERSONAS = ("group_leader", "liaison")  # the records aimed at are invisible to both


# --- 1. every URL is declared ---


def _walk(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
            yield from _walk(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            yield (f"{namespace}:{p.name}" if namespace and p.name else p.name), str(p.pattern)


def url_names() -> dict[str, str]:
    """Every named URL pattern (DRF router routes included, with their format-suffix twins folded in)."""
    names = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        assert name, f"URL pattern {pattern!r} has no name: name it and declare it in jiandu/core/url_access.py"
        names.setdefault(name, pattern)
    return names


def test_every_url_has_an_access_declaration():
    names = url_names()
    undeclared = sorted(set(names) - set(URL_ACCESS))
    assert not undeclared, (
        "URLs without an access declaration (add one line each to jiandu/core/url_access.py): "
        + ", ".join(f"{n} ({names[n]})" for n in undeclared)
    )


def test_every_declaration_names_a_url():
    stale = sorted(set(URL_ACCESS) - set(url_names()))
    assert not stale, f"Declarations in jiandu/core/url_access.py that name no URL: {stale}"


def test_every_declared_record_url_names_a_model_that_exists():
    for name, rule in URL_ACCESS.items():
        if rule.model:
            assert apps.get_model(rule.model), name
            assert rule.kind in (BUSINESS, REFERENCE, OWN), name


# --- 2. the world ---


@dataclass
class World:
    users: dict  # persona -> User
    targets: dict  # "app.Model" -> the record aimed at
    kwargs: dict  # URL name -> kwargs


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("matrix_media")))
    media.enable()
    with django_db_blocker.unblock():
        loader.load()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
    media.disable()


def _group_of(obj):
    """The group owning a business record (or the record it hangs on)."""
    if getattr(obj, "group_id", None):
        return obj.group_id
    for parent in ("document", "case", "check_record", "plan", "owner"):
        owner = getattr(obj, parent, None)
        if owner is not None and not isinstance(owner, User):
            return _group_of(owner)
    if hasattr(obj, "draw"):
        return obj.draw.plan.group_id
    return None


def _foreign(model, users, prefer=None):
    """A record of `model` that neither the wjw group leader nor the wjw liaison may see."""
    qs = model._default_manager.all()
    for persona in WJW_PERSONAS:
        qs = qs.exclude(pk__in=visible_to(users[persona], model).values("pk"))
    if prefer:
        first = qs.filter(**prefer).order_by("pk").first()
        if first is not None:
            return first
    return qs.order_by("pk").first()


def _photo_of(activity) -> Attachment:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jiandu.activities.tests.factories import image_bytes
    from jiandu.core.attachments import store_upload

    upload = SimpleUploadedFile("暗访.png", image_bytes(), content_type="image/png")
    return store_upload(actor=None, owner=activity, upload=upload, caption="暗访照片", purpose="photo")


def _build_world() -> World:
    from jiandu.activities.models import Activity, Campaign
    from jiandu.documents.models import Document
    from jiandu.hotline.models import Hotline, HotlineCase, TestCall
    from jiandu.notifications.models import Notification
    from jiandu.problems.models import Category, Problem, Severity
    from jiandu.reports import services as report_services
    from jiandu.sampling.models import Assignment as SamplingAssignment
    from jiandu.sampling.models import Check, CheckItemResult, SamplingPlan, Stock
    from jiandu.stats.models import DataSet, DataValue, Indicator, ValidationRule

    users = {persona: User.objects.get(username=username) for persona, username in DEMO_ACCOUNTS.items()}
    other = User.objects.get(username=OTHER_OWNER)
    yjt_group = Org.objects.get(code="G-YJT")

    # What the demo does not have: a kept briefing of another group, another user's export job and notification.
    briefing = report_services.briefing_create(
        actor=other, groups=[yjt_group], date_from=date(2022, 3, 1), date_to=date(2022, 5, 20)
    )
    job = ExportJob.objects.create(owner=other, name="problems", title="问题台账", filename="问题台账.xlsx")
    notification = Notification.objects.create(recipient=other, title="测试通知", body="", url="/")

    covert = _foreign(Activity, users, prefer={"confidential": True})
    assert covert is not None and covert.confidential
    plan = _foreign(SamplingPlan, users, prefer={"group": yjt_group, "draws__isnull": False})
    check = _foreign(Check, users, prefer={"group": yjt_group})
    document = _foreign(Document, users, prefer={"group": yjt_group, "status__in": ["issued", "received", "replied"]})
    dataset = _foreign(DataSet, users)
    targets = {
        "activities.Activity": covert,
        "activities.Campaign": _foreign(Campaign, users, prefer={"group": yjt_group}),
        "documents.Document": document,
        "problems.Problem": _foreign(Problem, users, prefer={"group": yjt_group}),
        "sampling.SamplingPlan": plan,
        "sampling.Check": check,
        "sampling.Stock": _foreign(Stock, users, prefer={"group": yjt_group}),
        "hotline.HotlineCase": _foreign(HotlineCase, users),
        "hotline.TestCall": _foreign(TestCall, users),
        "hotline.Hotline": Hotline.objects.order_by("pk").first(),
        "stats.DataSet": dataset,
        "stats.Indicator": Indicator.objects.order_by("pk").first(),
        "stats.DataValue": _foreign(DataValue, users),
        "organizations.Org": Org.objects.get(code="G-YJT"),
        "organizations.User": other,
        "organizations.Site": apps.get_model("organizations.Site").objects.order_by("pk").first(),
        "organizations.Assignment": apps.get_model("organizations.Assignment").objects.order_by("pk").first(),
        "organizations.RoleGrant": RoleGrant.objects.filter(user=other).first(),
        "problems.Category": Category.objects.order_by("pk").first(),
        "problems.Severity": Severity.objects.order_by("pk").first(),
        "reports.Briefing": briefing,
        "core.ExportJob": job,
        "notifications.Notification": notification,
        "core.Attachment": _photo_of(covert),
    }
    missing = sorted(k for k, v in targets.items() if v is None)
    assert not missing, f"the demo world lacks a record of {missing}"
    rule = ValidationRule.objects.filter(dataset=dataset).first()
    result = CheckItemResult.objects.filter(check_record=check).first()
    task = SamplingAssignment.objects.filter(draw__plan=plan).first()
    recipient = document.recipients.first()
    kwargs = {
        "documents:recipient_acknowledge": {"pk": document.pk, "rpk": recipient.pk},
        "documents:recipient_reply": {"pk": document.pk, "rpk": recipient.pk},
        "activities:activity_attachment_delete": {"pk": covert.pk, "attachment_id": targets["core.Attachment"].pk},
        "stats:rule_delete": {"pk": dataset.pk, "rule_pk": rule.pk if rule else 999999},
        "hotline:case_move": {"pk": targets["hotline.HotlineCase"].pk, "move": "close"},
        "sampling:plan_move": {"pk": plan.pk, "move": "close"},
        "sampling:checklist_edit": {"site_type": "tent_site"},
        "sampling:check_form": {"assignment_id": task.pk if task else 999999},
        "sampling:result_problem": {"pk": result.pk if result else 999999},
    }
    return World(users=users, targets=targets, kwargs=kwargs)


@pytest.fixture
def world(demo, db):
    return _build_world()


# --- 3. expectations ---

OK = "ok"


def _roles(user) -> set[str]:
    return set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))


def _groups(user) -> set[int]:
    return set(RoleGrant.objects.filter(user=user, role__in=GROUP_ROLES).values_list("org_id", flat=True))


def _sees_business(user, obj) -> bool:
    """DESIGN §6, independent of the access module: commission roles see all, group roles their group's records.
    The records aimed at are addressed to no org of the liaison, so a liaison sees none of them."""
    if _roles(user) & COMMISSION_ROLES:
        return True
    return _group_of(obj) in _groups(user)


def expected(rule: Rule, user, target) -> str | set[int]:
    """OK, or the set of acceptable refusal statuses, for `user` (None: anonymous) on a GET."""
    if rule.roles >= PUBLIC:
        return OK
    if user is None:
        return {401, 403} if rule.api else {302}
    if not _roles(user) & rule.roles:
        # The role lacks the page or action: 403 whatever the record (a 404 does not leak either).
        return {403, 404} if target is not None or rule.api else {403}
    if target is not None and rule.kind == OWN and _owner_of(target) != user.pk:
        return {404}
    if target is not None and rule.kind == BUSINESS and not _sees_business(user, target):
        return {404}  # the role may, but not on this record: it does not exist for them
    return OK


def _owner_of(obj):
    return getattr(obj, "owner_id", None) or getattr(obj, "recipient_id", None)


def _ok(status: int, rule: Rule) -> bool:
    """Success, or a refusal that depends on the shared record rather than the role (e.g. another group's
    hotline), which only reference data may answer."""
    return status < 400 or status == 405 or (rule.kind == REFERENCE and status in (403, 404))


def _empty_list(response) -> bool:
    if response.status_code != 200 or "json" not in response.get("Content-Type", ""):
        return False
    body = response.json()
    return (isinstance(body, dict) and body.get("count") == 0) or body == []


# --- the clients ---


def _page_client(user) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _api_client(user) -> Client:
    if user is None:
        return Client()
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def _url(name: str, rule: Rule, world: World) -> tuple[str, object]:
    target = world.targets.get(rule.model) if rule.model else None
    if name in world.kwargs:
        return reverse(name, kwargs=world.kwargs[name]), target
    if target is not None:
        return reverse(name, kwargs={"pk": target.pk}), target
    return reverse(name), None


FINGERPRINT_MODELS = [
    "activities.Activity",
    "activities.Campaign",
    "documents.Document",
    "documents.DocumentRecipient",
    "documents.DocumentEvent",
    "problems.Problem",
    "problems.ProblemEvent",
    "problems.Rectification",
    "problems.Urge",
    "problems.Category",
    "problems.Severity",
    "sampling.SamplingPlan",
    "sampling.Draw",
    "sampling.Check",
    "sampling.Stock",
    "hotline.Hotline",
    "hotline.HotlineCase",
    "hotline.CaseEvent",
    "hotline.TestCall",
    "stats.Indicator",
    "stats.DataSet",
    "stats.DataValue",
    "stats.Approval",
    "stats.ValidationRule",
    "organizations.Org",
    "organizations.Assignment",
    "organizations.Site",
    "organizations.User",
    "organizations.RoleGrant",
    "reports.Briefing",
    "core.Attachment",
    "core.ExportJob",
    "notifications.Notification",
]


def _send(client, method, url, api):
    return getattr(client, method)(url, {}, content_type="application/json") if api else client.post(url)


def _url_for_missing(name: str, rule: Rule, world: World) -> str:
    kwargs = dict(world.kwargs.get(name, {"pk": 0}))
    for key in kwargs:
        if key in ("pk", "rpk", "attachment_id", "rule_pk", "assignment_id"):
            kwargs[key] = 987654321
    return reverse(name, kwargs=kwargs)


def _fingerprint(target) -> tuple:
    counts = tuple(apps.get_model(m)._default_manager.count() for m in FINGERPRINT_MODELS)
    row = None
    if target is not None:
        row = tuple(sorted(type(target)._default_manager.filter(pk=target.pk).values().first().items()))
    return counts, row


def _area(name: str) -> str:
    return name.split(":")[0] if ":" in name else "core"


def _run_matrix(world: World, *, api: bool, area: str | None = None) -> list[str]:
    failures = []
    personas = [None, *world.users]
    for name, rule in sorted(URL_ACCESS.items()):
        if rule.api != api or name in ("token", "logout", "login") or (area and _area(name) != area):
            continue
        url, target = _url(name, rule, world)
        before = _fingerprint(target) if rule.write else None
        posted = []
        for persona in personas:
            user = world.users.get(persona)
            client = _api_client(user) if api else _page_client(user)
            want = expected(rule, user, target)
            got = client.get(url)
            who = persona or "anonymous"
            if want == OK:
                if not _ok(got.status_code, rule):
                    failures.append(f"GET {url} [{name}] as {who}: {got.status_code}, expected success")
            elif got.status_code == 405 and rule.write:
                pass  # a POST-only URL answers GET alike for every id: nothing leaks; the POST is tried below
            elif rule.api and not rule.model and _empty_list(got):
                pass  # a list the role may not use answers empty
            elif got.status_code not in want:
                failures.append(f"GET {url} [{name}] as {who}: {got.status_code}, expected {sorted(want)}")
            elif want == {302} and "/accounts/login/" not in got.get("Location", ""):
                failures.append(f"GET {url} [{name}] as anonymous: redirected to {got.get('Location')}, not login")
            if not rule.write or want == OK:
                continue
            for method in ["post", "patch", "delete"] if api and target is not None else ["post"]:
                got = _send(client, method, url, api)
                posted.append(f"{method.upper()} as {who}")
                refused = want | {405} | ({403} if user is None else set())
                if got.status_code in refused:
                    continue
                # Also refused: the very answer a record that does not exist gets (a body validated before the
                # record is fetched answers 400 for any id, so nothing leaks); for a create, a 400.
                if target is not None:
                    missing = _send(client, method, _url_for_missing(name, rule, world), api).status_code
                    if got.status_code == missing and got.status_code < 500:
                        continue
                elif api and got.status_code == 400:
                    continue
                failures.append(f"{method.upper()} {url} [{name}] as {who}: {got.status_code}, expected refusal")
        if posted and _fingerprint(target) != before:
            failures.append(f"{url} [{name}]: data changed after refused requests ({', '.join(posted)})")
    return failures


PAGE_AREAS = sorted({_area(name) for name, rule in URL_ACCESS.items() if not rule.api})


@pytest.mark.parametrize("area", PAGE_AREAS)
def test_every_page_against_every_persona(world, area):
    failures = _run_matrix(world, api=False, area=area)
    assert not failures, "\n".join(failures)


def test_every_api_route_against_every_persona(world):
    failures = _run_matrix(world, api=True)
    assert not failures, "\n".join(failures)


# --- 4. the attacker with a liaison's token ---

LIAISON_READABLE = {
    # API list -> model: what a liaison may list at all (documents and problems addressed to their org, …)
    "document-list": "documents.Document",
    "problem-list": "problems.Problem",
    "hotline-case-list": "hotline.HotlineCase",
    "hotline-list": "hotline.Hotline",
    "data-value-list": "stats.DataValue",
    "activity-list": "activities.Activity",
    "test-call-list": "hotline.TestCall",
    "campaign-list": "activities.Campaign",
    "sampling-plan-list": "sampling.SamplingPlan",
    "check-list": "sampling.Check",
    "stock-list": "sampling.Stock",
    "briefing-list": "reports.Briefing",
}
NEVER_TO_A_LIAISON = {
    "activity-list",
    "test-call-list",
    "campaign-list",
    "sampling-plan-list",
    "check-list",
    "stock-list",
    "briefing-list",
}


def _ids(response) -> set[int]:
    if response.status_code != 200:
        return set()
    body = response.json()
    rows = body["results"] if isinstance(body, dict) and "results" in body else body
    return {row["id"] for row in rows}


def test_a_liaisons_token_reaches_no_other_orgs_record(world):
    liaison = world.users["liaison"]
    client = _api_client(liaison)
    yjt, yjt_group = Org.objects.get(code="D-YJT"), Org.objects.get(code="G-YJT")
    leaks = []

    # By id: every record of every business model that the liaison may not see, through its API detail route.
    for name, rule in URL_ACCESS.items():
        if not (rule.api and rule.model and rule.kind == BUSINESS) or rule.model == "core.Attachment":
            continue  # an attachment follows its record: tried through the covert activity's photo below
        model = apps.get_model(rule.model)
        hidden = model._default_manager.exclude(pk__in=visible_to(liaison, model).values("pk"))
        reads = name.endswith("-detail") or not rule.write
        missing = _send(client, "post", reverse(name, kwargs={"pk": 987654321}), True).status_code
        for pk in hidden.order_by("-pk").values_list("pk", flat=True)[:25]:
            url = reverse(name, kwargs={"pk": pk})
            if reads:
                status = client.get(url).status_code
                if status != 404 and not (status == 403 and not rule.roles & LIAISON):
                    leaks.append(f"GET {url}: {status}")
            else:  # a workflow action: the same answer as for a record that does not exist
                status = _send(client, "post", url, True).status_code
                if status != missing:
                    leaks.append(f"POST {url}: {status}, {missing} for a missing record")

    # By list, search and filter: nothing outside what the liaison may see; never an activity or a test call.
    filters = ["", "?q=", "?q=问题", "?search=省", f"?org={yjt.pk}", f"?group={yjt_group.pk}", "?confidential=true"]
    for name, label in LIAISON_READABLE.items():
        model = apps.get_model(label)
        allowed = set(visible_to(liaison, model).values_list("pk", flat=True))
        for query in filters:
            response = client.get(reverse(name) + query)
            assert response.status_code < 500, (name, query)
            ids = _ids(response)
            if ids - allowed:
                leaks.append(
                    f"GET {reverse(name)}{query}: ids {sorted(ids - allowed)[:5]} not addressed to the liaison"
                )
            if name in NEVER_TO_A_LIAISON and ids:
                leaks.append(f"GET {reverse(name)}{query}: {len(ids)} records a liaison must never see")
    assert not leaks, "\n".join(leaks)


def _cells(content: bytes) -> set[str]:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return {str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v}


def test_a_liaisons_exports_hold_no_other_orgs_record(world):
    from jiandu.documents.models import Document
    from jiandu.hotline.models import HotlineCase
    from jiandu.problems.models import Problem

    liaison = world.users["liaison"]
    client = _page_client(liaison)
    yjt, yjt_group = Org.objects.get(code="D-YJT"), Org.objects.get(code="G-YJT")
    hidden_titles = set()
    for model, field in ((Document, "title"), (Problem, "description"), (HotlineCase, "number")):
        seen = set(visible_to(liaison, model).values_list(field, flat=True))
        hidden_titles |= set(model.objects.values_list(field, flat=True)) - seen
    assert hidden_titles
    leaks = []
    for name, rule in URL_ACCESS.items():
        if rule.api or "export" not in name or rule.model:
            continue
        for query in ("", f"?org={yjt.pk}", f"?group={yjt_group.pk}", "?q=省"):
            response = client.get(reverse(name) + query)
            if response.status_code != 200 or not response.get("Content-Type", "").startswith("application/vnd"):
                assert response.status_code in (200, 302, 403, 404), (name, response.status_code)
                continue
            found = _cells(response.content) & hidden_titles
            if found:
                leaks.append(f"{reverse(name)}{query}: {sorted(found)[:3]}")
    assert not leaks, "\n".join(leaks)


def test_refused_requests_write_no_audit_event_of_a_change(world):
    """A refused workflow action is not a write: the problem keeps its state and no transition is recorded."""
    problem = world.targets["problems.Problem"]
    changes = AuditEvent.objects.filter(object_type__icontains="problem", object_id=str(problem.pk), outcome="success")
    before = (problem.status, problem.version if hasattr(problem, "version") else None, changes.count())
    client = _api_client(world.users["liaison"])
    for action in ("start", "submit", "return", "close", "reopen", "urge"):
        name = "problem-return-" if action == "return" else f"problem-{action}"
        body = {"reason": "越权尝试", "note": "越权尝试", "level": "reminder"}
        got = client.post(reverse(name, kwargs={"pk": problem.pk}), body, content_type="application/json")
        missing = client.post(reverse(name, kwargs={"pk": 987654321}), body, content_type="application/json")
        assert (got.status_code, got.json()) == (missing.status_code, missing.json()) and got.status_code >= 400
    problem.refresh_from_db()
    after = (problem.status, problem.version if hasattr(problem, "version") else None, changes.count())
    assert after == before
