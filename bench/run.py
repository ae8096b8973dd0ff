"""Benchmarks, run by hand: `make bench`. Not part of the test suite.

Measures on a throwaway SQLite database (or DATABASE_URL):
- importing the demo hospital (about 820 people) and re-importing it unchanged;
- the task inbox API for an office-staff user with many open tasks (time and query count).
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402


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


if __name__ == "__main__":
    main()
