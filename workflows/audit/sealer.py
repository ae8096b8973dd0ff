"""The sealer: appends new history records to the ledger in a fixed order, then signs a checkpoint.

Run by cron (`manage.py seal_history`, every minute; `--loop` for a worker). Safe on several
hosts: one sealer at a time holds a transaction-level advisory lock (PostgreSQL); others
return at once. Writers take no lock at all.

Which records are safe to seal: on PostgreSQL each record carries its transaction id
(`tx_id`). A run seals the records whose transaction is older than the oldest one still
running (`txid_snapshot_xmin`), from the previous checkpoint's horizon on, ordered by
(tx_id, table, history_id); such transactions are finished, so no record is left behind or
sealed out of order when transactions commit in another order than they started. On SQLite
writers are serialised by the database, so committed records are sealed by history_id.
"""

from __future__ import annotations

import logging

from django.db import connections, transaction
from django.utils import timezone

from . import keys
from .chain import chained_history_models
from .ledger import Checkpoint, LedgerEntry

log = logging.getLogger(__name__)
_SEALER_LOCK = (0x4175, 0x5345)  # pg_try_advisory_xact_lock(int, int): "Au", "SE"
BATCH = 5000


def _try_lock(connection) -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", list(_SEALER_LOCK))
        return bool(cursor.fetchone()[0])


def _horizon(connection) -> tuple[int, int | None]:
    """(h, own): transactions other than our own with an id below h are finished (PostgreSQL).

    `own` is the sealer's own transaction id if it has one: its records commit together with
    the seal (only so in tests, where everything runs in one transaction). (0, None) elsewhere.
    """
    if connection.vendor != "postgresql":
        return 0, None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT txid_current_if_assigned(), txid_snapshot_xmax(s), ARRAY(SELECT txid_snapshot_xip(s)) "
            "FROM txid_current_snapshot() AS s"
        )
        own, xmax, running = cursor.fetchone()
    others = [int(t) for t in running if own is None or int(t) != int(own)]
    return (min(others) if others else int(xmax)), (int(own) if own is not None else None)


def _pending(history_model, *, using, since, horizon, own):
    rows = history_model._base_manager.using(using).only("history_id", "record_hash", "tx_id")
    table = history_model._meta.db_table
    if not horizon:
        sealed = LedgerEntry.highest_sealed(table, using=using)
        return list(rows.filter(history_id__gt=sealed).order_by("history_id"))
    found = list(rows.filter(tx_id__gte=since, tx_id__lt=horizon).exclude(tx_id=own or -1))
    if own is not None:
        sealed = LedgerEntry.objects.using(using).filter(table=table).values("history_id")
        found += list(rows.filter(tx_id=own).exclude(history_id__in=sealed))
    return found


def seal_history(*, using: str = "default") -> Checkpoint | None:
    """Seal what is safe to seal and sign a checkpoint; None when nothing new or another sealer runs."""
    connection = connections[using]
    with transaction.atomic(using=using):
        if not _try_lock(connection):
            return None
        last = Checkpoint.objects.using(using).order_by("-seq").first()
        horizon, own = _horizon(connection)
        since = last.horizon if last else 0
        pending = []
        for history_model in chained_history_models():
            table = history_model._meta.db_table
            for row in _pending(history_model, using=using, since=since, horizon=horizon, own=own):
                pending.append((row.tx_id or 0, table, row.history_id, row.record_hash))
        pending.sort()
        if not pending:
            return None
        key_id = keys.current_key_id()
        seq, chain = (last.seq, last.root) if last else (0, "")
        entries = []
        for _tx, table, history_id, record_hash in pending:
            seq += 1
            chain = LedgerEntry.chain_value(key_id=key_id, previous=chain, seq=seq, table=table,
                                            history_id=history_id, record_hash=record_hash)
            entries.append(LedgerEntry(seq=seq, table=table, history_id=history_id, record_hash=record_hash,
                                       chain=chain, key_id=key_id))
        LedgerEntry.objects.using(using).bulk_create(entries, batch_size=BATCH)
        checkpoint = Checkpoint(
            seq=seq, count=seq, root=chain, created=timezone.now(),
            horizon=max(horizon, since), previous_signature=last.signature if last else "", key_id=key_id,
        )
        checkpoint.signature = checkpoint.sign()
        checkpoint.save(using=using)
    log.info("sealed %s history records up to seq %s", len(entries), seq)
    return checkpoint
