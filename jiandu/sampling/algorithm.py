"""The draw algorithm of double-random spot checks (双随机), version 1 — deterministic, so that anyone holding
the published inputs re-derives the same sample (一公开). Pure functions: no database, no clock.

Published inputs (the plan's proof, GET /api/v1/sampling-plans/{id}/proof/):
  seed             a string, normally 32 hex characters from `secrets.token_hex(16)`;
  strata           in order, each with its key, its sample size n and its population: the codes of the eligible
                   sites in the stratum (active, of the plan's site types and areas, not checked within the plan's
                   exclusion window);
  inspector pool   usernames, the org path of each inspector's own org and (optional "came_from_path") of the
                   org they came from (派出单位); the responsible org path of each site.

1. Population hash = SHA-256 (hex) of the UTF-8 text of all eligible site codes, sorted, joined by "\\n".
2. Sample: in each stratum, rank every site by SHA-256(seed + ":" + site code) (hex digest, compared as text;
   ties cannot occur between distinct codes in practice and fall back to the code) and take the first n.
   n is the stratum's size, or ⌈proportion × N⌉ computed in decimal arithmetic, never more than N.
3. Inspectors: order the pool by SHA-256(seed + ":" + username) (the rotation). Go through the sampled sites in
   stratum order and rank order, keeping a pointer into the rotation. For each site choose `per_site` inspectors:
   walking the rotation from the pointer, skip an inspector who
     - belongs to or came from an org whose subtree holds the site's responsible org (conflict of interest: the
       inspector's org path or came-from path is a prefix of the site's responsible org path), or
     - is already assigned to this site, or
     - already has more assignments than the least-loaded eligible inspector (the most-assigned wait);
   take the first one not skipped and move the pointer just past them. A site for which no eligible inspector
   remains gets fewer inspectors (shown as a warning, never silently filled with a conflicted one).

Re-deriving by hand, e.g. in Python:
    sorted(codes, key=lambda c: (hashlib.sha256(f"{seed}:{c}".encode()).hexdigest(), c))[:n]
`python manage.py verify_draw PLAN_ID` does the whole check and exits 1 naming any mismatch.
"""

import hashlib
import math
from dataclasses import dataclass, field
from decimal import Decimal

ALGORITHM = "sha256-rank"
ALGORITHM_VERSION = "1"


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def population_hash(codes) -> str:
    """SHA-256 over the sorted site codes joined by newlines."""
    return sha256_hex("\n".join(sorted(codes)))


def rank_key(seed: str, code: str) -> tuple[str, str]:
    return (sha256_hex(f"{seed}:{code}"), code)


def stratum_size(population: int, *, size: int | None = None, proportion=None) -> int:
    """n for a stratum of `population` sites: the size, or ⌈proportion × N⌉ (decimal), capped at N."""
    if size is not None:
        return min(int(size), population)
    if proportion is not None:
        return min(math.ceil(Decimal(str(proportion)) * population), population)
    return population


def draw_sample(seed: str, strata: list[dict]) -> dict[str, list[str]]:
    """{stratum key: the first n codes of its population ranked by SHA-256(seed:code)}."""
    return {s["key"]: sorted(s["population"], key=lambda c: rank_key(seed, c))[: int(s["n"])] for s in strata}


def conflicted(inspector_org_path: str, site_org_path: str) -> bool:
    """The inspector comes from an org whose subtree holds the site's responsible org."""
    return bool(inspector_org_path) and bool(site_org_path) and site_org_path.startswith(inspector_org_path)


@dataclass
class Assigned:
    by_site: dict[str, list[str]] = field(default_factory=dict)
    short: list[str] = field(default_factory=list)  # sites that got fewer inspectors than asked for


def assign_inspectors(
    seed: str,
    sample: dict[str, list[str]],
    strata_order: list[str],
    pool: list[dict],
    site_org_paths: dict[str, str],
    per_site: int,
) -> Assigned:
    """Rotate through the pool (ordered by SHA-256(seed:username)) as documented above."""
    rotation = sorted((p["username"] for p in pool), key=lambda u: rank_key(seed, u))
    # An inspector's own org and, if recorded, the org they came from (派出单位): both are conflicts of interest.
    org_paths = {p["username"]: [p.get("org_path") or "", p.get("came_from_path") or ""] for p in pool}
    load = dict.fromkeys(rotation, 0)
    out = Assigned()
    pointer = 0
    for key in strata_order:
        for code in sample.get(key, []):
            chosen: list[str] = []
            site_path = site_org_paths.get(code, "")
            for _ in range(per_site):
                eligible = [
                    u
                    for u in rotation
                    if u not in chosen and not any(conflicted(path, site_path) for path in org_paths[u])
                ]
                if not eligible:
                    break
                least = min(load[u] for u in eligible)
                for step in range(len(rotation)):
                    i = (pointer + step) % len(rotation)
                    u = rotation[i]
                    if u in eligible and load[u] == least:
                        chosen.append(u)
                        load[u] += 1
                        pointer = (i + 1) % len(rotation)
                        break
            out.by_site[code] = chosen
            if len(chosen) < per_site:
                out.short.append(code)
    return out


def verify(draw: dict) -> list[str]:
    """Recompute a draw from its published inputs; return the mismatches in Chinese (empty: it holds).

    `draw` holds seed, strata, sample, population_hash, inspector_pool, site_org_paths, assignments, per_site,
    algorithm, algorithm_version."""
    problems: list[str] = []
    if (draw.get("algorithm"), draw.get("algorithm_version")) != (ALGORITHM, ALGORITHM_VERSION):
        problems.append(
            f"算法不符：记录为 {draw.get('algorithm')} v{draw.get('algorithm_version')}，"
            f"本程序为 {ALGORITHM} v{ALGORITHM_VERSION}。"
        )
        return problems
    strata = draw["strata"]
    codes = [c for s in strata for c in s["population"]]
    if len(codes) != len(set(codes)):
        problems.append("总体快照中有重复点位（一个点位只能属于一个分层）。")
    digest = population_hash(codes)
    if digest != draw["population_hash"]:
        problems.append(f"总体快照哈希不符：记录为 {draw['population_hash']}，重新计算为 {digest}。")
    for s in strata:
        expected = stratum_size(len(s["population"]), size=s.get("size"), proportion=s.get("proportion"))
        if int(s["n"]) != expected:
            problems.append(f"分层「{s.get('label') or s['key']}」抽取数量不符：记录为{s['n']}，应为{expected}。")
    sample = draw_sample(draw["seed"], strata)
    recorded = draw["sample"]
    for s in strata:
        key = s["key"]
        if list(recorded.get(key, [])) != sample[key]:
            problems.append(
                f"分层「{s.get('label') or key}」抽取结果不符：记录为{list(recorded.get(key, []))}，"
                f"重新计算为{sample[key]}。"
            )
    extra = set(recorded) - set(sample)
    if extra:
        problems.append(f"抽取结果中有不存在的分层：{sorted(extra)}。")
    assigned = assign_inspectors(
        draw["seed"],
        sample,
        [s["key"] for s in strata],
        draw["inspector_pool"],
        draw["site_org_paths"],
        int(draw["per_site"]),
    )
    for code, users in assigned.by_site.items():
        if list(draw["assignments"].get(code, [])) != users:
            problems.append(
                f"点位 {code} 的检查人员不符：记录为{list(draw['assignments'].get(code, []))}，重新计算为{users}。"
            )
    extra_sites = set(draw["assignments"]) - set(assigned.by_site)
    if extra_sites:
        problems.append(f"人员分配中有未被抽中的点位：{sorted(extra_sites)}。")
    return problems
