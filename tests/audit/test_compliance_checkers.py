"""合规体检 of real decisions and elections, driven through the public API."""

from datetime import timedelta

import pytest
import time_machine

from decisions.models import Decision, Vote
from elections.compliance import election_checks
from elections.models import Election, ElectionRound
from tests.decisions.helpers import START, attendance, do, schedule, submit, to_awaiting_meeting, vote_all
from tests.elections import helpers as eh
from workflows.audit import audit_context
from workflows.models import Term

from .compliance_helpers import refreshed

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def states(checks) -> dict:
    return {c.code: c.ok for c in checks}


def decide(api, org, clock, *, recusals=None, meeting_at=None):
    pk = submit(api, org["dangban"])["id"]
    to_awaiting_meeting(api, org, pk)
    meeting = schedule(api, org, [pk], at=meeting_at)
    clock.move_to(meeting.scheduled_at + timedelta(minutes=5))
    assert attendance(api, org, meeting, recusals=recusals).status_code == 200
    vote_all(api, org, pk, "agree")
    do(api, org, pk, "secretary_vote", "shuji", {"vote": "agree", "defer": False, "comment": "同意"})
    do(api, org, meeting, "minutes_draft", "dangban", {"text": "纪要"})
    do(api, org, meeting, "minutes_approve", "shuji", {"approve": True, "comment": ""})
    return Decision.objects.get(pk=pk), meeting


def checks_of(decision, kind="decision"):
    """The stored checklist of this subject, after a refresh (what changed since the last one)."""
    return next(r.check_list() for r in refreshed(kind) if r.object_id == decision.pk)


def test_compliant_decision_then_late_execution(org, api, clock):
    decision, _meeting = decide(api, org, clock)
    assert states(checks_of(decision)) == {
        "pre_review": True, "expert_review": None, "risk": True, "legal_review": None, "office_meeting": None,
        "communicate": True, "notice": True,
        "quorum": True, "recusals": True, "secretary_last": True, "majority": True, "minutes": True,
        "execution": None,
    }
    clock.move_to(START + timedelta(days=60))
    assert states(checks_of(decision))["execution"] is False
    do(api, org, decision.pk, "implement", "dangban", {"report": "完成", "done": True})
    execution = next(c for c in checks_of(Decision.objects.get(pk=decision.pk)) if c.code == "execution")
    assert execution.ok is False and "期限" in execution.detail


def test_violations_found_in_the_records(org, api, clock):
    decision, meeting = decide(api, org, clock, recusals=None)
    # someone slipped a vote in for a member who recused, and moved the meeting after the notice went out
    from decisions.models import Recusal

    with audit_context(actor=org["dangban"], reason="补录"):
        Recusal.objects.create(meeting=meeting, decision=decision, member=org["weiyuan1"], reason="亲属")
        meeting.scheduled_at = meeting.scheduled_at - timedelta(days=4)
        meeting.save()
    result = states(checks_of(decision))
    assert result["recusals"] is False
    assert result["notice"] is False
    records = refreshed("decision")
    assert records[0].object_id == decision.pk and not records[0].compliant


def test_tally_disagreeing_with_the_votes_is_reported(org, api, clock):
    decision, _meeting = decide(api, org, clock)
    vote = Vote.objects.filter(decision=decision, is_secretary=False).first()
    with audit_context(actor=org["dangban"], reason="更正"):
        Vote.objects.filter(pk=vote.pk).delete()
    check = next(c for c in checks_of(decision) if c.code == "majority")
    assert check.ok is False and "不符" in check.detail


def run_election(api, org):
    eid = eh.to_election_meeting(api, org, seats=3, candidates=eh.B01_CANDIDATES[:4])
    sec, zuzhi = api(org["sj_b01"]), api(org["zuzhi"])
    eh.complete(sec, eid, "election_meeting", {
        "held_on": eh.today().isoformat(), "eligible": 9, "present": 9, "ballots_issued": 9,
        "ballots_returned": 9, "invalid": 0, "votes": {"b01_m1": 9, "b01_m2": 8, "b01_m3": 7, "b01_m4": 2}})
    eh.complete(sec, eid, "officer_election", {"secretary": "b01_m1"})
    eh.complete(zuzhi, eid, "result_approval", {"approve": True, "comment": "同意"})
    return Election.objects.get(pk=eid)


def test_compliant_election(org, api):
    election = run_election(api, org)
    assert election.status == "finished"
    assert states(election_checks(election, today=eh.today())) == states(checks_of(election, "election")) == {
        "request_approved": True, "surplus": True, "officials": True, "quorum": True, "majority": True,
        "result_approved": True, "on_time": True,
    }
    body = api(org["shenji"]).get("/api/v1/compliance/?kind=election").json()
    assert body["count"] == 1 and body["results"][0]["compliant"] is True


def test_election_violations(org, api):
    election = run_election(api, org)
    with audit_context(actor=org["sj_b01"], reason="补录"):
        ElectionRound.objects.create(
            election=election, number=9, held_on=eh.today(), seats_to_fill=1, eligible=10, present=7,
            ballots_issued=7, ballots_returned=7, recorded_by=org["sj_b01"])
    assert states(checks_of(election, "election"))["quorum"] is False


def test_overdue_term_without_election(org, api):
    term = Term.objects.get(unit__code="b02", status="current")
    with time_machine.travel(term.ends + timedelta(days=40)):
        body = eh.request_election(api, org["sj_b02"], unit="b02", seats=3)
        election = Election.objects.get(pk=body["id"])
        check = next(c for c in checks_of(election, "election") if c.code == "on_time")
        assert check.ok is False and "届满" in check.detail


def test_trail_unit_and_flow_filters_on_real_decisions(org, api, clock):
    decision, _meeting = decide(api, org, clock)
    client = api(org["shenji"])
    votes = client.get("/api/v1/audit/?unit=b01&model=decisions.vote&page_size=100").json()
    assert votes["count"] == Vote.objects.filter(decision=decision).count() == 9
    assert all(e["action"] == "created" and e["user"] for e in votes["results"])
    assert client.get("/api/v1/audit/?unit=b02&model=decisions.vote").json()["count"] == 0
    decided = client.get("/api/v1/audit/?flow=decision&model=decisions.decision&page_size=100").json()
    assert {e["object_id"] for e in decided["results"]} == {decision.pk}
    steps = client.get("/api/v1/audit/?flow=meeting&model=viewflow.task&page_size=200").json()
    assert steps["count"] > 0 and any(e["user"] == "shuji" for e in steps["results"])
