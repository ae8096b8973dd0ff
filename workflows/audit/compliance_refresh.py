"""Keeping the stored 合规体检 up to date: `manage.py refresh_compliance`, run by cron.

    */5 * * * *  manage.py refresh_compliance        # what changed since the last run
    30 2 * * 0   manage.py refresh_compliance --all  # optional weekly full pass

Writers do nothing extra (no signal, no query on task completion). A run finds what changed
from what is already written: the audit ledger (`LedgerEntry`, every history record in sealing
order, see `sealer`) past the cursor's `ledger_seq`. Each new entry's history row names the
subjects it touches through the checkers' `watches`; only those are checked again, in batches
of a constant number of queries, so a run costs O(changed). On a new day the subjects whose
verdict changes by the date alone (`due`) are checked too. A first run (no cursor yet) or
`--all` checks every subject, walking each checker's subjects by pk.

Safe on several hosts at once: a run first claims the cursor row with a conditional update (a
lease, `claimed_until`); a second run finds it claimed and returns at once. Each batch is one
transaction that also moves the cursor, so a run that dies leaves consistent records and the
next run goes on from there (after the lease expires).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .chain import chained_history_models
from .compliance import Checker, checkers
from .compliance_store import ComplianceCursor, ComplianceFailure, ComplianceRecord
from .ledger import LedgerEntry
from .sealer import seal_history

LEDGER_BATCH = 2000
SUBJECT_BATCH = 500
LEASE = timedelta(minutes=15)


@dataclass
class RefreshResult:
    busy: bool = False
    full: bool = False
    checked: int = 0
    ledger_entries: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


class Lease:
    """The claim of the cursor row by one run."""

    def __init__(self, name: str = "default"):
        self.name, self.token = name, uuid.uuid4().hex

    def claim(self) -> bool:
        ComplianceCursor.objects.get_or_create(name=self.name)
        now = timezone.now()
        free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now) | Q(claimed_by=self.token)
        return bool(ComplianceCursor.objects.filter(free, name=self.name)
                    .update(claimed_by=self.token, claimed_until=now + LEASE))

    def cursor(self) -> ComplianceCursor | None:
        """The cursor row locked for this batch's transaction, or None if the lease was lost."""
        return (ComplianceCursor.objects.select_for_update()
                .filter(name=self.name, claimed_by=self.token, claimed_until__gte=timezone.now()).first())

    def save(self, cursor: ComplianceCursor, **changes) -> None:
        changes.update(refreshed_at=timezone.now(), claimed_until=timezone.now() + LEASE)
        ComplianceCursor.objects.filter(pk=cursor.pk, claimed_by=self.token).update(**changes)

    def release(self) -> None:
        ComplianceCursor.objects.filter(name=self.name, claimed_by=self.token).update(claimed_by="", claimed_until=None)


def store(checker: Checker, ids: list[int], *, lower=None, upper=None) -> int:
    """Check `ids` again and replace their records (and, given bounds, every record in (lower, upper])."""
    items = checker.items(ids)
    stale = ComplianceRecord.objects.filter(kind=checker.kind)
    if lower is not None or upper is not None:
        stale = stale.filter(object_id__gt=lower or 0)
        stale = stale.filter(object_id__lte=upper) if upper is not None else stale
    else:
        stale = stale.filter(object_id__in=ids)
    ComplianceFailure.objects.filter(record__in=stale.values("pk")).delete()
    stale.delete()  # one statement each: failures point at records with DO_NOTHING
    now = timezone.now()
    records = ComplianceRecord.objects.bulk_create([ComplianceRecord.from_item(item, at=now) for item in items])
    failures = [ComplianceFailure(record=record, code=check.code)
                for record, item in zip(records, items, strict=True) for check in item.failures]
    ComplianceFailure.objects.bulk_create(failures, ignore_conflicts=True)
    return len(ids)


def touched_subjects(entries, registered: dict[str, Checker]) -> dict[str, set[int]]:
    """kind -> ids of the subjects the history rows of these ledger entries touch."""
    by_table: dict[str, list[int]] = {}
    for table, history_id in entries:
        by_table.setdefault(table, []).append(history_id)
    found: dict[str, set[int]] = {kind: set() for kind in registered}
    for history_model in chained_history_models():
        ids = by_table.get(history_model._meta.db_table)
        label = history_model.instance_type._meta.label_lower
        watching = {kind: c.watches[label] for kind, c in registered.items() if label in c.watches}
        if not ids or not watching:
            continue
        names = sorted({watch.field for watch in watching.values()})
        rows = list(history_model._base_manager.filter(history_id__in=ids).values_list(*names))
        for kind, watch in watching.items():
            values = {row[names.index(watch.field)] for row in rows} - {None}
            if values:
                found[kind].update(watch.resolve(values) if watch.resolve else values)
    return found


def _recheck(checker: Checker, ids: set[int], result: RefreshResult) -> None:
    ordered = sorted(ids)
    for start in range(0, len(ordered), SUBJECT_BATCH):
        batch = ordered[start:start + SUBJECT_BATCH]
        result.checked += store(checker, batch)
        result.by_kind[checker.kind] = result.by_kind.get(checker.kind, 0) + len(batch)


def _incremental(lease: Lease, registered: dict[str, Checker], result: RefreshResult) -> None:
    today = timezone.localdate()
    while True:
        with transaction.atomic():
            cursor = lease.cursor()
            if cursor is None:
                return
            entries = list(LedgerEntry.objects.filter(seq__gt=cursor.ledger_seq).order_by("seq")
                           .values_list("seq", "table", "history_id")[:LEDGER_BATCH])
            changed = touched_subjects([(table, hid) for _seq, table, hid in entries], registered)
            if cursor.checked_on is None or cursor.checked_on < today:
                since = cursor.checked_on or today
                for kind, checker in registered.items():
                    if checker.due is not None:
                        changed[kind].update(checker.due(since, today))
            for kind, ids in changed.items():
                _recheck(registered[kind], ids, result)
            result.ledger_entries += len(entries)
            lease.save(cursor, ledger_seq=entries[-1][0] if entries else cursor.ledger_seq, checked_on=today)
        if len(entries) < LEDGER_BATCH:
            return


def _full(lease: Lease, registered: dict[str, Checker], result: RefreshResult) -> None:
    result.full = True
    today = timezone.localdate()
    start_seq = LedgerEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    for checker in registered.values():
        lower = 0
        while lower is not None:
            with transaction.atomic():
                if lease.cursor() is None:
                    return
                ids = list(checker.subjects().filter(pk__gt=lower).order_by("pk")
                           .values_list("pk", flat=True)[:SUBJECT_BATCH])
                upper = ids[-1] if len(ids) == SUBJECT_BATCH else None
                result.checked += store(checker, ids, lower=lower, upper=upper)
                result.by_kind[checker.kind] = result.by_kind.get(checker.kind, 0) + len(ids)
                lower = upper
    with transaction.atomic():
        cursor = lease.cursor()
        if cursor is not None:
            lease.save(cursor, ledger_seq=max(cursor.ledger_seq or 0, start_seq), checked_on=today)


def refresh_compliance(*, full: bool = False, seal: bool = True) -> RefreshResult:
    """Bring the stored checklists up to date (what changed, or everything); busy if another run holds the cursor."""
    if seal:
        seal_history()  # the ledger is what tells what changed; harmless when the sealer runs elsewhere
    registered = checkers()
    lease = Lease()
    if not lease.claim():
        return RefreshResult(busy=True)
    result = RefreshResult()
    try:
        cursor = ComplianceCursor.objects.get(name=lease.name)
        if full or cursor.ledger_seq is None:
            _full(lease, registered, result)
        else:
            _incremental(lease, registered, result)
    finally:
        lease.release()
    return result


def last_refreshed():
    """When the records were last brought up to date (None before the first run)."""
    return ComplianceCursor.objects.filter(name="default").values_list("refreshed_at", flat=True).first()
