"""The hash chain of history records, append-only history models, and its verification.

Every historical model derives from `ChainedHistory`: when a record is inserted (one by
one or through `bulk_create`) it gets `previous_hash` = the `record_hash` of the last
record of the same history table and `record_hash` = sha256(previous_hash + canonical
JSON of its content). `verify_chains()` recomputes the chains (`manage.py verify_history`,
see docs/audit.md).
"""

import hashlib
import json
import zlib
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from uuid import UUID

from django.db import connections, models, router, transaction

from .context import fill_history_context

# Fields of a historical row that are not part of its hashed content.
UNHASHED_FIELDS = frozenset({"history_id", "record_hash", "previous_hash"})
# First argument of pg_advisory_xact_lock(int, int): this application's lock namespace.
_LOCK_NAMESPACE = 0x4175  # "Au"


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


def is_chained_history_model(model) -> bool:
    return issubclass(model, ChainedHistory) and not model._meta.abstract


def chained_history_models():
    """Every concrete hash-chained history model, in a stable order."""
    from django.apps import apps

    return sorted(
        (m for m in apps.get_models() if is_chained_history_model(m)), key=lambda m: m._meta.label_lower
    )


# --- verification ----------------------------------------------------------------------


@dataclass
class ChainResult:
    history_model: type
    count: int = 0
    head: str = ""
    broken_id: int | None = None
    broken_object: str = ""
    problem: str = ""

    @property
    def broken(self) -> bool:
        return self.broken_id is not None

    @property
    def label(self) -> str:
        return self.history_model.instance_type._meta.label

    @property
    def verbose_name(self) -> str:
        return str(self.history_model.instance_type._meta.verbose_name)

    def describe(self) -> str:
        if self.broken:
            return (
                f"断裂：{self.label} history_id={self.broken_id} 对象={self.broken_object}："
                f"{self.problem}"
            )
        return f"完好：{self.label}（{self.history_model._meta.db_table}）{self.count} 条，末条哈希 {self.head or '—'}"


def verify_chain(history_model, *, using: str = "default") -> ChainResult:
    """Recompute one table's chain in insertion order; stop at the first broken record."""
    result = ChainResult(history_model)
    pk_name = history_model.instance_type._meta.pk.attname
    previous = ""
    rows = history_model._base_manager.using(using).order_by("history_id").iterator(chunk_size=2000)
    for row in rows:
        result.count += 1
        problem = ""
        if row.previous_hash != previous:
            problem = "previous_hash 与上一条记录不符（有记录被删除、插入或改写）"
        elif row.record_hash != compute_record_hash(row, previous):
            problem = "记录内容与 record_hash 不符（记录被修改）"
        if problem:
            result.broken_id = row.history_id
            result.broken_object = f"{history_model.instance_type._meta.model_name}:{getattr(row, pk_name)}"
            result.problem = problem
            return result
        previous = row.record_hash
    result.head = previous
    return result


def verify_chains(*, using: str = "default") -> list[ChainResult]:
    return [verify_chain(model, using=using) for model in chained_history_models()]
