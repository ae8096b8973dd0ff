"""Audit plumbing: who and why, hash-chained append-only history, workflow step history.

`audit_context(actor=..., reason=...)` wraps code run by commands, jobs and services;
every django-simple-history record created inside it carries that user and reason,
unless the writer set its own.

Every historical model derives from `ChainedHistory`: when a record is inserted (one by
one or through `bulk_create`) it gets `previous_hash` = the `record_hash` of the last
record of the same history table and `record_hash` = sha256(previous_hash + canonical
JSON of its content). `manage.py verify_history` recomputes the chains (see docs/audit.md).

Audited models also refuse `QuerySet.update()` / `bulk_update()`, which would change rows
without writing history (`UnauditedWriteError`).
"""

import hashlib
import json
import zlib
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from datetime import UTC, date, datetime, time
from decimal import Decimal
from uuid import UUID

_actor = ContextVar("audit_actor", default=None)
_reason = ContextVar("audit_reason", default=None)


@contextmanager
def audit_context(*, actor=None, reason=None):
    actor_token = _actor.set(actor if actor is not None else _actor.get())
    reason_token = _reason.set(reason if reason is not None else _reason.get())
    try:
        yield
    finally:
        _actor.reset(actor_token)
        _reason.reset(reason_token)


def current_actor():
    return _actor.get()


def current_reason():
    return _reason.get()


def fill_history_context(sender=None, history_instance=None, **kwargs):
    """Signal receiver (pre_create_historical_record): add actor and reason if missing."""
    actor = _actor.get()
    if actor is not None and getattr(history_instance, "history_user_id", None) is None:
        history_instance.history_user = actor if getattr(actor, "pk", None) else None
    reason = _reason.get()
    if reason and not history_instance.history_change_reason:
        history_instance.history_change_reason = reason
    if not history_instance.history_change_reason:
        history_instance.history_change_reason = _admin_reason()


def _admin_reason() -> str:
    """Changes made in the Django admin say so (the user comes from the request)."""
    from django.urls import NoReverseMatch, reverse
    from simple_history.models import HistoricalRecords

    request = getattr(HistoricalRecords.context, "request", None)
    if request is None:
        return ""
    try:
        admin_root = reverse("admin:index")
    except NoReverseMatch:
        return ""
    if request.path.startswith(admin_root):
        return f"管理后台操作（{request.method} {request.path}）"
    return ""


# --- history records ---------------------------------------------------------------------

from django.db import connections, models, router, transaction  # noqa: E402
from simple_history.models import HistoricalRecords  # noqa: E402

# Fields of a historical row that are not part of its hashed content.
UNHASHED_FIELDS = frozenset({"history_id", "record_hash", "previous_hash"})
# First argument of pg_advisory_xact_lock(int, int): this application's lock namespace.
_LOCK_NAMESPACE = 0x4175  # "Au"


class AppendOnlyError(Exception):
    """A history record was about to be changed or deleted."""


class UnauditedWriteError(Exception):
    """QuerySet.update()/bulk_update() on an audited model: it would skip the history."""


def _canonical_value(field, value):
    """A JSON-able value that is the same before the insert and after reading the row back."""
    if value is None:
        return None
    with suppress(Exception):  # fall back to the raw value; it is still deterministic
        value = field.get_prep_value(field.to_python(value))
    if value is None:
        return None
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        places = getattr(field, "decimal_places", None)
        if places is not None:
            value = value.quantize(Decimal(1).scaleb(-places))
        return format(value, "f")
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict | list):
        return json.loads(json.dumps(value, sort_keys=True, default=str))
    return str(value)


def canonical_content(record) -> str:
    """Canonical JSON of everything a history record says (tracked fields, when, who, why)."""
    payload = {
        field.attname: _canonical_value(field, getattr(record, field.attname))
        for field in type(record)._meta.concrete_fields
        if field.attname not in UNHASHED_FIELDS
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def compute_record_hash(record, previous_hash: str) -> str:
    return hashlib.sha256((previous_hash + canonical_content(record)).encode("utf-8")).hexdigest()


def _lock_history_table(model, using) -> None:
    """Serialise writers of one history table until commit (PostgreSQL; SQLite locks the file)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    key = zlib.crc32(model._meta.db_table.encode()) - 2**31  # signed int4
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, key])


def _seal(model, records, using) -> None:
    """Fill actor/reason and chain the new records onto the table's last record.

    Must run inside the transaction that inserts them (the lock lasts until commit).
    """
    _lock_history_table(model, using)
    previous = (
        model._base_manager.using(using).order_by("-history_id").values_list("record_hash", flat=True).first() or ""
    )
    for record in records:
        fill_history_context(history_instance=record)
        record.history_change_reason = record.history_change_reason or ""
        record.previous_hash = previous
        record.record_hash = compute_record_hash(record, previous)
        previous = record.record_hash


class _AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("历史记录只可追加，不可修改。")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("历史记录只可追加，不可修改。")

    def delete(self):
        raise AppendOnlyError("历史记录只可追加，不可删除。")

    delete.alters_data = True
    delete.queryset_only = True


class ChainedHistoryManager(models.Manager.from_queryset(_AppendOnlyQuerySet)):
    """Default manager of history models: bulk inserts are chained too (bulk_history_create)."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic(using=self.db):
            _seal(self.model, objs, self.db)
            return super().bulk_create(objs, *args, **kwargs)


class ChainedHistory(models.Model):
    """Base of every historical model: a hash chained to the previous record of its table.

    `record_hash` = sha256(previous record's hash + canonical content); filled when the
    record is written, recomputed by `manage.py verify_history`. Records are append-only.
    """

    record_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    previous_hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    objects = ChainedHistoryManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("历史记录只可追加，不可修改。")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        kwargs["using"] = using
        with transaction.atomic(using=using):
            _seal(type(self), [self], using)
            super().save(*args, **kwargs)

    save.alters_data = True

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("历史记录只可追加，不可删除。")

    delete.alters_data = True


# --- no unaudited bulk writes on audited models ------------------------------------------


def _guarded_queryset_class(queryset_class):
    def update(self, **kwargs):
        raise UnauditedWriteError(
            f"{self.model._meta.label}: QuerySet.update() 会跳过变更历史，请逐条 save()（在服务中）。"
        )

    def bulk_update(self, objs, fields, batch_size=None):
        raise UnauditedWriteError(
            f"{self.model._meta.label}: bulk_update() 会跳过变更历史，请逐条 save()（在服务中）。"
        )

    update.alters_data = True
    update.queryset_only = False
    bulk_update.alters_data = True
    attrs = {
        "update": update,
        "bulk_update": bulk_update,
        "__module__": queryset_class.__module__,
        "__qualname__": queryset_class.__qualname__,
        "_unaudited_writes_guarded": True,
    }
    return type(queryset_class.__name__, (queryset_class,), attrs)


def guard_unaudited_writes(model) -> None:
    """Make update()/bulk_update() raise on every manager of `model` (related managers too).

    Each manager's class is replaced by a same-named subclass whose queryset refuses
    them; it deconstructs to the original class, so migrations do not change.
    """
    guarded: dict[type, type] = {}
    # local_managers are the declared ones; _meta.managers holds the copies in use.
    for manager in [*model._meta.local_managers, *model._meta.managers]:
        manager_class = type(manager)
        if getattr(manager_class, "_unaudited_writes_guarded", False):
            continue
        if manager_class not in guarded:

            def __eq__(self, other, _original=manager_class):  # equal to the unguarded manager
                return isinstance(other, _original) and self._constructor_args == other._constructor_args

            guarded[manager_class] = type(
                manager_class.__name__,
                (manager_class,),
                {
                    "__module__": manager_class.__module__,
                    "__qualname__": manager_class.__qualname__,
                    "_queryset_class": _guarded_queryset_class(manager_class._queryset_class),
                    "_unaudited_writes_guarded": True,
                    "__eq__": __eq__,
                    "__hash__": manager_class.__hash__,
                },
            )
        manager.__class__ = guarded[manager_class]


class AuditedHistoricalRecords(HistoricalRecords):
    """HistoricalRecords that also guards the audited model against unaudited bulk writes.

    A save that only touches untracked fields (`save(update_fields=["last_login"])` at
    every login) writes no history record: nothing the history shows has changed.
    """

    def post_save(self, instance, created, using=None, **kwargs):
        update_fields = kwargs.get("update_fields")
        if not created and update_fields and set(update_fields) <= set(self.excluded_fields):
            return
        super().post_save(instance, created, using=using, **kwargs)

    def finalize(self, sender, **kwargs):
        already = hasattr(sender._meta, "simple_history_manager_attribute")
        super().finalize(sender, **kwargs)
        if not already and hasattr(sender._meta, "simple_history_manager_attribute"):
            guard_unaudited_writes(sender)


def audited_history(**kwargs) -> HistoricalRecords:
    """The HistoricalRecords every audited model uses (hash-chained, reason as text)."""
    kwargs.setdefault("bases", [ChainedHistory])
    return AuditedHistoricalRecords(**kwargs)


def is_chained_history_model(model) -> bool:
    return issubclass(model, ChainedHistory) and not model._meta.abstract


def chained_history_models():
    """Every concrete hash-chained history model, in a stable order."""
    from django.apps import apps

    return sorted(
        (m for m in apps.get_models() if is_chained_history_model(m)), key=lambda m: m._meta.label_lower
    )


# --- workflow steps: viewflow's Process and Task get history too ---------------------------


def _register_workflow_history() -> None:
    """Record every change of viewflow's processes and tasks (started, assigned, done, by whom).

    The history models live in this app (`workflows.HistoricalProcess`/`HistoricalTask`).
    Called while workflows.models is imported, after viewflow's models are loaded.
    """
    import simple_history
    from viewflow.workflow.models import Process, Task

    for model in (Process, Task):
        if hasattr(model._meta, "simple_history_manager_attribute"):
            continue
        simple_history.register(
            model,
            app="workflows",
            manager_name="history",
            bases=[ChainedHistory],
            records_class=AuditedHistoricalRecords,
        )


_register_workflow_history()


# --- append-only history tables on PostgreSQL ----------------------------------------------

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
