"""Keyed seals, the sealer's ledger and checkpoints, and what verify_history detects.

The attacker here can write the database (triggers bypassed) but does not know AUDIT_SEAL_KEYS.
"""

import hashlib
import io
import json
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from simple_history.utils import bulk_create_with_history

from workflows.audit import audit_context, canonical_content, chained_history_models, compute_record_hash
from workflows.audit.ledger import Checkpoint, LedgerEntry
from workflows.audit.sealer import seal_history
from workflows.audit.verify import verify_ledger
from workflows.models import Term, Unit, User

from .helpers import tamper

pytestmark = pytest.mark.django_db


def verify(*args):
    out = io.StringIO()
    call_command("verify_history", *args, stdout=out)
    return out.getvalue()


def refused(*args) -> str:
    out = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("verify_history", *args, stdout=out)
    assert excinfo.value.returncode == 1
    return out.getvalue() + str(excinfo.value)


def quoted(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def rename(unit_code, name, actor=None):
    unit = Unit.objects.get(code=unit_code)
    with audit_context(actor=actor, reason="更名"):
        unit.name = name
        unit.save()
    return unit


def test_records_are_sealed_with_the_key_and_say_who_and_why(org, settings):
    rename("b01", "内科第一党支部", org["dangban"])
    row = Unit.history.model.objects.order_by("-history_id").first()
    assert row.history_user == org["dangban"] and row.history_change_reason == "更名"
    assert row.seal_key == "t1" and row.record_hash == compute_record_hash(row)
    row.history_change_reason = "别的理由"  # the seal covers the reason
    assert compute_record_hash(row) != row.record_hash
    settings.AUDIT_SEAL_KEYS = ["t1:another-secret"]  # and depends on the key
    row.history_change_reason = "更名"
    assert compute_record_hash(row) != row.record_hash


def test_sealer_appends_every_record_once_and_signs_a_checkpoint(org):
    first = seal_history()
    total = sum(m._base_manager.count() for m in chained_history_models())
    assert first is not None and first.seq == first.count == total == LedgerEntry.objects.count()
    assert first.signature == first.sign()
    assert seal_history() is None  # nothing new
    rename("b02", "外科第一党支部")
    second = seal_history()
    assert second.seq == total + 1 and second.previous_signature == first.signature
    entry = LedgerEntry.objects.get(seq=second.seq)
    assert entry.table == Unit.history.model._meta.db_table
    assert "历史记录完整" in verify() and "待封存 0 条" in verify()


def test_bulk_history_is_sealed_and_carries_actor_and_reason(org):
    unit = Unit.objects.create(code="b03", name="新支部", kind="branch", parent=Unit.objects.get(code="zz1"))
    with audit_context(actor=org["zuzhi"], reason="批量建立任期"):
        bulk_create_with_history([Term(unit=unit, started="2020-01-01", ends="2023-01-01", status="ended")], Term)
    row = Term.history.model.objects.order_by("-history_id").first()
    assert row.history_user == org["zuzhi"] and row.history_change_reason == "批量建立任期"
    assert row.record_hash == compute_record_hash(row)
    seal_history()
    assert "历史记录完整" in verify()


def test_altered_record_resealed_without_the_key_is_named(org):
    seal_history()
    history = Unit.history.model
    target = history.objects.filter(code="b02").order_by("history_id").first()
    target.name = "篡改后的名称"
    forged = hashlib.sha256(canonical_content(target).encode()).hexdigest()  # the attacker's best guess
    tamper(f"UPDATE {quoted(history)} SET name = %s, record_hash = %s WHERE history_id = %s",
           ["篡改后的名称", forged, target.history_id])
    report = refused()
    assert f"history_id={target.history_id}" in report and f"unit:{target.id}" in report
    assert "被修改" in report


def test_deleted_record_anywhere_is_named(org):
    seal_history()
    history = User.history.model
    rows = list(history.objects.order_by("history_id")[:3])
    tamper(f"DELETE FROM {quoted(history)} WHERE history_id = %s", [rows[1].history_id])
    report = refused()
    assert f"history_id={rows[1].history_id}" in report and "已被删除" in report


def test_deleting_the_newest_record_and_its_ledger_entry_is_caught_by_the_checkpoint(org):
    seal_history()
    rename("b01", "内科新名")
    checkpoint = seal_history()
    newest = Unit.history.model.objects.order_by("-history_id").first()
    tamper(f"DELETE FROM {quoted(Unit.history.model)} WHERE history_id = %s", [newest.history_id])
    tamper(f"DELETE FROM {quoted(LedgerEntry)} WHERE seq = %s", [checkpoint.seq])
    report = refused()
    assert f"#{checkpoint.seq}" in report and "被删除" in report


def test_truncated_history_table_is_detected(org):
    seal_history()
    tamper(f"DELETE FROM {quoted(Term.history.model)}")  # what TRUNCATE leaves behind
    assert "已被删除" in refused()


def test_deleted_checkpoints_are_detected(org, tmp_path):
    seal_history()
    rename("b01", "一")
    seal_history()
    rename("b01", "二")
    last = seal_history()
    exported = tmp_path / "checkpoints.jsonl"
    out = io.StringIO()
    call_command("export_checkpoints", stdout=out)
    exported.write_text(out.getvalue())
    assert [json.loads(line)["seq"] for line in out.getvalue().splitlines()][-1] == last.seq
    middle = Checkpoint.objects.order_by("seq")[1]
    tamper(f"DELETE FROM {quoted(Checkpoint)} WHERE seq = %s", [middle.seq])
    assert "不衔接" in refused()


def test_removing_a_whole_sealing_run_is_caught_against_the_exported_checkpoints(org, tmp_path):
    seal_history()
    rename("b01", "内科新名")
    last = seal_history()
    out = io.StringIO()
    call_command("export_checkpoints", stdout=out)
    exported = tmp_path / "checkpoints.jsonl"
    exported.write_text(out.getvalue())
    newest = Unit.history.model.objects.order_by("-history_id").first()
    tamper(f"DELETE FROM {quoted(Unit.history.model)} WHERE history_id = %s", [newest.history_id])
    tamper(f"DELETE FROM {quoted(LedgerEntry)} WHERE seq = %s", [last.seq])
    tamper(f"DELETE FROM {quoted(Checkpoint)} WHERE seq = %s", [last.seq])
    assert "历史记录完整" in verify()  # consistent inside the database ...
    assert f"#{last.seq}" in refused("--against", str(exported))  # ... but not with the copy kept outside


def test_key_rotation_keeps_old_seals_verifiable(org, settings):
    seal_history()
    settings.AUDIT_SEAL_KEYS = ["t2:the-new-key", "t1:test-only-audit-seal-key"]
    rename("b01", "内科新名")
    checkpoint = seal_history()
    assert checkpoint.key_id == "t2"
    assert Unit.history.model.objects.order_by("-history_id").first().seal_key == "t2"
    assert "历史记录完整" in verify()
    settings.AUDIT_SEAL_KEYS = ["t2:the-new-key"]  # the old key dropped too early
    assert "未配置" in refused()


def test_records_awaiting_the_sealer_are_reported_not_failed(org):
    seal_history()
    rename("b01", "内科新名")
    result = verify_ledger()
    assert result.ok and result.awaiting == 1


def test_ledger_is_append_only_through_the_orm(org):
    from workflows.audit import AppendOnlyError

    checkpoint = seal_history()
    with pytest.raises(AppendOnlyError):
        checkpoint.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(seq=1).update(table="x")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="triggers exist on PostgreSQL only")
def test_postgres_refuses_truncating_history_and_the_ledger(org):
    seal_history()
    for table in (quoted(Unit.history.model), quoted(LedgerEntry), quoted(Checkpoint)):
        with pytest.raises(DatabaseError, match="不可清空"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks of this test's inserts
            cursor.execute("SET LOCAL workflows.allow_truncate = off")
            cursor.execute(f"TRUNCATE {table} CASCADE")


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_writers_do_not_wait_on_each_other_and_nothing_is_left_unsealed(org):
    """One transaction holds its history insert open; an unrelated one completes at once."""
    import threading

    inserted, release, errors, timings = threading.Event(), threading.Event(), [], {}

    def slow_writer():
        try:
            with transaction.atomic():
                rename("b01", "内科（长事务）")
                inserted.set()
                release.wait(timeout=10)
        except Exception as error:  # collected and asserted below
            errors.append(repr(error))
        finally:
            connection.close()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert inserted.wait(timeout=10)
    try:
        started = time.monotonic()
        other = threading.Thread(target=lambda: (rename("b02", "外科（短事务）"), connection.close()))
        other.start()
        other.join(timeout=10)
        timings["other"] = time.monotonic() - started
        early = seal_history()  # the long transaction is still open: its record must wait
    finally:
        release.set()
        thread.join(timeout=20)
    assert errors == [] and timings["other"] < 1.0
    later = seal_history()
    sealed = set(LedgerEntry.objects.values_list("table", "history_id"))
    table = Unit.history.model._meta.db_table
    for row in Unit.history.model.objects.all():
        assert (table, row.history_id) in sealed, row.history_id
    assert early is None or later is not None
    assert "历史记录完整" in verify() and "待封存 0 条" in verify()


def test_a_save_that_changes_nothing_writes_no_history(org):
    unit = Unit.objects.get(code="b01")
    before = unit.history.count()
    unit.save()
    Unit.objects.get(code="b01").save()
    assert unit.history.count() == before
    unit.name = "内科第一党支部"
    unit.save()
    unit.save()  # saved again unchanged after a real change
    assert unit.history.count() == before + 1
