from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiandu.core import audit, otp
from jiandu.core.enums import EventType
from jiandu.organizations.enums import OrgKind, Role
from jiandu.organizations.models import Assignment, Org, RoleGrant, Site, User
from jiandu.organizations.services import _insert_org, _rewrite_subtree

from . import activities, documents, hotline, problems, sampling, stats, structure
from .context import DemoContext
from .sites import all_sites


def _upsert_org(code, name, short_name, kind, parent, orgs: dict, sort_order=0) -> Org:
    org = orgs.get(code) or Org.objects.filter(code=code).first()
    if org is None:
        org = _insert_org(kind=kind, parent=parent, code=code, name=name, short_name=short_name, sort_order=sort_order)
    else:
        if org.parent_id != (parent.pk if parent else None):
            _rewrite_subtree(org, parent)
            Org.objects.filter(pk=org.pk).update(parent=parent)
            org.refresh_from_db()
        Org.objects.filter(pk=org.pk).update(name=name, short_name=short_name, kind=kind, sort_order=sort_order)
    orgs[code] = org
    return org


def load_orgs() -> dict[str, Org]:
    orgs: dict[str, Org] = {}
    commission = _upsert_org(*structure.COMMISSION, OrgKind.COMMISSION, None, orgs)
    _upsert_org(*structure.OFFICE, OrgKind.OFFICE, commission, orgs, sort_order=1)
    for i, (code, name, short) in enumerate(structure.DEPARTMENTS):
        _upsert_org(code, name, short, OrgKind.DEPARTMENT, None, orgs, sort_order=100 + i)
    for i, (code, name, short, parent) in enumerate(structure.UNITS):
        _upsert_org(code, name, short, OrgKind.UNIT, orgs[parent] if parent else None, orgs, sort_order=500 + i)
    for i, (code, name, short, parent, supervised, _prefix, _leader) in enumerate(structure.GROUPS):
        group = _upsert_org(code, name, short, OrgKind.GROUP, orgs[parent], orgs, sort_order=10 + i)
        for target in supervised:
            Assignment.objects.get_or_create(group=group, org=orgs[target], defaults={"note": "演示数据"})
    return orgs


def _demo_accounts() -> list[tuple[str, str, str, str]]:
    """(username, full name, role, org code) of every demo account."""
    accounts = [(u, n, r, o) for u, n, r, o, _ in structure.NAMED_USERS]
    for code, _name, short, _parent, supervised, prefix, leader in structure.GROUPS:
        accounts.append((f"{prefix}_leader", leader or f"{short}组长", Role.GROUP_LEADER, code))
        accounts.append((f"{prefix}_member", f"{short}组员", Role.GROUP_MEMBER, code))
        first = supervised[0]
        accounts.append((f"{prefix}_liaison", f"{_short_of(first)}联络员", Role.LIAISON, first))
    return accounts


def _short_of(code: str) -> str:
    for c, _n, s, *_ in [*structure.DEPARTMENTS, *structure.UNITS]:
        if c == code:
            return s
    return code


def load_users(orgs: dict[str, Org]) -> list[tuple[str, str, str, str]]:
    password = make_password(structure.DEMO_PASSWORD)  # one hash for all: the demo logs in 60+ accounts
    changed_at = timezone.now()  # reloading the demo restarts the 90 days of password expiry
    accounts = _demo_accounts()
    existing = {u.username: u for u in User.objects.filter(username__in=[a[0] for a in accounts])}
    for username, full_name, role, org_code in accounts:
        org = orgs[org_code]
        user = existing.get(username)
        if user is None:
            user = User.objects.create(
                username=username,
                full_name=full_name,
                org=org,
                password=password,
                must_change_password=False,
                password_changed_at=changed_at,
            )
        else:
            User.objects.filter(pk=user.pk).update(
                full_name=full_name,
                org=org,
                password=password,
                must_change_password=False,
                password_changed_at=changed_at,
                is_active=True,
            )
        RoleGrant.objects.get_or_create(user=user, role=role, org=org)
        if role in settings.JIANDU_TOTP_ROLES:
            load_demo_totp(user)
    return accounts


def load_demo_totp(user: User) -> None:
    """The account's second factor is the published demo secret (README: 演示账号), with no recovery codes."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(user=user, name=otp.TOTP_NAME, key=structure.DEMO_TOTP_KEY_HEX, confirmed=True)


def load_sites(orgs: dict[str, Org]) -> int:
    rows = all_sites()
    existing = {s.code: s for s in Site.objects.filter(code__in=[r["code"] for r in rows])}
    new, changed = [], []
    for r in rows:
        values = {
            "site_type": r["site_type"],
            "name": r["name"],
            "address": r["address"],
            "responsible_org": orgs[r["responsible_org"]],
            "attributes": r["attributes"],
            "longitude": Decimal(str(r["longitude"])) if r.get("longitude") is not None else None,
            "latitude": Decimal(str(r["latitude"])) if r.get("latitude") is not None else None,
        }
        site = existing.get(r["code"])
        if site is None:
            new.append(Site(code=r["code"], **values))
        else:
            for k, v in values.items():
                setattr(site, k, v)
            changed.append(site)
    Site.objects.bulk_create(new, batch_size=500)
    fields = ["site_type", "name", "address", "responsible_org", "attributes", "longitude", "latitude"]
    Site.objects.bulk_update(changed, fields, batch_size=500)
    return len(rows)


@transaction.atomic
def load() -> dict:
    orgs = load_orgs()
    accounts = load_users(orgs)
    sites = load_sites(orgs)
    ctx = DemoContext(
        orgs=orgs,
        users={u.username: u for u in User.objects.filter(username__in=[a[0] for a in accounts])},
        sites={s.code: s for s in Site.objects.all()},
    )
    summary = {"orgs": len(orgs), "accounts": len(accounts), "sites": sites}
    summary.update(activities.load(ctx))
    summary.update(documents.load(ctx))
    summary.update(problems.load(ctx))
    summary.update(sampling.load(ctx))
    summary.update(hotline.load(ctx))
    summary.update(stats.load(ctx))
    audit.record(EventType.IMPORT, username="load_demo", object_type="demo", object_repr="演示数据", details=summary)
    return {"summary": summary, "accounts": accounts}
