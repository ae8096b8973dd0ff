"""Each election rule accepted and refused (400 in Chinese, nothing written)."""

from datetime import date, timedelta

import pytest

from elections.counting import count_round
from elections.models import Candidate, Election, ElectionOfficial, ElectionRound, PaperTally, Recommendation
from workflows.models import RoleGrant, Term, Unit, User
from workflows.org.permissions import sync_user_permissions

from .helpers import complete, future, request_election, to_election_meeting, to_nominate, today


def errors(response) -> str:
    return str(response.json()["errors"])


@pytest.fixture
def small_branch(org):
    """b03: a branch with 4 full members and its secretary (5 in all, fewer than 7)."""
    unit = Unit.objects.create(code="b03", name="药剂党支部", kind="branch", parent=Unit.objects.get(code="zz1"))
    Term.objects.create(unit=unit, started=date(2023, 5, 1), ends=date(2026, 5, 1))
    people = [User.objects.create(username=f"b03_m{i}", name=f"药剂{i}", unit=unit, membership="full")
              for i in range(1, 5)]
    secretary = User.objects.create(username="sj_b03", name="药剂书记", unit=unit, membership="full")
    RoleGrant.objects.create(user=secretary, role="branch_secretary", unit=unit)
    for person in [*people, secretary]:
        RoleGrant.objects.create(user=person, role="member", unit=unit)
        sync_user_permissions(person)
    return secretary


# --- seats ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("seats", [2, 8])
def test_committee_seats_outside_3_to_7_refused(org, api, seats):
    response = request_election(api, org["sj_b01"], seats=seats, expect=400)
    assert "3至7名" in response["errors"]["seats"][0]
    assert not Election.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("seats", [3, 5, 7])
def test_committee_seats_3_to_7_accepted(org, api, seats):
    assert request_election(api, org["sj_b01"], seats=seats)["seats"] == seats


@pytest.mark.django_db
def test_approval_may_change_seats_but_not_break_the_rule(org, api):
    eid = request_election(api, org["sj_b01"])["id"]
    bad = complete(api(org["zuzhi"]), eid, "request_approval", {"approve": True, "seats": 9}, expect=400)
    assert "3至7名" in errors(bad)
    assert Election.objects.get(pk=eid).status == "request_approval"
    assert not Election.objects.get(pk=eid).reviews.exists()


@pytest.mark.django_db
def test_small_branch_elects_only_a_secretary(small_branch, api):
    bad = request_election(api, small_branch, unit="b03", seats=3, expect=400)
    assert "不设支部委员会" in bad["errors"]["seats"][0]
    bad = request_election(api, small_branch, unit="b03", seats=1, elect_deputy=True, expect=400)
    assert "2名" in bad["errors"]["seats"][0]
    assert request_election(api, small_branch, unit="b03", seats=2, elect_deputy=True)["seats"] == 2


@pytest.mark.django_db
def test_small_branch_secretary_only_election_runs_through(small_branch, org, api):
    eid = request_election(api, small_branch, unit="b03", seats=1)["id"]
    sec, zuzhi = api(small_branch), api(org["zuzhi"])
    complete(zuzhi, eid, "request_approval", {"approve": True})
    complete(sec, eid, "nominate", {"candidates": ["b03_m1", "b03_m2"]})  # ceil(1.2) = 2
    complete(zuzhi, eid, "candidate_review", {"approved": ["b03_m1", "b03_m2"]})
    complete(sec, eid, "election_plan", {"candidates": ["b03_m1", "b03_m2"], "meeting_date": future(2),
                                         "scrutineers": ["b03_m3"], "counters": ["b03_m4"], "method_text": "差额"})
    complete(zuzhi, eid, "plan_approval", {"approve": True})
    complete(sec, eid, "election_meeting", {"eligible": 5, "present": 5, "ballots_issued": 5, "ballots_returned": 5,
                                            "votes": {"b03_m1": 4, "b03_m2": 1}})
    complete(sec, eid, "officer_election", {"secretary": "b03_m1"})
    complete(zuzhi, eid, "result_approval", {"approve": True})
    unit = Unit.objects.get(code="b03")
    assert unit.secretary.username == "b03_m1"
    assert not unit.holders_of("branch_committee_member").exists()


# --- who may act ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_other_branch_secretary_and_members_may_not_request(org, api):
    request_election(api, org["sj_b02"], unit="b01", expect=403)
    request_election(api, org["b01_m1"], unit="b01", expect=403)
    request_election(api, org["shenji"], unit="b01", expect=403)
    assert not Election.objects.exists()


@pytest.mark.django_db
def test_visibility_other_branches_get_404(org, api):
    eid = request_election(api, org["sj_b01"])["id"]
    for name in ("sj_b01", "b01_m1", "b01_y1", "zuzhi", "shuji", "weiyuan1", "shenji"):
        assert api(org[name]).get(f"/api/v1/elections/{eid}/").status_code == 200, name
    for name in ("sj_b02", "b02_m1", "outsider", "zhuanjia1"):
        assert api(org[name]).get(f"/api/v1/elections/{eid}/").status_code == 404, name
        assert api(org[name]).get(f"/api/v1/elections/{eid}/history/").status_code == 404, name
    assert api(org["b02_m1"]).get("/api/v1/elections/").json()["count"] == 0
    assert api(org["b01_m1"]).get("/api/v1/elections/").json()["count"] == 1
    assert api(None).get("/api/v1/elections/").status_code == 401


@pytest.mark.django_db
def test_organization_staff_cannot_do_the_secretary_steps(org, api):
    eid = to_nominate(api, org)
    from viewflow.workflow.models import Task

    task = Task.objects.get(process__artifact_object_id=eid, flow_task_type="HUMAN", status="NEW")
    response = api(org["zuzhi"]).post(f"/api/v1/tasks/{task.pk}/complete/", {"candidates": []}, format="json")
    assert response.status_code == 403
    response = api(org["sj_b02"]).post(f"/api/v1/tasks/{task.pk}/complete/", {"candidates": []}, format="json")
    assert response.status_code == 403


# --- recommendation ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_full_members_recommend_and_only_full_members_are_recommended(org, api):
    eid = to_nominate(api, org)
    url = f"/api/v1/elections/{eid}/recommendations/"
    r = api(org["b01_y1"]).post(url, {"nominees": ["b01_m1"]}, format="json")
    assert r.status_code == 400 and "预备党员没有推荐权" in errors(r)
    r = api(org["b01_m1"]).post(url, {"nominees": ["b01_y1"]}, format="json")
    assert r.status_code == 400 and "不是本支部正式党员" in errors(r)
    r = api(org["b01_m1"]).post(url, {"nominees": ["b01_m2", "b01_m3", "b01_m4", "b01_m5"]}, format="json")
    assert r.status_code == 400 and "不能超过应选名额" in errors(r)
    r = api(org["b02_m1"]).post(url, {"nominees": ["b01_m2"]}, format="json")
    assert r.status_code == 404
    r = api(org["zuzhi"]).post(url, {"nominees": ["b01_m2"]}, format="json")
    assert r.status_code == 403
    assert not Recommendation.objects.exists()


@pytest.mark.django_db
def test_recommendation_only_while_at_nominate(org, api):
    eid = request_election(api, org["sj_b01"])["id"]
    r = api(org["b01_m1"]).post(f"/api/v1/elections/{eid}/recommendations/", {"nominees": ["b01_m2"]}, format="json")
    assert r.status_code == 409


@pytest.mark.django_db
def test_probationary_member_cannot_stand(org, api):
    eid = to_nominate(api, org)
    bad = complete(api(org["sj_b01"]), eid, "nominate", {"candidates": ["b01_m1", "b01_m2", "b01_m3", "b01_y1"]},
                   expect=400)
    assert "预备党员没有被选举权" in errors(bad)
    assert not Candidate.objects.exists() and not PaperTally.objects.exists()


# --- 差额, review, plan -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_candidates_must_exceed_seats_by_20_percent(org, api):
    eid = to_nominate(api, org, seats=5)
    sec = api(org["sj_b01"])
    names = [f"b01_m{i}" for i in range(1, 7)]
    bad = complete(sec, eid, "nominate", {"candidates": names[:5]}, expect=400)
    assert "至少 6 名" in errors(bad)
    complete(sec, eid, "nominate", {"candidates": names})
    zuzhi = api(org["zuzhi"])
    bad = complete(zuzhi, eid, "candidate_review", {"approved": names[:5], "struck": {"b01_m6": "不符合条件"}},
                   expect=400)
    assert "至少需要 6 名" in errors(bad)
    bad = complete(zuzhi, eid, "candidate_review", {"approved": names[:5], "struck": {"b01_m6": " "}}, expect=400)
    assert "须说明理由" in errors(bad)
    assert not Candidate.objects.filter(approved__isnull=False).exists()


@pytest.mark.django_db
def test_plan_rules_final_list_approved_and_officials_not_candidates(org, api):
    eid = to_nominate(api, org)
    sec, zuzhi = api(org["sj_b01"]), api(org["zuzhi"])
    complete(sec, eid, "nominate", {"candidates": ["b01_m1", "b01_m2", "b01_m3", "b01_m4", "b01_m5"]})
    complete(zuzhi, eid, "candidate_review", {"approved": ["b01_m1", "b01_m2", "b01_m3", "b01_m4"],
                                              "struck": {"b01_m5": "群众意见较大"}})
    plan = {"candidates": ["b01_m1", "b01_m2", "b01_m3", "b01_m5"], "meeting_date": future(3),
            "scrutineers": ["b01_m7"], "counters": ["b01_m8"], "method_text": "差额选举"}
    assert "未经审查通过" in errors(complete(sec, eid, "election_plan", plan, expect=400))
    plan["candidates"] = ["b01_m1", "b01_m2", "b01_m3"]
    assert "至少 4 名" in errors(complete(sec, eid, "election_plan", plan, expect=400))
    plan["candidates"] = ["b01_m1", "b01_m2", "b01_m3", "b01_m4"]
    plan["scrutineers"] = ["b01_m4"]
    assert "监票人不能由候选人担任" in errors(complete(sec, eid, "election_plan", plan, expect=400))
    plan["scrutineers"], plan["counters"] = ["b01_m7"], ["b01_m1"]
    assert "计票人不能由候选人担任" in errors(complete(sec, eid, "election_plan", plan, expect=400))
    plan["counters"] = ["b01_m8"]
    plan["meeting_date"] = (today() - timedelta(days=1)).isoformat()
    assert "不能早于今天" in errors(complete(sec, eid, "election_plan", plan, expect=400))
    assert not ElectionOfficial.objects.exists()
    plan["meeting_date"] = future(3)
    complete(sec, eid, "election_plan", plan)
    # returned plan comes back to the secretary; a new plan replaces the officials
    complete(zuzhi, eid, "plan_approval", {"approve": False, "comment": "请调整监票人"})
    plan["scrutineers"] = ["wy_b01"]
    complete(sec, eid, "election_plan", plan)
    active = ElectionOfficial.objects.filter(active=True, role="scrutineer")
    assert [o.user.username for o in active] == ["wy_b01"]
    assert ElectionOfficial.objects.filter(active=False).count() == 2


# --- the members' meeting ------------------------------------------------------------------------------


def meeting(**overrides):
    payload = {"eligible": 15, "present": 13, "ballots_issued": 13, "ballots_returned": 13, "invalid": 0,
               "votes": {"b01_m1": 12, "b01_m2": 11, "b01_m3": 10, "b01_m4": 3}}
    payload.update(overrides)
    return payload


@pytest.mark.django_db
def test_quorum_four_fifths(org, api):
    eid = to_election_meeting(api, org)
    sec = api(org["sj_b01"])
    bad = complete(sec, eid, "election_meeting", meeting(present=11, ballots_issued=11, ballots_returned=11),
                   expect=400)
    assert "五分之四" in errors(bad)
    assert not ElectionRound.objects.exists()
    complete(sec, eid, "election_meeting", meeting(present=12, ballots_issued=12, ballots_returned=12))  # 12/15 = 4/5
    assert Election.objects.get(pk=eid).status == "officer_election"


@pytest.mark.django_db
def test_held_on_may_not_be_in_the_future_and_defaults_to_today(org, api):
    eid = to_election_meeting(api, org)
    sec = api(org["sj_b01"])
    bad = complete(sec, eid, "election_meeting", meeting(held_on=future(1)), expect=400)
    assert "不能晚于今天" in errors(bad)
    complete(sec, eid, "election_meeting", meeting())
    assert ElectionRound.objects.get().held_on == today()
    assert Election.objects.get(pk=eid).held_on == today()


@pytest.mark.django_db
def test_more_ballots_than_present_voids_the_round_and_reopens_the_step(org, api):
    eid = to_election_meeting(api, org)
    sec = api(org["sj_b01"])
    complete(sec, eid, "election_meeting", meeting(ballots_issued=14, ballots_returned=14))
    round_ = ElectionRound.objects.get()
    assert not round_.valid and "发出选票数多于实到会人数" in round_.void_reason
    assert not round_.votes.filter(elected=True).exists()
    assert Election.objects.get(pk=eid).status == "election_meeting"
    complete(sec, eid, "election_meeting", meeting(ballots_returned=12))
    detail = api(org["sj_b01"]).get(f"/api/v1/elections/{eid}/").json()
    assert [r["valid"] for r in detail["rounds"]] == [False, True]
    assert detail["rounds"][1]["elected"] == ["b01_m1", "b01_m2", "b01_m3"]


@pytest.mark.django_db
def test_majority_is_more_than_half_of_present(org, api):
    eid = to_election_meeting(api, org)
    sec = api(org["sj_b01"])
    # present 14: 7 votes is exactly half -> not elected
    complete(sec, eid, "election_meeting", meeting(present=14, ballots_issued=14, ballots_returned=14,
                                                   votes={"b01_m1": 8, "b01_m2": 8, "b01_m3": 7, "b01_m4": 7}))
    round_ = ElectionRound.objects.get()
    assert sorted(round_.votes.filter(elected=True).values_list("candidate__username", flat=True)) == [
        "b01_m1", "b01_m2"]
    assert Election.objects.get(pk=eid).status == "election_meeting"


@pytest.mark.django_db
def test_tie_at_the_last_seat_needs_another_round_among_the_tied(org, api):
    eid = to_election_meeting(api, org)
    sec = api(org["sj_b01"])
    complete(sec, eid, "election_meeting", meeting(votes={"b01_m1": 12, "b01_m2": 11, "b01_m3": 9, "b01_m4": 9}))
    assert Election.objects.get(pk=eid).status == "election_meeting"
    bad = complete(sec, eid, "election_meeting", meeting(votes={"b01_m1": 9}), expect=400)
    assert "不是本轮候选人" in errors(bad)
    complete(sec, eid, "election_meeting", meeting(votes={"b01_m3": 8, "b01_m4": 5}))
    election = Election.objects.get(pk=eid)
    assert election.status == "officer_election"
    assert set(election.elected_users().values_list("username", flat=True)) == {"b01_m1", "b01_m2", "b01_m3"}


@pytest.mark.django_db
def test_small_shortfall_meeting_may_reduce_seats_by_majority(org, api):
    eid = to_election_meeting(api, org, seats=4, candidates=["b01_m1", "b01_m2", "b01_m3", "b01_m4", "b01_m5"])
    sec = api(org["sj_b01"])
    votes = {"b01_m1": 12, "b01_m2": 11, "b01_m3": 10, "b01_m4": 3, "b01_m5": 2}
    bad = complete(sec, eid, "election_meeting", meeting(votes=votes, reduce_seats_to=3, reduce_reason="大会同意",
                                                         reduce_agree=6), expect=400)
    assert "过半数同意" in errors(bad)
    bad = complete(sec, eid, "election_meeting", meeting(votes=votes, reduce_seats_to=2, reduce_reason="x",
                                                         reduce_agree=10), expect=400)
    assert "等于已当选人数" in errors(bad)
    assert not ElectionRound.objects.exists()
    complete(sec, eid, "election_meeting", meeting(votes=votes, reduce_seats_to=3, reduce_reason="差额不大，大会表决同意",
                                                   reduce_agree=10))
    election = Election.objects.get(pk=eid)
    assert (election.seats, election.seats_reduced_from, election.status) == (3, 4, "officer_election")
    reduced = election.history.filter(seats=3, seats_reduced_from=4).earliest("history_date")
    assert reduced.history_change_reason.startswith("党员大会同意减少委员职数")


@pytest.mark.django_db
def test_seats_never_reduced_below_three(org, api):
    eid = to_election_meeting(api, org)
    sec = api(org["sj_b01"])
    bad = complete(sec, eid, "election_meeting", meeting(
        votes={"b01_m1": 12, "b01_m2": 11, "b01_m3": 3, "b01_m4": 2}, reduce_seats_to=2, reduce_reason="x",
        reduce_agree=10), expect=400)
    assert "不能少于 3 名" in errors(bad)


def test_count_round_pure_rules():
    assert count_round(seats=1, present=5, ballots_issued=5, ballots_returned=6, votes={"a": 3}).valid is False
    r = count_round(seats=2, present=10, ballots_issued=10, ballots_returned=10, votes={"a": 9, "b": 6, "c": 6})
    assert r.tie and r.elected == ["a"] and r.next_candidates == ["b", "c"] and r.next_seats == 1
    r = count_round(seats=2, present=10, ballots_issued=10, ballots_returned=10, votes={"a": 9, "b": 5, "c": 4})
    assert r.shortfall and r.elected == ["a"] and r.next_candidates == ["b", "c"]
    r = count_round(seats=2, present=10, ballots_issued=10, ballots_returned=10, votes={"a": 9, "b": 7, "c": 6})
    assert r.complete and r.elected == ["a", "b"]


@pytest.mark.django_db
def test_officer_election_rules(org, api):
    eid = to_election_meeting(api, org, elect_deputy=True)
    sec = api(org["sj_b01"])
    complete(sec, eid, "election_meeting", meeting())
    assert "本次换届需选举副书记" in errors(complete(sec, eid, "officer_election", {"secretary": "b01_m1"}, expect=400))
    assert "不能为同一人" in errors(complete(sec, eid, "officer_election",
                                       {"secretary": "b01_m1", "deputy": "b01_m1"}, expect=400))
    assert "从当选的委员中" in errors(complete(sec, eid, "officer_election",
                                        {"secretary": "b01_m1", "deputy": "b01_m4"}, expect=400))
    complete(sec, eid, "officer_election", {"secretary": "b01_m1", "deputy": "b01_m2"})
    # a returned result reopens officer_election
    complete(api(org["zuzhi"]), eid, "result_approval", {"approve": False, "comment": "请重新选举书记"})
    assert Election.objects.get(pk=eid).status == "officer_election"
    complete(sec, eid, "officer_election", {"secretary": "b01_m2", "deputy": "b01_m1"})
    complete(api(org["zuzhi"]), eid, "result_approval", {"approve": True})
    assert Unit.objects.get(code="b01").secretary.username == "b01_m2"
