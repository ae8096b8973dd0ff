"""Multi-worker load test: gunicorn workers on loopback, 50 simulated users, bounded in time.

`make load SIZE=20000` generates a data set on a throwaway database and runs it; `make bench LOAD=1`
runs it on the bench's big data set. Production-like settings (bench.settings: DEBUG off, secret key,
ALLOWED_HOSTS, seal keys). Each simulated user holds an API token and a session, and loops over its
inbox (API), the workbench page, one of its task pages and, for branch secretaries, completing one of
their own 党支部前置研究 tasks through `POST /api/v1/tasks/{id}/complete/` — so no two users race for one
task. Reports p50/p95 per kind of request and every error (any status >= 400 or failed request).
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
USERS = int(os.environ.get("LOAD_USERS") or 50)
SECONDS = float(os.environ.get("LOAD_SECONDS") or 60)
WORKERS = int(os.environ.get("LOAD_WORKERS") or 4)
# Persistent connections, as a deployment straight to PostgreSQL runs (README: Past one machine): a new
# connection costs about 15 ms a request here. `DATABASE_CONN_MAX_AGE=0` measures without them.
CONN_MAX_AGE = os.environ.get("DATABASE_CONN_MAX_AGE") or "60"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session_cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = next(
        (b for b in settings.AUTHENTICATION_BACKENDS if b.endswith("ModelBackend")), settings.AUTHENTICATION_BACKENDS[0])
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.set_expiry(SECONDS + 600)  # the session outlives the run; the browser-close rule does not apply here
    store.create()
    return store.session_key


def simulated_users(count: int) -> list[dict]:
    """Office staff, committee members and (most of them) branch secretaries with their own open tasks."""
    from rest_framework.authtoken.models import Token
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    from workflows.models import User
    from workflows.org.roles import Role

    readers = list(User.objects.filter(role_grants__role__in=[Role.OFFICE_STAFF, Role.COMMITTEE_MEMBER])
                   .distinct().order_by("pk")[: max(2, count // 5)])
    owned = defaultdict(list)
    for task_id, owner_id in (Task.objects.filter(flow_task__endswith=".branch_review", status=STATUS.ASSIGNED,
                                                  owner__username__startswith="g")
                              .order_by("pk").values_list("pk", "owner_id")[: count * 20]):
        owned[owner_id].append(task_id)
    secretaries = list(User.objects.filter(pk__in=list(owned)[: count - len(readers)]))
    users = []
    for user in [*readers, *secretaries]:
        token, _ = Token.objects.get_or_create(user=user)
        mine = owned.get(user.pk, [])
        users.append({"name": user.username, "token": token.key, "session": _session_cookie(user),
                      "complete": list(mine), "pages": list(mine[:1])})
    return users


def _simulate(base: str, user: dict, deadline: float, record, cookie_name: str) -> None:
    import requests

    http = requests.Session()
    http.headers["Authorization"] = f"Token {user['token']}"
    pages = requests.Session()
    pages.headers["Cookie"] = f"{cookie_name}={user['session']}"
    rng = random.Random(user["name"])
    while time.monotonic() < deadline:
        choice = rng.random()
        if choice < 0.15 and user["complete"]:
            task_id = user["complete"].pop()
            kind, call = "complete (API)", lambda t=task_id: http.post(
                f"{base}/api/v1/tasks/{t}/complete/", json={"opinion": "approve", "comment": "同意"}, timeout=30)
        elif choice < 0.55:
            kind, call = "inbox (API)", lambda: http.get(f"{base}/api/v1/tasks/", timeout=30)
        elif choice < 0.85 or not user["pages"]:
            kind, call = "workbench page", lambda: pages.get(f"{base}/workbench/", timeout=30, allow_redirects=False)
        else:
            kind, call = "task page", lambda: pages.get(f"{base}/workbench/tasks/{user['pages'][0]}/", timeout=30,
                                                       allow_redirects=False)
        start = time.perf_counter()
        try:
            response = call()
            error = None if response.status_code < 400 and not (kind.endswith("page") and response.status_code != 200) \
                else f"{kind}: HTTP {response.status_code} {response.headers.get('Location', '')}"
        except requests.RequestException as failure:
            error = f"{kind}: {type(failure).__name__}"
        record(kind, time.perf_counter() - start, error)


def _start_server(port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_CONN_MAX_AGE": CONN_MAX_AGE, "DJANGO_SETTINGS_MODULE": "bench.settings",
           "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "project.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(WORKERS), "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env=env)
    import requests

    for _ in range(120):
        try:
            requests.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            return server
        except requests.RequestException:
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError("gunicorn did not answer on loopback within 60 s")


def run_against(database_url: str, print_row) -> dict:
    """Run the load test on the data set at `database_url` (the settings in use must point there too)."""
    from django.conf import settings

    from bench.measure import percentile

    users = simulated_users(USERS)
    port = _free_port()
    server = _start_server(port)
    times, errors, lock = defaultdict(list), [], threading.Lock()

    def record(kind, elapsed, error):
        with lock:
            times[kind].append(elapsed)
            if error:
                errors.append(error)

    deadline = time.monotonic() + SECONDS
    threads = [threading.Thread(target=_simulate, args=(f"http://127.0.0.1:{port}", user, deadline, record,
                                                        settings.SESSION_COOKIE_NAME)) for user in users]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    every = [t for kind_times in times.values() for t in kind_times]
    print_row(f"load: {len(users)} users, {WORKERS} gunicorn workers, {SECONDS:.0f} s, conn_max_age {CONN_MAX_AGE}",
              f"{len(every)} requests, {len(every) / SECONDS:.1f}/s, {len(errors)} errors")
    for kind, kind_times in sorted(times.items()):
        print_row(f"  {kind}", f"n={len(kind_times):5d}  p50 {percentile(kind_times, 0.5) * 1000:7.1f} ms  "
                               f"p95 {percentile(kind_times, 0.95) * 1000:7.1f} ms")
    print_row("  all requests p95", f"{percentile(every, 0.95) * 1000:7.1f} ms" if every else "—")
    for error, count in sorted(((e, errors.count(e)) for e in set(errors)), key=lambda x: -x[1])[:10]:
        print_row(f"  error x{count}", error)
    return {"requests": len(every), "errors": len(errors), "p95_ms": percentile(every, 0.95) * 1000 if every else None}


def main():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    from bench.db import drop_database, pick_database

    created = pick_database(f"bench_{os.getpid()}")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from bench.common import print_row, setup_base
        from bench.generate import generate

        setup_base()
        call_command("send_reminders", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        size = int(os.environ.get("SIZE") or 20000)
        added = generate(size)
        print_row(f"generated {added.decisions} decisions", f"{added.seconds:8.1f} s")
        from django.db import connection

        connection.close()
        run_against(os.environ["DATABASE_URL"], print_row)
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(created)


if __name__ == "__main__":
    main()
