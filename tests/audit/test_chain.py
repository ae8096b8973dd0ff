"""Append-only history, its triggers, and the guard against unaudited writes (seals: test_ledger.py)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from workflows.audit import (
    AppendOnlyError,
    UnauditedWriteError,
)
from workflows.models import Notification, Unit, User

pytestmark = pytest.mark.django_db


def run_verify():
    out = io.StringIO()
    call_command("verify_history", stdout=out)
    return out.getvalue()








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
