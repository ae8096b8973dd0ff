"""Append-only history and ledger tables on PostgreSQL, and the transaction id of each record.

Row triggers refuse UPDATE and DELETE, a statement trigger refuses TRUNCATE, and each
history table's `tx_id` defaults to `txid_current()` (what the sealer's horizon needs).
Installed by migration workflows/0003 and, for tables created later, after every migrate
(`install_triggers_after_migrate`). Other databases rely on the ORM-level guards.

The test runner empties tables with TRUNCATE between transactional tests: a session that
sets `workflows.allow_truncate = on` (project/test_settings.py does) may truncate.
"""

from django.db import connections

APPEND_ONLY_TRIGGER = "history_append_only"
NO_TRUNCATE_TRIGGER = "history_no_truncate"
LEDGER_TABLES = ("workflows_ledgerentry", "workflows_checkpoint", "workflows_verificationrun")
_APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION workflows_history_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '历史记录只可追加，不可修改或删除（表 %，操作 %）', TG_TABLE_NAME, TG_OP
        USING ERRCODE = '42501';
END
$$;
CREATE OR REPLACE FUNCTION workflows_history_no_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('workflows.allow_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '历史记录只可追加，不可清空（表 %）', TG_TABLE_NAME USING ERRCODE = '42501';
END
$$;
"""
_HISTORY_TABLES = """
SELECT table_name FROM information_schema.columns
WHERE table_schema = current_schema() AND column_name IN ('history_id', 'record_hash', 'tx_id')
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
        history_tables = sorted(row[0] for row in cursor.fetchall())
        existing = set(connection.introspection.table_names(cursor))
        tables = history_tables + [t for t in LEDGER_TABLES if t in existing]
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname IN (%s, %s)", [APPEND_ONLY_TRIGGER, NO_TRUNCATE_TRIGGER],
        )
        present = {(row[0], row[1]) for row in cursor.fetchall()}
        for table in tables:
            quoted = connection.ops.quote_name(table)
            if (table, APPEND_ONLY_TRIGGER) not in present:
                cursor.execute(
                    f"CREATE TRIGGER {APPEND_ONLY_TRIGGER} BEFORE UPDATE OR DELETE ON {quoted} "
                    "FOR EACH ROW EXECUTE FUNCTION workflows_history_append_only()"
                )
                installed.append(table)
            if (table, NO_TRUNCATE_TRIGGER) not in present:
                cursor.execute(
                    f"CREATE TRIGGER {NO_TRUNCATE_TRIGGER} BEFORE TRUNCATE ON {quoted} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION workflows_history_no_truncate()"
                )
        for table in history_tables:
            cursor.execute(
                f"ALTER TABLE {connection.ops.quote_name(table)} ALTER COLUMN tx_id SET DEFAULT txid_current()"
            )
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
