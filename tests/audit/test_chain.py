"""Hash chain, append-only history, verify_history, and the guard against unaudited writes."""

import io
import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from simple_history.utils import bulk_create_with_history

from workflows.audit import (
    AppendOnlyError,
    UnauditedWriteError,
    audit_context,
    compute_record_hash,
)
from workflows.models import Notification, Term, Unit, User

from .helpers import tamper

pytestmark = pytest.mark.django_db


def run_verify():
    out = io.StringIO()
    call_command("verify_history", stdout=out)
    return out.getvalue()


def test_records_are_chained_within_their_table(org):
    unit = Unit.objects.get(code="b01")
    with audit_context(actor=org["dangban"], reason="更名"):
        unit.name = "内科第一党支部"
        unit.save()
    rows = list(Unit.history.model.objects.order_by("history_id"))
    assert rows[0].previous_hash == ""
    for before, after in itertools.pairwise(rows):
        assert after.previous_hash == before.record_hash
        assert len(after.record_hash) == 64
    last = rows[-1]
    assert last.history_user == org["dangban"] and last.history_change_reason == "更名"
    assert last.record_hash == compute_record_hash(last, last.previous_hash)
    # the hash covers who and why: changing either gives another hash
    last.history_change_reason = "别的理由"
    assert compute_record_hash(last, last.previous_hash) != last.record_hash


def test_verify_history_clean(org):
    output = run_verify()
    assert "历史记录完整" in output


def test_verify_history_names_the_altered_record(org):
    history = Unit.history.model
    target = history.objects.filter(code="b02").order_by("history_id").first()
    table = connection.ops.quote_name(history._meta.db_table)
    tamper(f"UPDATE {table} SET name = %s WHERE history_id = %s", ["篡改后的名称", target.history_id])
    with pytest.raises(CommandError) as excinfo:
        run_verify()
    assert "校验失败" in str(excinfo.value)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_history", stdout=out)
    report = out.getvalue()
    assert f"history_id={target.history_id}" in report
    assert "workflows.Unit" in report and f"unit:{target.id}" in report
    assert "被修改" in report


def test_verify_history_detects_a_deleted_record(org):
    history = User.history.model
    rows = list(history.objects.order_by("history_id")[:3])
    table = connection.ops.quote_name(history._meta.db_table)
    tamper(f"DELETE FROM {table} WHERE history_id = %s", [rows[1].history_id])
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_history", stdout=out)
    assert f"history_id={rows[2].history_id}" in out.getvalue()
    assert "previous_hash" in out.getvalue()


def test_exit_code_is_non_zero_when_broken(org):
    history = Term.history.model
    row = history.objects.order_by("history_id").first()
    table = connection.ops.quote_name(history._meta.db_table)
    tamper(f"UPDATE {table} SET history_change_reason = %s WHERE history_id = %s", ["改过", row.history_id])
    with pytest.raises(CommandError) as excinfo:
        run_verify()
    assert excinfo.value.returncode == 1


def test_bulk_history_is_chained_and_carries_actor_and_reason(org):
    unit = Unit.objects.create(code="b03", name="新支部", kind="branch", parent=Unit.objects.get(code="zz1"))
    with audit_context(actor=org["zuzhi"], reason="批量建立任期"):
        bulk_create_with_history(
            [Term(unit=unit, started="2020-01-01", ends="2023-01-01", status="ended")], Term
        )
    row = Term.history.model.objects.order_by("-history_id").first()
    assert row.history_user == org["zuzhi"] and row.history_change_reason == "批量建立任期"
    assert row.record_hash == compute_record_hash(row, row.previous_hash)
    assert "历史记录完整" in run_verify()


def test_history_records_cannot_be_changed_or_deleted_through_the_orm(org):
    history = Unit.history.model
    row = history.objects.first()
    row.name = "改写"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        history.objects.filter(pk=row.pk).update(name="改写")
    with pytest.raises(AppendOnlyError):
        history.objects.filter(pk=row.pk).delete()
    assert "历史记录完整" in run_verify()


def test_unaudited_bulk_writes_on_audited_models_are_refused(org):
    unit = Unit.objects.get(code="b01")
    with pytest.raises(UnauditedWriteError):
        Unit.objects.filter(pk=unit.pk).update(name="x")
    with pytest.raises(UnauditedWriteError):
        unit.terms.update(postpone_reason="x")  # related managers too
    with pytest.raises(UnauditedWriteError):
        User.objects.bulk_update([org["shuji"]], ["name"])
    with pytest.raises(UnauditedWriteError):
        org["shuji"].role_grants.all().update(role="member")
    unit.refresh_from_db()
    assert unit.name == "内科党支部"
    # not audited: allowed (notifications mark themselves e-mailed)
    Notification.objects.create(user=org["shuji"], kind="k", title="t")
    assert Notification.objects.filter(user=org["shuji"]).update(emailed=True) == 1


def test_every_audited_model_is_guarded():
    from workflows.audit import chained_history_models

    for history_model in chained_history_models():
        model = history_model.instance_type
        assert getattr(type(model._default_manager), "_unaudited_writes_guarded", False), model


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger exists on PostgreSQL only")
def test_postgres_trigger_refuses_update_and_delete(org):
    history = Unit.history.model
    row = history.objects.first()
    table = connection.ops.quote_name(history._meta.db_table)
    for sql in (f"UPDATE {table} SET name = 'x' WHERE history_id = %s", f"DELETE FROM {table} WHERE history_id = %s"):
        with pytest.raises(DatabaseError, match="只可追加"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [row.history_id])
    # every history table has it, also those created by decisions/elections migrations (post_migrate)
    from workflows.audit import chained_history_models

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'history_append_only'"
        )
        guarded = {row[0] for row in cursor.fetchall()}
    tables = {m._meta.db_table for m in chained_history_models()}
    assert {"workflows_historicaltask", "decisions_historicalvote", "elections_historicalroundvote"} <= tables
    assert tables <= guarded


def test_admin_changes_carry_user_and_reason(org, client):
    root = User.objects.create_superuser(username="root", password="x", name="系统管理员")
    client.force_login(root)
    unit = Unit.objects.get(code="b02")
    response = client.post(f"/admin/workflows/unit/{unit.pk}/change/", {
        "code": "b02", "name": "外科第一党支部", "kind": "branch", "parent": unit.parent_id,
        "department": "外科", "term_years": 3, "active": "on"})
    assert response.status_code == 302, response.content[:500]
    row = unit.history.order_by("-history_id").first()
    assert row.name == "外科第一党支部" and row.history_user == root
    assert row.history_change_reason.startswith("管理后台操作")


def test_login_writes_no_history_noise(org, client):
    user = org["shenji"]
    count = user.history.count()
    client.force_login(user)
    assert user.history.count() == count


def test_import_org_carries_reason(org):
    row = Unit.objects.get(code="b01").history.order_by("history_id").first()
    assert row.history_type == "+" and row.history_change_reason == "组织导入：tests"


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain(org):
    """Eight transactions append to the same history table at once: the chain stays linear."""
    import threading

    units = list(Unit.objects.order_by("code"))
    barrier = threading.Barrier(8)
    errors = []

    def rename(index):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                unit = Unit.objects.get(pk=units[index % len(units)].pk)
                unit.department = f"科室{index}"
                unit.save()
        except Exception as error:  # collected and asserted below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=rename, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    rows = list(Unit.history.model.objects.order_by("history_id"))
    assert len({r.previous_hash for r in rows}) == len(rows)  # no two records chained to the same one
    assert "历史记录完整" in run_verify()
