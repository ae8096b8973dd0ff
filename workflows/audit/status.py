"""The ledger's state for the auditors' integrity page, at a cost that does not grow with the history.

A full verification (`verify_history`, cron) reads every record and is stored as a `VerificationRun`;
the page shows the latest run, the latest checkpoints and what awaits the sealer, counted from the
last checkpoint on (an index range per history table), never from the whole history.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .chain import chained_history_models
from .ledger import Checkpoint, LedgerEntry, VerificationRun
from .verify import Verification


@dataclass
class LedgerStatus:
    latest: Checkpoint | None
    recent: list[Checkpoint]
    awaiting: int
    last_run: VerificationRun | None


def record_verification(result: Verification, *, against_export: bool, using: str = "default") -> VerificationRun:
    return VerificationRun.objects.using(using).create(
        finished=timezone.now(), ok=result.ok, records=result.records, sealed=result.sealed,
        awaiting=result.awaiting, checkpoint_seq=result.latest.seq if result.latest else None,
        problems=result.problems[:20], against_export=against_export,
    )


def awaiting_sealer(latest: Checkpoint | None, *, using: str = "default") -> int:
    """Records not yet in the ledger, found through indexes only.

    Above a table's highest sealed record everything awaits the sealer; below it only records of
    transactions at or past the last checkpoint's horizon can (PostgreSQL: commits out of start order).
    """
    postgres = connections[using].vendor == "postgresql"
    total = 0
    for history_model in chained_history_models():
        table = history_model._meta.db_table
        rows = history_model._base_manager.using(using)
        sealed_max = LedgerEntry.highest_sealed(table, using=using)
        total += rows.filter(history_id__gt=sealed_max).count()
        if postgres and latest is not None:
            in_ledger = Exists(LedgerEntry.objects.using(using).filter(table=table, history_id=OuterRef("history_id")))
            total += rows.filter(history_id__lte=sealed_max, tx_id__gte=latest.horizon).filter(~in_ledger).count()
    return total


def ledger_status(*, using: str = "default") -> LedgerStatus:
    recent = list(Checkpoint.objects.using(using).order_by("-seq")[:10])
    latest = recent[0] if recent else None
    return LedgerStatus(latest=latest, recent=recent, awaiting=awaiting_sealer(latest, using=using),
                        last_run=VerificationRun.objects.using(using).order_by("-finished", "-pk").first())
