"""The draw algorithm: deterministic, seed-dependent, stratum sizes, conflict-of-interest, rotation."""

import hashlib

from jiandu.sampling import algorithm

POP = [f"S{i:03d}" for i in range(40)]
STRATA = [
    {"key": "a", "label": "甲", "population": POP[:30], "size": 5, "n": 5},
    {"key": "b", "label": "乙", "population": POP[30:], "size": 2, "n": 2},
]


def test_same_inputs_give_the_same_sample_and_another_seed_another():
    first = algorithm.draw_sample("seed-1", STRATA)
    assert first == algorithm.draw_sample("seed-1", STRATA)
    assert [len(first["a"]), len(first["b"])] == [5, 2]
    assert algorithm.draw_sample("seed-2", STRATA) != first


def test_the_sample_is_the_documented_ranking():
    expected = sorted(POP[:30], key=lambda c: hashlib.sha256(f"s:{c}".encode()).hexdigest())[:5]
    assert algorithm.draw_sample("s", STRATA)["a"] == expected
    assert algorithm.population_hash(reversed(POP)) == hashlib.sha256("\n".join(POP).encode()).hexdigest()


def test_stratum_sizes_and_proportions():
    assert algorithm.stratum_size(30, size=5) == 5
    assert algorithm.stratum_size(3, size=5) == 3  # never more than the stratum
    assert algorithm.stratum_size(30, proportion="0.1") == 3  # decimal: not ⌈3.0000000000000004⌉ = 4
    assert algorithm.stratum_size(31, proportion="0.1") == 4  # rounded up
    assert algorithm.stratum_size(7, proportion=None) == 7  # neither: the whole stratum


def test_inspectors_avoid_their_own_org_and_rotate_evenly():
    pool = [
        {"username": "u1", "org_path": "00000001/00000002/"},  # came from 甲区
        {"username": "u2", "org_path": "00000009/"},
        {"username": "u3", "org_path": "00000010/"},
    ]
    sample = {"a": ["A1", "A2", "A3", "A4"], "b": ["B1", "B2"]}
    paths = {
        "A1": "00000001/00000002/",
        "A2": "00000001/00000002/00000005/",
        "A3": "00000001/00000002/",
        "A4": "00000001/00000002/",
        "B1": "00000001/00000003/",
        "B2": "00000001/00000003/",
    }
    out = algorithm.assign_inspectors("seed", sample, ["a", "b"], pool, paths, per_site=1)
    assert all("u1" not in out.by_site[c] for c in ("A1", "A2", "A3", "A4"))  # 甲区 and its subtree
    loads = {u: sum(u in v for v in out.by_site.values()) for u in ("u1", "u2", "u3")}
    assert sum(loads.values()) == 6 and max(loads.values()) - min(loads.values()) <= 2
    assert out == algorithm.assign_inspectors("seed", sample, ["a", "b"], pool, paths, per_site=1)
    two = algorithm.assign_inspectors("seed", sample, ["a", "b"], pool, paths, per_site=2)
    assert two.by_site["B1"] and len(set(two.by_site["B1"])) == 2
    assert two.short == [] and all(set(two.by_site[c]) == {"u2", "u3"} for c in ("A1", "A2", "A3", "A4"))
    three = algorithm.assign_inspectors("seed", sample, ["a", "b"], pool, paths, per_site=3)
    assert three.short == ["A1", "A2", "A3", "A4"]  # never filled up with the conflicted inspector
    assert all("u1" not in three.by_site[c] for c in three.short)


def test_verify_names_a_tampered_sample():
    sample = algorithm.draw_sample("s", STRATA)
    pool = [{"username": "u", "org_path": ""}]
    paths = {c: "" for v in sample.values() for c in v}
    assigned = algorithm.assign_inspectors("s", sample, ["a", "b"], pool, paths, 1)
    draw = {
        "seed": "s",
        "algorithm": algorithm.ALGORITHM,
        "algorithm_version": algorithm.ALGORITHM_VERSION,
        "population_hash": algorithm.population_hash(POP),
        "strata": STRATA,
        "sample": sample,
        "inspector_pool": pool,
        "site_org_paths": paths,
        "assignments": assigned.by_site,
        "per_site": 1,
    }
    assert algorithm.verify(draw) == []
    tampered = dict(draw, sample={**sample, "a": [POP[0], *sample["a"][1:]]} if POP[0] not in sample["a"] else {})
    assert any("抽取结果不符" in m for m in algorithm.verify(tampered))
    assert any("哈希不符" in m for m in algorithm.verify(dict(draw, population_hash="0" * 64)))


def test_the_org_an_inspector_came_from_is_a_conflict_too():
    pool = [
        {"username": "seconded", "org_path": "00000009/", "came_from_path": "00000001/00000002/"},
        {"username": "other", "org_path": "00000009/"},
    ]
    sample = {"a": ["A1", "A2"], "b": ["B1"]}
    paths = {"A1": "00000001/00000002/", "A2": "00000001/00000002/00000005/", "B1": "00000001/00000003/"}
    out = algorithm.assign_inspectors("seed", sample, ["a", "b"], pool, paths, per_site=1)
    assert out.by_site["A1"] == ["other"] and out.by_site["A2"] == ["other"]
    assert out.by_site["B1"] == ["seconded"]
