"""Every write of sampling plans and their draws (双随机抽查). Checks and stock counts: check_services.py.

The plan workflow is one table (TRANSITIONS): draft → drawn → published → closed, and drawn/published → drawn
by a redraw. A draw records every input (seed, population snapshot and its hash, strata, inspector pool) and
the result, so that `verify_draw` and anyone holding the proof re-derive it (algorithm.py). A redraw needs a
reason, makes a NEW Draw and marks the old one superseded: nothing is overwritten, and both are audited.
"""

import re
import secrets
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from jiandu.core import audit
from jiandu.core.access import principal, require, visible_to
from jiandu.core.enums import EventType
from jiandu.core.errors import ValidationFailed
from jiandu.core.versioning import bump, lock_current
from jiandu.organizations.enums import GROUP_ROLES, OrgKind, SiteType
from jiandu.organizations.models import Org, Site, User

from . import algorithm
from .enums import PlanEventKind, PlanStatus, Stratify
from .models import Assignment, Check, Draw, PlanEvent, SamplingPlan

PLAN_FIELDS = [
    "group",
    "title",
    "campaign",
    "description",
    "site_types",
    "exclude_days",
    "stratify",
    "sample_size",
    "sample_proportion",
    "strata_overrides",
    "inspectors_per_site",
    "status",
]
# The moves of a plan: name → (allowed from, to).
TRANSITIONS = {
    "draw": ((PlanStatus.DRAFT,), PlanStatus.DRAWN),
    "redraw": ((PlanStatus.DRAWN, PlanStatus.PUBLISHED), PlanStatus.DRAWN),
    "publish": ((PlanStatus.DRAWN,), PlanStatus.PUBLISHED),
    "close": ((PlanStatus.PUBLISHED,), PlanStatus.CLOSED),
}
MOVE_LABELS = {"draw": "抽取", "redraw": "重新抽取", "publish": "公开", "close": "结束"}
SEED_RE = re.compile(r"^[0-9A-Za-z_\-]{1,64}$")
MAX_EXCLUDE_DAYS = 3650


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _event(plan, kind, *, actor, at, from_status="", to_status="", note="") -> PlanEvent:
    return PlanEvent.objects.create(
        plan=plan,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=at,
        from_status=from_status,
        to_status=to_status,
        note=note[:300],
    )


def _check_move(name: str, plan: SamplingPlan) -> PlanStatus:
    allowed, target = TRANSITIONS[name]
    if plan.status not in allowed:
        raise ValidationFailed(
            f"计划当前为「{plan.get_status_display()}」，不能{MOVE_LABELS[name]}。", code="illegal_transition"
        )
    return target


# --- Plans ---


def _clean_plan(
    actor,
    *,
    group,
    title,
    campaign,
    site_types,
    orgs,
    exclude_days,
    stratify,
    sample_size,
    sample_proportion,
    strata_overrides,
    inspectors,
    inspectors_per_site,
):
    from jiandu.activities.models import Campaign

    errors: dict[str, list[str]] = {}
    title = " ".join((title or "").split())
    if not title:
        errors["title"] = ["请填写计划名称。"]
    elif len(title) > 120:
        errors["title"] = ["计划名称不能超过120个字。"]
    if group is not None and group.kind != OrgKind.GROUP:
        errors["group"] = ["计划的所属单位只能是纪检监察组。"]
    bad_types = [t for t in site_types or () if t not in SiteType.values]
    if bad_types:
        errors["site_types"] = [f"点位类型不正确：{'、'.join(bad_types)}。"]
    if stratify not in Stratify.values:
        errors["stratify"] = ["分层方式不正确。"]
    if exclude_days is None or not 0 <= int(exclude_days) <= MAX_EXCLUDE_DAYS:
        errors["exclude_days"] = [f"排除天数应为0～{MAX_EXCLUDE_DAYS}。"]
    if sample_size is not None and int(sample_size) < 1:
        errors["sample_size"] = ["每层抽取数量至少为1。"]
    proportion = None
    if sample_proportion not in (None, ""):
        try:
            proportion = Decimal(str(sample_proportion))
        except InvalidOperation:
            proportion = Decimal(-1)
        if not Decimal(0) < proportion <= Decimal(1):
            errors["sample_proportion"] = ["抽取比例应大于0且不超过1（如0.2表示20%）。"]
    if sample_size is not None and proportion is not None:
        errors["sample_size"] = ["每层抽取数量和抽取比例只能填写一项。"]
    overrides = {}
    for key, spec in (strata_overrides or {}).items():
        spec = spec or {}
        if spec.get("size") not in (None, ""):
            if int(spec["size"]) < 1:
                errors["strata_overrides"] = [f"分层「{key}」的抽取数量至少为1。"]
            overrides[str(key)] = {"size": int(spec["size"])}
        elif spec.get("proportion") not in (None, ""):
            p = Decimal(str(spec["proportion"]))
            if not Decimal(0) < p <= Decimal(1):
                errors["strata_overrides"] = [f"分层「{key}」的抽取比例应大于0且不超过1。"]
            overrides[str(key)] = {"proportion": str(p)}
    if not 1 <= int(inspectors_per_site or 0) <= 10:
        errors["inspectors_per_site"] = ["每个点位检查人数应为1～10。"]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    if campaign is not None and not visible_to(actor, Campaign).filter(pk=campaign.pk).exists():
        raise ValidationFailed("专项监督不存在或无权选择。", fields={"campaign": ["专项监督不存在或无权选择。"]})
    org_ids = [o.pk for o in orgs or ()]
    if visible_to(actor, Org).filter(pk__in=org_ids).count() != len(set(org_ids)):
        raise ValidationFailed("范围中的单位不存在或无权选择。", fields={"orgs": ["单位不存在或无权选择。"]})
    inspectors = list(inspectors or ())
    inactive = [u.display_name for u in inspectors if not u.is_active]
    if inactive:
        raise ValidationFailed(f"检查人员账号已停用：{'、'.join(inactive)}。", fields={"inspectors": ["账号已停用。"]})
    return title, proportion, overrides, sorted(set(site_types or ()))


@transaction.atomic
def plan_create(
    *,
    actor,
    group: Org | None,
    title: str,
    campaign=None,
    description: str = "",
    site_types=(),
    orgs=(),
    exclude_days: int = 0,
    stratify: str = Stratify.NONE,
    sample_size: int | None = None,
    sample_proportion=None,
    strata_overrides: dict | None = None,
    inspectors=(),
    inspectors_per_site: int = 1,
    at: datetime | None = None,
) -> SamplingPlan:
    """新建抽查计划 (draft): office staff for an office-wide plan (group None), group roles for their own group.
    Writes the CREATED event and a CREATE audit event."""
    plan = SamplingPlan(group=group)
    require(actor, "create", SamplingPlan)
    require(actor, "create", plan)
    title, proportion, overrides, site_types = _clean_plan(
        actor,
        group=group,
        title=title,
        campaign=campaign,
        site_types=site_types,
        orgs=orgs,
        exclude_days=exclude_days,
        stratify=stratify,
        sample_size=sample_size,
        sample_proportion=sample_proportion,
        strata_overrides=strata_overrides,
        inspectors=inspectors,
        inspectors_per_site=inspectors_per_site,
    )
    plan = SamplingPlan(
        group=group,
        title=title,
        campaign=campaign,
        description=(description or "").strip(),
        site_types=site_types,
        exclude_days=int(exclude_days),
        stratify=stratify,
        sample_size=sample_size,
        sample_proportion=proportion,
        strata_overrides=overrides,
        inspectors_per_site=int(inspectors_per_site),
        created_by=actor,
    )
    plan.full_clean(exclude=["created_by"])
    plan.save()
    plan.orgs.set(orgs or ())
    plan.inspectors.set(inspectors or ())
    _event(plan, PlanEventKind.CREATED, actor=actor, at=_now(at), to_status=plan.status)
    audit.record_change(
        actor,
        plan,
        before=None,
        fields=PLAN_FIELDS,
        extra={"orgs": [o.pk for o in orgs or ()], "inspectors": [u.username for u in inspectors or ()]},
    )
    return plan


@transaction.atomic
def plan_update(*, actor, plan: SamplingPlan, expected_version: int | None, **values) -> SamplingPlan:
    """修改抽查计划: only a draft (a drawn plan's inputs are published; change them by a new plan or a redraw)."""
    require(actor, "change", plan)
    plan = lock_current(plan, expected_version)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationFailed("只有草稿状态的计划可以修改；已抽取的计划如需调整，请重新抽取并说明原因。")
    current = {
        "title": plan.title,
        "campaign": plan.campaign,
        "description": plan.description,
        "site_types": plan.site_types,
        "orgs": list(plan.orgs.all()),
        "exclude_days": plan.exclude_days,
        "stratify": plan.stratify,
        "sample_size": plan.sample_size,
        "sample_proportion": plan.sample_proportion,
        "strata_overrides": plan.strata_overrides,
        "inspectors": list(plan.inspectors.all()),
        "inspectors_per_site": plan.inspectors_per_site,
    }
    unknown = set(values) - set(current)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    v = current | values
    before = audit.snapshot(plan, PLAN_FIELDS)
    before_orgs = sorted(o.pk for o in current["orgs"])
    before_inspectors = sorted(u.username for u in current["inspectors"])
    title, proportion, overrides, site_types = _clean_plan(
        actor, group=plan.group, **{k: v[k] for k in v if k != "description"}
    )
    plan.title, plan.campaign, plan.description = title, v["campaign"], (v["description"] or "").strip()
    plan.site_types, plan.exclude_days, plan.stratify = site_types, int(v["exclude_days"]), v["stratify"]
    plan.sample_size, plan.sample_proportion, plan.strata_overrides = v["sample_size"], proportion, overrides
    plan.inspectors_per_site = int(v["inspectors_per_site"])
    bump(plan)
    plan.full_clean(exclude=["created_by"])
    plan.save()
    plan.orgs.set(v["orgs"])
    plan.inspectors.set(v["inspectors"])
    extra = {}
    after_orgs = sorted(o.pk for o in v["orgs"])
    after_inspectors = sorted(u.username for u in v["inspectors"])
    if after_orgs != before_orgs:
        extra["orgs"] = [before_orgs, after_orgs]
    if after_inspectors != before_inspectors:
        extra["inspectors"] = [before_inspectors, after_inspectors]
    _event(plan, PlanEventKind.UPDATED, actor=actor, at=timezone.now())
    audit.record_change(actor, plan, before=before, fields=PLAN_FIELDS, extra=extra)
    return plan


# --- The population and its strata ---


def _district_of(site: Site, scopes: list[Org]) -> Org:
    """The deepest of the plan's orgs whose subtree holds the site (its responsible org without scopes)."""
    best = None
    for org in scopes:
        if site.responsible_org.path.startswith(org.path) and (best is None or len(org.path) > len(best.path)):
            best = org
    return best or site.responsible_org


def eligible_sites(plan: SamplingPlan, *, on: datetime | None = None) -> list[Site]:
    """The population of a plan at `on`: active sites of its types and areas, not checked within its exclusion
    window (any check of the site, by any group)."""
    qs = Site.objects.filter(is_active=True).select_related("responsible_org")
    if plan.site_types:
        qs = qs.filter(site_type__in=plan.site_types)
    scopes = list(plan.orgs.all())
    if scopes:
        from jiandu.core.access import in_subtrees

        qs = qs.filter(in_subtrees("responsible_org", [o.path for o in scopes]))
    if plan.exclude_days:
        since = _now(on) - timedelta(days=plan.exclude_days)
        recent = Check.objects.filter(checked_at__gte=since, checked_at__lte=_now(on)).values("site_id")
        qs = qs.exclude(pk__in=recent)
    return list(qs.order_by("code"))


def build_strata(plan: SamplingPlan, sites: list[Site]) -> list[dict]:
    """The strata of the population, in key order, each with its size rule and n (see algorithm.py)."""
    scopes = sorted(plan.orgs.all(), key=lambda o: o.path)
    type_labels = dict(SiteType.choices)
    groups: dict[str, dict] = {}
    for site in sites:
        district = _district_of(site, scopes) if plan.stratify in (Stratify.DISTRICT, Stratify.BOTH) else None
        if plan.stratify == Stratify.SITE_TYPE:
            key, label = site.site_type, str(type_labels[site.site_type])
        elif plan.stratify == Stratify.DISTRICT:
            key, label = district.code, district.name
        elif plan.stratify == Stratify.BOTH:
            key, label = f"{site.site_type}|{district.code}", f"{type_labels[site.site_type]}·{district.name}"
        else:
            key, label = "all", "全部点位"
        groups.setdefault(key, {"key": key, "label": label, "population": []})["population"].append(site.code)
    strata = []
    for key in sorted(groups):
        s = groups[key]
        spec = (plan.strata_overrides or {}).get(key) or {}
        size = spec.get("size")
        proportion = spec.get("proportion")
        if size is None and proportion is None:
            size = plan.sample_size
            proportion = str(plan.sample_proportion) if plan.sample_proportion is not None else None
        s["population"] = sorted(s["population"])
        s["size"] = int(size) if size is not None else None
        s["proportion"] = str(proportion) if proportion is not None else None
        s["n"] = algorithm.stratum_size(len(s["population"]), size=s["size"], proportion=s["proportion"])
        strata.append(s)
    return strata


# --- Draws ---


def _user_org_path(user: User) -> str:
    return user.org.path if user.org_id else ""


def _came_from_path(user: User) -> str:
    return user.came_from_org.path if user.came_from_org_id else ""


@transaction.atomic
def plan_draw(
    *,
    actor,
    plan: SamplingPlan,
    seed: str | None = None,
    reason: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Draw:
    """抽取 (and 重新抽取): office staff or the owning group's leader draws the sites and inspectors of a plan.
    The first draw moves a draft to drawn; a later one is a redraw that needs a reason, supersedes the current
    draw (kept, never overwritten) and returns the plan to drawn (to be published again). Each draw records its
    seed (secrets.token_hex(16) unless given), population snapshot and hash, strata, inspector pool and result;
    writes the plan event and a TRANSITION audit event with the seed and hash."""
    require(actor, "draw", plan)
    plan = lock_current(plan, expected_version)
    previous = plan.draws.filter(superseded_at__isnull=True).first()
    move = "redraw" if previous is not None else "draw"
    target = _check_move(move, plan)
    reason = " ".join((reason or "").split())[:300]
    if move == "redraw":
        if not reason:
            raise ValidationFailed(
                "重新抽取须说明原因（原因将与原抽取结果一并公开）。", fields={"reason": ["请填写原因。"]}
            )
        if Check.objects.filter(assignment__draw=previous).exists():
            raise ValidationFailed("本次抽取已有检查结果，不能重新抽取。")
    seed = (seed or "").strip() or secrets.token_hex(16)
    if not SEED_RE.match(seed):
        raise ValidationFailed(
            "随机种子只能由1～64个字母、数字、下划线或连字符组成。", fields={"seed": ["格式不正确。"]}
        )
    now = _now(at)
    sites = eligible_sites(plan, on=now)
    if not sites:
        raise ValidationFailed("按当前范围和条件没有可抽取的点位，请调整计划。")
    inspectors = list(
        plan.inspectors.select_related("org", "came_from_org").filter(is_active=True).order_by("username")
    )
    if not inspectors:
        raise ValidationFailed("请先为计划选定检查人员库。", fields={"inspectors": ["请选择检查人员。"]})
    strata = build_strata(plan, sites)
    sample = algorithm.draw_sample(seed, strata)
    by_code = {s.code: s for s in sites}
    pool = [
        {"username": u.username, "org_path": _user_org_path(u), "came_from_path": _came_from_path(u)}
        for u in inspectors
    ]
    sampled = [c for s in strata for c in sample[s["key"]]]
    site_org_paths = {c: by_code[c].responsible_org.path for c in sampled}
    assigned = algorithm.assign_inspectors(
        seed, sample, [s["key"] for s in strata], pool, site_org_paths, plan.inspectors_per_site
    )
    if previous is not None:
        previous.superseded_at = now
        previous.save(update_fields=["superseded_at"])
    number = (plan.draws.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    draw = Draw.objects.create(
        plan=plan,
        number=number,
        seed=seed,
        algorithm=algorithm.ALGORITHM,
        algorithm_version=algorithm.ALGORITHM_VERSION,
        population_hash=algorithm.population_hash(by_code),
        population_size=len(sites),
        strata=strata,
        sample=sample,
        inspector_pool=pool,
        site_org_paths=site_org_paths,
        assignments=assigned.by_site,
        drawn_by=actor if getattr(actor, "is_authenticated", False) else None,
        drawn_at=now,
        reason=reason if move == "redraw" else "",
    )
    users = {u.username: u for u in inspectors}
    rows = []
    stratum_of = {c: s["label"] for s in strata for c in sample[s["key"]]}
    for order, code in enumerate(sampled, start=1):
        rows.append(Assignment(draw=draw, site=by_code[code], stratum=stratum_of[code][:120], order=order))
    Assignment.objects.bulk_create(rows, batch_size=500)
    through = Assignment.inspectors.through
    links = [
        through(assignment_id=a.pk, user_id=users[u].pk) for a in rows for u in assigned.by_site.get(a.site.code, [])
    ]
    through.objects.bulk_create(links, batch_size=1000)
    from_status = plan.status
    plan.status = target
    plan.published_at = None
    bump(plan)
    plan.save(update_fields=["status", "published_at", "version", "updated_at"])
    kind = PlanEventKind.REDRAWN if move == "redraw" else PlanEventKind.DRAWN
    note = f"第{number}次抽取：总体{len(sites)}个点位，抽中{len(sampled)}个"
    if reason:
        note += f"；原因：{reason}"
    _event(plan, kind, actor=actor, at=now, from_status=from_status, to_status=target, note=note)
    audit.record(
        EventType.TRANSITION,
        actor=actor,
        obj=plan,
        details={
            "move": move,
            "from": from_status,
            "to": target,
            "draw": draw.pk,
            "number": number,
            "seed": seed,
            "population_hash": draw.population_hash,
            "population_size": len(sites),
            "sample_size": len(sampled),
            "superseded_draw": previous.pk if previous else None,
            "reason": reason,
            "short_of_inspectors": assigned.short,
        },
    )
    return draw


def _move(name: str, kind: str, *, actor, plan, expected_version=None, at=None) -> SamplingPlan:
    require(actor, name, plan)
    plan = lock_current(plan, expected_version)
    target = _check_move(name, plan)
    from_status, now = plan.status, _now(at)
    plan.status = target
    if name == "publish":
        plan.published_at = now
    bump(plan)
    plan.save(update_fields=["status", "published_at", "version", "updated_at"])
    _event(plan, kind, actor=actor, at=now, from_status=from_status, to_status=target)
    audit.record(EventType.TRANSITION, actor=actor, obj=plan, details={"move": name, "from": from_status, "to": target})
    return plan


@transaction.atomic
def plan_publish(*, actor, plan: SamplingPlan, expected_version: int | None = None, at=None) -> SamplingPlan:
    """公开: the current draw's seed, population hash, algorithm and result become public; checks may begin."""
    return _move("publish", PlanEventKind.PUBLISHED, actor=actor, plan=plan, expected_version=expected_version, at=at)


@transaction.atomic
def plan_close(*, actor, plan: SamplingPlan, expected_version: int | None = None, at=None) -> SamplingPlan:
    """结束: no further checks are recorded against the plan."""
    return _move("close", PlanEventKind.CLOSED, actor=actor, plan=plan, expected_version=expected_version, at=at)


def draw_inputs(draw: Draw) -> dict:
    """What algorithm.verify needs, read off a stored draw."""
    return {
        "seed": draw.seed,
        "algorithm": draw.algorithm,
        "algorithm_version": draw.algorithm_version,
        "population_hash": draw.population_hash,
        "strata": draw.strata,
        "sample": draw.sample,
        "inspector_pool": draw.inspector_pool,
        "site_org_paths": draw.site_org_paths,
        "assignments": draw.assignments,
        "per_site": draw.plan.inspectors_per_site,
    }


def verify_draw(draw: Draw) -> list[str]:
    """Recompute the draw from its published inputs and compare with what is recorded, including the assignment
    rows in the database. Returns the mismatches (empty: the draw holds)."""
    problems = algorithm.verify(draw_inputs(draw))
    rows = {
        a.site.code: sorted(u.username for u in a.inspectors.all())
        for a in draw.assignments_set.select_related("site").prefetch_related("inspectors")
    }
    recorded = {c: sorted(us) for c, us in draw.assignments.items()}
    sampled = {c for codes in draw.sample.values() for c in codes}
    if set(rows) != sampled:
        problems.append(
            f"检查任务与抽取结果不一致：多出{sorted(set(rows) - sampled)}，缺少{sorted(sampled - set(rows))}。"
        )
    for code, users in rows.items():
        if code in recorded and recorded[code] != users:
            problems.append(f"点位 {code} 的检查任务人员与抽取记录不一致：任务为{users}，记录为{recorded[code]}。")
    return problems


def recording_groups_of(user) -> list[Org]:
    """The groups in which `user` holds a group role."""
    return list(Org.objects.filter(pk__in=principal(user).org_ids(*GROUP_ROLES)).order_by("path"))
