"""The refresh of the stored 合规体检: only what changed, one run at a time, nothing extra on completion."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.decisions.helpers import do, submit
from workflows.audit.compliance_refresh import Lease, refresh_compliance
from workflows.audit.compliance_store import ComplianceCursor, ComplianceRecord
from workflows.models import LedgerEntry

from .compliance_helpers import checks_of, refreshed
from .test_compliance_checkers import clock  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def review(api, org, pk):
    do(api, org, pk, "branch_review", "sj_b01", {"opinion": "approve", "comment": "同意"})


def test_first_run_checks_everything_then_only_what_changed(org, api):
    first, second = submit(api, org["dangban"])["id"], submit(api, org["dangban"])["id"]
    result = refresh_compliance()
    assert result.full and result.by_kind["decision"] == 2
    assert ComplianceRecord.objects.filter(kind="decision").count() == 2
    before = ComplianceRecord.objects.get(kind="decision", object_id=second).computed_at

    review(api, org, first)
    result = refresh_compliance()
    assert not result.full and result.by_kind == {"decision": 1} and result.ledger_entries > 0
    assert ComplianceRecord.objects.get(kind="decision", object_id=second).computed_at == before
    assert refresh_compliance().checked == 0  # nothing new: nothing checked twice


def changed_refresh_queries(api, org, extra):
    """Queries of a refresh after one decision changed, with `extra` more decisions stored."""
    for _ in range(extra):
        submit(api, org["dangban"])
    pk = submit(api, org["dangban"])["id"]
    refresh_compliance(full=True)
    review(api, org, pk)
    with CaptureQueriesContext(connection) as queries:
        result = refresh_compliance()
    assert result.by_kind == {"decision": 1}
    return len(queries)


def test_a_refresh_costs_what_changed_not_what_is_stored(org, api):
    assert changed_refresh_queries(api, org, 1) == changed_refresh_queries(api, org, 6)


def test_the_stored_checklist_follows_the_steps(org, api):
    pk = submit(api, org["dangban"])["id"]
    record = next(r for r in refreshed("decision") if r.object_id == pk)
    assert checks_of(record)["pre_review"] is None
    review(api, org, pk)
    record = next(r for r in refreshed("decision") if r.object_id == pk)
    assert checks_of(record)["pre_review"] is True and checks_of(record)["risk"] is None
    do(api, org, pk, "risk_assessment", "dangban", {"level": "low", "notes": "低"})
    record = next(r for r in refreshed("decision") if r.object_id == pk)
    assert checks_of(record)["risk"] is True


def test_a_withdrawn_decision_loses_its_record(org, api):
    pk = submit(api, org["dangban"])["id"]
    refreshed()
    from decisions.models import Decision
    from workflows.audit import audit_context

    decision = Decision.objects.get(pk=pk)
    with audit_context(actor=org["dangban"], reason="撤回"):
        decision.status = Decision.Status.WITHDRAWN
        decision.save()
    assert pk not in [r.object_id for r in refreshed("decision")]


def test_a_claimed_cursor_makes_a_second_run_skip(org, api):
    submit(api, org["dangban"])
    refresh_compliance()
    cursor = ComplianceCursor.objects.get()
    other = Lease()
    assert other.claim()
    submit(api, org["dangban"])
    assert refresh_compliance().busy  # the other host is refreshing
    assert ComplianceCursor.objects.get().ledger_seq == cursor.ledger_seq
    assert ComplianceRecord.objects.filter(kind="decision").count() == 1
    other.release()
    result = refresh_compliance()
    assert not result.busy and result.by_kind == {"decision": 1}
    assert ComplianceCursor.objects.get().ledger_seq == LedgerEntry.objects.order_by("-seq").first().seq


def test_an_expired_claim_is_taken_over(org, api):
    refresh_compliance()
    stale = Lease()
    assert stale.claim()
    ComplianceCursor.objects.update(claimed_until=timezone.now() - timedelta(minutes=1))  # that run died
    assert not refresh_compliance().busy
    assert stale.cursor() is None  # and its batches would stop: the lease is no longer its own


def test_a_run_that_loses_its_claim_stops_without_moving_the_cursor(org, api, monkeypatch):
    refresh_compliance()
    submit(api, org["dangban"])
    seq = ComplianceCursor.objects.get().ledger_seq
    lease = Lease()
    assert lease.claim()
    ComplianceCursor.objects.update(claimed_by="another-host")
    from workflows.audit import compliance_refresh

    result = compliance_refresh.RefreshResult()
    compliance_refresh._incremental(lease, compliance_refresh.checkers(), result)
    assert result.checked == 0 and ComplianceCursor.objects.get().ledger_seq == seq


def test_completing_a_step_writes_no_compliance_rows(org, api):
    pk = submit(api, org["dangban"])["id"]
    refresh_compliance()
    with CaptureQueriesContext(connection) as queries:
        review(api, org, pk)
    assert not [q for q in queries if "compliance" in q["sql"]]


def test_checking_a_batch_costs_the_same_for_more_subjects(org, api, clock):  # noqa: F811
    from tests.elections import helpers as eh
    from workflows.audit.compliance import checkers

    from .test_compliance_checkers import decide, run_election

    decided, _meeting = decide(api, org, clock)
    waiting = submit(api, org["dangban"])["id"]
    election = run_election(api, org)
    requested = eh.request_election(api, org["sj_b02"], unit="b02", seats=3)["id"]

    def cost(kind, ids):
        with CaptureQueriesContext(connection) as queries:
            assert len(checkers()[kind].items(ids)) == len(ids)
        return len(queries)

    assert cost("decision", [decided.pk]) == cost("decision", [decided.pk, waiting])
    assert cost("election", [election.pk]) == cost("election", [election.pk, requested])


def test_a_term_turns_overdue_by_the_date_alone_and_its_day_count_follows(org):
    import time_machine

    from workflows.models import Term

    term = Term.objects.get(unit__code="b02", status="current")
    with time_machine.travel(term.ends - timedelta(days=3)):
        assert term.pk not in [r.object_id for r in refreshed("term", full=True)]
    with time_machine.travel(term.ends + timedelta(days=2)):
        record = next(r for r in refreshed("term") if r.object_id == term.pk)
        assert "已逾期 2 天" in record.checks[0]["detail"]
    with time_machine.travel(term.ends + timedelta(days=5)):
        record = next(r for r in refreshed("term") if r.object_id == term.pk)
        assert "已逾期 5 天" in record.checks[0]["detail"]
