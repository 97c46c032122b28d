"""The xlsx export and import rates of DESIGN §10 alone (export ≥ 20,000 rows/s, import ≥ 5,000 rows/s).

    .venv/bin/python bench/io_rates.py [--scale S | --database-url URL] [--only export.problems …]
                                       [--rows 20000] [--min-export-rows 100000] [--profile DIR]

The same measurements as bench/run's export and import section (its measure_exports and measure_import are
reused: the newest ≥ --min-export-rows problems and activities written by exports.write as bn_leader; an
activity import of --rows new rows of BN-G001 as bn_g001_member1, inside a transaction rolled back), without
the pages, the HTTP part or the bench accounts bench/run creates: the data set is only read (the import's
writes are rolled back). With --profile DIR each measurement also writes DIR/<name>.prof (cProfile), to read
with `python -m pstats`.
"""

import argparse
import cProfile
import sys
from fnmatch import fnmatch
from pathlib import Path
from types import SimpleNamespace

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
from bench import dataset  # noqa: E402

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
dataset.add_arguments(p)
p.add_argument(
    "--only",
    nargs="+",
    metavar="NAME",
    help="export.problems, export.activities, … import.activities (globs; see EXPORTS)",
)
p.add_argument("--rows", type=int, default=20_000, help="rows of the import file (default 20,000)")
p.add_argument("--min-export-rows", type=int, default=100_000, help="newest records exported (default 100,000)")
p.add_argument("--profile", metavar="DIR", help="write a cProfile of each measurement into DIR")
ARGS = p.parse_args()

dataset.use(ARGS)

import django  # noqa: E402

django.setup()

from bench import run  # noqa: E402  (its measurements; its own arguments are parsed only when run as a script)
from jiandu.organizations.models import Org, User  # noqa: E402


def wanted(name: str) -> bool:
    return not ARGS.only or any(fnmatch(name, pattern) for pattern in ARGS.only)


def profiled(name: str, fn, *args, **kwargs):
    if not ARGS.profile:
        return fn(*args, **kwargs)
    Path(ARGS.profile).mkdir(parents=True, exist_ok=True)
    prof = cProfile.Profile()
    try:
        return prof.runcall(fn, *args, **kwargs)
    finally:
        prof.dump_stats(str(Path(ARGS.profile) / f"{name}.prof"))


# (name, ledger, table key in run.tables() or a table name, date column, the list's date filter): as bench/run
EXPORTS = [
    ("export.problems", "problems", "prob", "registered_on", "from"),
    ("export.activities", "activities", "act", "start_date", "date_from"),
    ("export.documents", "documents", None, None, None),  # all of them (not in bench/run)
    ("export.document_replies", "document_replies", None, None, None),  # all of them (not in bench/run)
    ("export.hotline_cases", "hotline_cases", None, None, None),  # all of them (not in bench/run)
    ("export.test_calls", "test_calls", None, None, None),  # all of them (not in bench/run)
    ("export.sites", "sites", None, None, None),  # all of them (not in bench/run)
    ("export.stats_values", "stats_values", None, None, None),  # the first data set (not in bench/run)
]


def url_kwargs(ledger_name: str) -> dict:
    """What a ledger's URL names: the data set of stats_values (the first)."""
    if ledger_name == "stats_values":
        from jiandu.stats.models import DataSet

        return {"pk": DataSet.objects.order_by("pk").values_list("pk", flat=True).first()}
    return {}


def measure_export(ctx, name: str, ledger_name: str, table: str | None, column: str | None, param: str | None):
    """run.measure_exports for one ledger: exports.select as bn_leader, then exports.write into a file."""
    import tempfile
    import time

    from jiandu.core import exports

    ledger = exports.get(ledger_name)
    start = run.export_from(ctx, run.tables()[table], column, ARGS.min_export_rows) if table else None
    params = {param: [start.isoformat()]} if start else {}
    label = f"导出 · {ledger.title}" + (f"（{param}={start}）" if start else "（全部）")
    selection = exports.select(ledger, ctx.leader, params, url_kwargs(ledger_name))
    with tempfile.TemporaryFile(suffix=".xlsx") as tmp:
        t0, cpu0 = time.perf_counter(), time.process_time()
        count = profiled(name, exports.write, tmp, ledger, ctx.leader, selection)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        size = tmp.tell()
    # CPU seconds of this process beside the wall clock: on a shared machine the wall clock also counts waiting
    note = f"文件 {size / 1024 / 1024:.1f} MB，CPU {cpu:.2f} s（{count / cpu if cpu else 0:,.0f} 行/CPU秒）"
    return run.Rate(name, label, count, seconds, 20_000, note=note)


def measure_import(ctx):
    """run.measure_import, with the CPU seconds of the import beside the wall clock (the file is built first)."""
    import time

    from jiandu.activities.io import importer

    cpu = []
    service = importer.activity_import

    def timed(**kwargs):
        cpu0 = time.process_time()
        try:
            return profiled("import.activities", service, **kwargs)
        finally:
            cpu.append(time.process_time() - cpu0)

    importer.activity_import = timed  # measure_import imports it from the module when it runs
    try:
        rate = run.measure_import(ctx, ARGS.rows)
    finally:
        importer.activity_import = service
    if cpu and rate.rows:  # the timed (second) run's
        rate.note += f"，CPU {cpu[-1]:.2f} s（{rate.rows / cpu[-1]:,.0f} 行/CPU秒）"
    return rate


def main() -> int:
    leader = User.objects.filter(username="bn_leader").first()
    if leader is None:
        sys.exit("no user bn_leader: is this a database built by bench/generate?")
    ctx = SimpleNamespace(
        leader=leader, member=User.objects.get(username="bn_g001_member1"), group1=Org.objects.get(code="BN-G001")
    )
    run.vacuum()  # bench/generate.vacuum
    rates = [measure_export(ctx, *spec) for spec in EXPORTS if wanted(spec[0])]
    if wanted("import.activities"):
        rates.append(measure_import(ctx))
    failed = False
    for r in rates:
        print(
            f"{r.name:22} {r.rows:>9,} rows in {r.seconds:6.2f} s = {r.rate:>8,.0f} rows/s {r.met} {r.note} {r.error}"
        )
        failed = failed or r.met != "✓"
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
