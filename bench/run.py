"""Benchmarks, run by hand: `make bench`. Not part of the test suite.

Measures on a throwaway PostgreSQL database when one answers on 127.0.0.1:5432 (else SQLite;
DATABASE_URL overrides both):
- importing the demo hospital (about 820 people) and re-importing it unchanged;
- the task inbox API for an office-staff user with many open tasks (time and query count);
- one step completion through the service layer against the same steps in bare viewflow, as a ratio.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
PG_BENCH_DB = f"bench_{os.getpid()}"


def _pick_database():
    if "DATABASE_URL" in os.environ:
        return None
    created = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-q",
                              "-c", f"CREATE DATABASE {PG_BENCH_DB}"], capture_output=True).returncode == 0
    if created:
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}"
        return PG_BENCH_DB
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    return None


CREATED_DB = _pick_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402


def print_row(label, value):
    print(f"{label:<45} {value}")


def timed(label, func):
    start = time.perf_counter()
    result = func()
    print(f"{label:<45} {time.perf_counter() - start:8.3f} s")
    return result


def main():
    call_command("migrate", verbosity=0)
    from workflows.org.demo_hospital import build_demo_org
    from workflows.org.importer import import_org

    data = build_demo_org(timezone.localdate())
    timed("import_org demo hospital (first run)", lambda: import_org(data=data, source="bench"))
    timed("import_org demo hospital (unchanged)", lambda: import_org(data=data, source="bench"))

    from workflows.demo import demo_hooks

    today = timezone.localdate()
    timed("demo processes (decisions, meetings, elections)", lambda: [hook(today) for hook in demo_hooks()])

    from django.db import reset_queries

    from workflows.models import User

    reset_queries()

    office = User.objects.get(username="dangban")
    client = APIClient()
    client.force_authenticate(office)
    with CaptureQueriesContext(connection) as queries:
        body = timed("GET /api/v1/tasks/ (office staff)", lambda: client.get("/api/v1/tasks/?page_size=100").json())
    print(f"{'  open tasks / queries':<45} {body['count']:>8} / {len(queries)}")

    from bench import completion

    completion.run(print_row)


if __name__ == "__main__":
    print_row("database", connection.vendor)
    try:
        main()
    finally:
        connection.close()
        if CREATED_DB:
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-q",
                            "-c", f"DROP DATABASE IF EXISTS {CREATED_DB}"], check=False)
