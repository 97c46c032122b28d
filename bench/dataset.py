"""Which generated data set a bench script reads, and the settings it reads it with (bench/run, bench/io_rates.py,
bench/audit_log.py): set in the environment before Django starts."""

import os
from pathlib import Path

SCRATCH = Path("/tmp/jiandu-bench")  # bench/generate's SQLite files, the media of exports


def add_arguments(parser) -> None:
    parser.add_argument("--database-url", help="default: the generator's SQLite file of --scale")
    parser.add_argument("--scale", type=float, default=1.0, help="which generated SQLite file (default 1)")


def use(args) -> None:
    """The data set's database; the app's own settings plus the admin (bench/settings_admin.py), DEBUG off, sessions
    in the cache."""
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{SCRATCH / f'bench-S{args.scale:g}.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings_admin"
    os.environ["JIANDU_BENCH_BASE_SETTINGS"] = "config.settings.local"
    os.environ["JIANDU_BENCH_SESSION_ENGINE"] = "django.contrib.sessions.backends.cache"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("JIANDU_MEDIA_ROOT", str(SCRATCH / "media"))
