"""Helpers of the audit tests: tamper with stored history, snapshot the whole database."""

from contextlib import contextmanager

from django.apps import apps
from django.db import connection


@contextmanager
def triggers_bypassed():
    """Let raw SQL change history rows (PostgreSQL: triggers off for this session, as a superuser)."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET session_replication_role = replica")
        try:
            yield cursor
        finally:
            if postgres:
                cursor.execute("SET session_replication_role = DEFAULT")


def tamper(sql, params=()):
    with triggers_bypassed() as cursor:
        cursor.execute(sql, params)


def row_counts() -> dict[str, int]:
    """Row count of every table of every installed model (sessions excluded)."""
    counts = {}
    for model in apps.get_models():
        if model._meta.label_lower in {"sessions.session"}:
            continue
        counts[model._meta.label_lower] = model._base_manager.count()
    return counts
