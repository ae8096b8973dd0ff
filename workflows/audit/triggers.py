"""Append-only history tables on PostgreSQL: a trigger refuses UPDATE and DELETE.

Installed by migration workflows/0003 and, for history tables created later, after every
migrate (`install_triggers_after_migrate`). Other databases rely on the ORM-level guards.
"""

from django.db import connections

APPEND_ONLY_TRIGGER = "history_append_only"
_APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION workflows_history_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '历史记录只可追加，不可修改或删除（表 %，操作 %）', TG_TABLE_NAME, TG_OP
        USING ERRCODE = '42501';
END
$$;
"""
_HISTORY_TABLES = """
SELECT table_name FROM information_schema.columns
WHERE table_schema = current_schema() AND column_name IN ('history_id', 'record_hash', 'previous_hash')
GROUP BY table_name HAVING count(*) = 3
"""


def install_append_only_triggers(connection) -> list[str]:
    """Make every hash-chained history table refuse UPDATE and DELETE (PostgreSQL only).

    Idempotent; returns the tables that got the trigger now. On other databases it does
    nothing (the ORM-level guards still apply).
    """
    if connection.vendor != "postgresql":
        return []
    installed = []
    with connection.cursor() as cursor:
        cursor.execute(_APPEND_ONLY_FUNCTION)
        cursor.execute(_HISTORY_TABLES)
        tables = sorted(row[0] for row in cursor.fetchall())
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = %s",
            [APPEND_ONLY_TRIGGER],
        )
        present = {row[0] for row in cursor.fetchall()}
        for table in tables:
            if table in present:
                continue
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"CREATE TRIGGER {APPEND_ONLY_TRIGGER} BEFORE UPDATE OR DELETE ON {quoted} "
                "FOR EACH ROW EXECUTE FUNCTION workflows_history_append_only()"
            )
            installed.append(table)
    return installed


def install_triggers_after_migrate(sender, using="default", **kwargs):
    """post_migrate receiver: cover history tables created by any app's later migrations."""
    install_append_only_triggers(connections[using])


def ready() -> None:
    """Connect the audit signal receivers (called from WorkflowsConfig.ready)."""
    from django.apps import apps
    from django.db.models.signals import post_migrate

    post_migrate.connect(
        install_triggers_after_migrate,
        sender=apps.get_app_config("workflows"),
        dispatch_uid="workflows_history_append_only",
    )
