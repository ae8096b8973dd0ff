"""Verification of the audit ledger (`manage.py verify_history`, the auditors' integrity page).

It finds, and names the first broken record of:
- a history record changed after it was sealed (its keyed seal no longer matches);
- a record deleted anywhere, or a table truncated (a ledger entry points at nothing);
- ledger entries removed, reordered or altered (the keyed chain breaks);
- the newest entries removed (the ledger ends before the latest checkpoint);
- a checkpoint removed or altered (signatures and links between checkpoints), also against
  checkpoints kept outside the database (`--against FILE`).
Records written after the last sealing run are reported as awaiting the sealer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from . import keys
from .chain import chained_history_models, compute_record_hash
from .ledger import Checkpoint, LedgerEntry

CHUNK = 2000


@dataclass
class Verification:
    problems: list[str] = field(default_factory=list)
    sealed: int = 0
    records: int = 0
    awaiting: int = 0
    checkpoints: int = 0
    latest: Checkpoint | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def fail(self, message: str) -> None:
        self.problems.append(message)


def _label(model, row) -> str:
    instance_model = model.instance_type
    pk_name = instance_model._meta.pk.attname
    return f"{instance_model._meta.label} history_id={row.history_id} 对象={instance_model._meta.model_name}:" \
           f"{getattr(row, pk_name)}"


def _check_records(result: Verification, models_by_table, using) -> None:
    """Every record's keyed seal matches its content."""
    for model in models_by_table.values():
        for row in model._base_manager.using(using).order_by("history_id").iterator(chunk_size=CHUNK):
            result.records += 1
            try:
                expected = compute_record_hash(row)
            except KeyError:
                result.fail(f"{_label(model, row)}：印章密钥“{row.seal_key}”未配置，无法校验")
                return
            if not keys.macs_equal(expected, row.record_hash):
                result.fail(f"{_label(model, row)}：记录内容与印章不符（记录被修改）")
                return


def _check_ledger(result: Verification, models_by_table, using) -> str:
    """Entries are consecutive, chained with the key, and point at existing, unchanged records."""
    previous, expected_seq = "", 1
    entries = LedgerEntry.objects.using(using).order_by("seq").iterator(chunk_size=CHUNK)
    batch = []

    def check(batch):
        nonlocal previous, expected_seq
        by_table = {}
        for entry in batch:
            by_table.setdefault(entry.table, []).append(entry.history_id)
        found = {}
        for table, ids in by_table.items():
            model = models_by_table.get(table)
            if model is None:
                continue
            for history_id, record_hash in model._base_manager.using(using).filter(
                    history_id__in=ids).values_list("history_id", "record_hash"):
                found[(table, history_id)] = record_hash
        for entry in batch:
            if entry.seq != expected_seq:
                result.fail(f"账本第 {expected_seq} 条缺失（下一条为第 {entry.seq} 条）：账本条目被删除")
                return False
            try:
                chain = LedgerEntry.chain_value(key_id=entry.key_id, previous=previous, seq=entry.seq,
                                                table=entry.table, history_id=entry.history_id,
                                                record_hash=entry.record_hash)
            except KeyError:
                result.fail(f"账本第 {entry.seq} 条：密钥“{entry.key_id}”未配置，无法校验")
                return False
            if not keys.macs_equal(chain, entry.chain):
                result.fail(f"账本第 {entry.seq} 条（{entry.table} history_id={entry.history_id}）：链值不符（账本被改写）")
                return False
            stored = found.get((entry.table, entry.history_id))
            if stored is None:
                result.fail(f"{entry.table} history_id={entry.history_id}（账本第 {entry.seq} 条）：记录已被删除")
                return False
            if not keys.macs_equal(stored, entry.record_hash):
                result.fail(f"{entry.table} history_id={entry.history_id}（账本第 {entry.seq} 条）："
                            "记录印章与封存时不符（记录被替换）")
                return False
            previous, expected_seq = entry.chain, expected_seq + 1
            result.sealed += 1
        return True

    for entry in entries:
        batch.append(entry)
        if len(batch) >= CHUNK:
            if not check(batch):
                return previous
            batch = []
    if batch:
        check(batch)
    return previous


def _check_checkpoints(result: Verification, root: str, using) -> None:
    previous_signature = ""
    latest = None
    for checkpoint in Checkpoint.objects.using(using).order_by("seq").iterator(chunk_size=CHUNK):
        result.checkpoints += 1
        try:
            valid = keys.macs_equal(checkpoint.sign(), checkpoint.signature)
        except KeyError:
            result.fail(f"检查点 #{checkpoint.seq}：密钥“{checkpoint.key_id}”未配置，无法校验")
            return
        if not valid:
            result.fail(f"检查点 #{checkpoint.seq}：签名不符（检查点被改写）")
            return
        if checkpoint.previous_signature != previous_signature:
            result.fail(f"检查点 #{checkpoint.seq}：与上一检查点不衔接（有检查点被删除）")
            return
        previous_signature, latest = checkpoint.signature, checkpoint
    result.latest = latest
    if result.problems:
        return
    if latest is None:
        if result.sealed:
            result.fail("账本有条目但没有检查点（检查点被删除）")
        return
    if result.sealed != latest.seq:
        what = "少于" if result.sealed < latest.seq else "多于"
        result.fail(f"账本共 {result.sealed} 条，{what}最新检查点 #{latest.seq} 记载的 {latest.count} 条"
                    + ("（最新的记录或账本条目被删除）" if result.sealed < latest.seq else "（有检查点被删除）"))
    elif not keys.macs_equal(root, latest.root):
        result.fail(f"账本末条链值与最新检查点 #{latest.seq} 的根值不符")


def check_against(result: Verification, exported: list[dict], using="default") -> None:
    """Checkpoints kept outside the database must still be in it, unchanged."""
    stored = {c.seq: c for c in Checkpoint.objects.using(using).filter(seq__in=[e["seq"] for e in exported])}
    for item in exported:
        checkpoint = stored.get(item["seq"])
        if checkpoint is None:
            result.fail(f"外部保存的检查点 #{item['seq']} 在数据库中已不存在（检查点被删除）")
            return
        if checkpoint.signature != item["signature"] or checkpoint.root != item["root"]:
            result.fail(f"检查点 #{item['seq']} 与外部保存的副本不符（检查点被改写）")
            return


def verify_ledger(*, using: str = "default", against: list[dict] | None = None) -> Verification:
    result = Verification()
    models_by_table = {m._meta.db_table: m for m in chained_history_models()}
    _check_records(result, models_by_table, using)
    root = _check_ledger(result, models_by_table, using) if result.ok else ""
    if result.ok:
        _check_checkpoints(result, root, using)
    if result.ok and against:
        check_against(result, against, using)
    result.awaiting = max(result.records - result.sealed, 0) if result.ok else 0
    return result


def load_exported(path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
