"""Append-only history records, each carrying a keyed seal of its content.

Every historical model derives from `ChainedHistory`. When a record is inserted (one by one
or through `bulk_create`) it gets `record_hash` = HMAC(key, table + canonical JSON of its
content) with the current key of `AUDIT_SEAL_KEYS` (`seal_key` names it), and, on
PostgreSQL, `tx_id` = the inserting transaction (a column default). No lock and no query:
writers never wait on each other. The sealer (`workflows.audit.sealer`) then appends the
records to the ledger in a fixed order and writes signed checkpoints; `workflows.audit.verify`
checks both (`manage.py verify_history`, see docs/audit.md).
"""

import json
from contextlib import suppress
from datetime import UTC, date, datetime, time
from decimal import Decimal
from uuid import UUID

from django.db import models

from . import keys
from .context import fill_history_context

# Fields of a historical row that are not part of its sealed content.
UNHASHED_FIELDS = frozenset({"history_id", "record_hash", "seal_key", "tx_id"})


class AppendOnlyError(Exception):
    """A history record was about to be changed or deleted."""


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


def compute_record_hash(record, key_id: str | None = None) -> str:
    """The keyed seal of one record: its table and everything it says (fields, when, who, why)."""
    key_id = key_id or record.seal_key
    return keys.mac(key_id, f"{type(record)._meta.db_table}\n{canonical_content(record)}")


def _seal(records) -> None:
    """Fill actor and reason, then seal each new record with the current key (no query, no lock)."""
    key_id = keys.current_key_id()
    for record in records:
        fill_history_context(history_instance=record)
        record.history_change_reason = record.history_change_reason or ""
        record.seal_key = key_id
        record.record_hash = compute_record_hash(record, key_id)


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
        _seal(objs)
        return super().bulk_create(objs, *args, **kwargs)


class ChainedHistory(models.Model):
    """Base of every historical model: append-only, sealed with a key, then chained by the sealer.

    `record_hash` = HMAC(`seal_key`, table + canonical content), filled on insert.
    `tx_id`: the inserting transaction on PostgreSQL (column default `txid_current()`, set up
    by `workflows.audit.triggers`), so the sealer only takes records of finished transactions.
    """

    record_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    seal_key = models.CharField(max_length=16, blank=True, default="", editable=False)
    tx_id = models.BigIntegerField(db_default=0, db_index=True, editable=False)

    objects = ChainedHistoryManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("历史记录只可追加，不可修改。")
        _seal([self])
        super().save(*args, **kwargs)

    save.alters_data = True

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("历史记录只可追加，不可删除。")

    delete.alters_data = True


def is_chained_history_model(model) -> bool:
    return issubclass(model, ChainedHistory) and not model._meta.abstract


def chained_history_models():
    """Every concrete hash-chained history model, in a stable order."""
    from django.apps import apps

    return sorted(
        (m for m in apps.get_models() if is_chained_history_model(m)), key=lambda m: m._meta.label_lower
    )


def reseal_legacy_records(app_label: str, schema_editor) -> None:
    """Migration helper: records written under the old unkeyed chain get a keyed seal, once.

    The append-only trigger is lifted for this table only while the migration runs.
    """
    connection = schema_editor.connection
    existing = set(connection.introspection.table_names())
    for model in chained_history_models():
        if model._meta.app_label != app_label or model._meta.db_table not in existing:
            continue  # a history model a later migration creates has no legacy rows
        table = connection.ops.quote_name(model._meta.db_table)
        legacy = model._base_manager.using(connection.alias).filter(seal_key="")
        # exists() names no columns, so a fresh database passes even when later migrations add fields.
        if not legacy.exists():
            continue
        rows = list(legacy)
        key_id = keys.current_key_id()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            for row in rows:
                cursor.execute(f"UPDATE {table} SET record_hash = %s, seal_key = %s WHERE history_id = %s",  # noqa: S608
                               [compute_record_hash(row, key_id), key_id, row.history_id])
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
