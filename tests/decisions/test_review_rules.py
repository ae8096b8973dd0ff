"""Submission, review steps, returns, withdrawal: accepted and refused paths."""

from decimal import Decimal

import pytest

from decisions.models import Decision, Opinion
from workflows.models import HospitalSettings, Notification

from .helpers import do, open_tasks, proposal, submit, task_for, to_awaiting_meeting

pytestmark = pytest.mark.django_db


def test_expert_rule_unit():
    threshold = Decimal("500000")
    d = Decision(category="major_project", amount=Decimal("1"))
    assert d.compute_expert_required(threshold)
    assert Decision(category="large_fund", amount=Decimal("500000")).compute_expert_required(threshold)
    assert not Decision(category="large_fund", amount=Decimal("499999.99")).compute_expert_required(threshold)
    assert Decision(category="major_matter", needs_expert_review=True).compute_expert_required(threshold)
    assert not Decision(category="cadre_appointment", needs_expert_review=True).compute_expert_required(threshold)


def test_expert_review_on_request_gives_every_expert_a_task_and_waits_for_all(org, api):
    pk = submit(api, org["sj_b01"], needs_expert_review=True)["id"]
    do(api, org, pk, "branch_review", "sj_b01", {"opinion": "approve", "comment": ""})
    decision = Decision.objects.get(pk=pk)
    tasks = list(open_tasks(decision, "expert_review"))
    assert sorted(t.owner.username for t in tasks) == ["zhuanjia1", "zhuanjia2", "zhuanjia3"]
    assert decision.status == "expert_review"
    # an expert cannot answer another expert's task; a missing written opinion is refused
    other = api(org["zhuanjia2"]).post(f"/api/v1/tasks/{tasks[0].pk}/complete/",
                                       {"opinion": "agree", "comment": "x"}, format="json")
    assert other.status_code == 403
    bad = api(org["zhuanjia1"]).post(f"/api/v1/tasks/{tasks[0].pk}/complete/", {"opinion": "agree"}, format="json")
    assert bad.status_code == 400 and "请填写书面论证意见" in bad.json()["errors"]["comment"][0]
    do(api, org, pk, "expert_review", "zhuanjia1", {"opinion": "conditional", "comment": "需补充预算"})
    do(api, org, pk, "expert_review", "zhuanjia2", {"opinion": "disagree", "comment": "风险较大"})
    assert not open_tasks(decision, "risk_assessment").exists()
    do(api, org, pk, "expert_review", "zhuanjia3", {"opinion": "agree", "comment": "可行"})
    assert open_tasks(decision, "risk_assessment").exists()
    opinions = Opinion.objects.filter(decision=decision, step="expert_review")
    assert sorted(opinions.values_list("opinion", flat=True)) == ["agree", "conditional", "disagree"]
    # opinions are shown to the committee
    body = api(org["weiyuan1"]).get(f"/api/v1/decisions/{pk}/").json()
    assert len([o for o in body["opinions"] if o["step"] == "expert_review"]) == 3


def test_submit_refusals_nothing_written(org, api):
    for username in ("outsider", "b01_m1", "shenji", "zhuanjia1"):
        response = api(org[username]).post("/api/v1/decisions/", proposal(), format="json")
        assert response.status_code == 403, username
    # a branch secretary proposes only for their own branch, and never a cadre appointment
    assert api(org["sj_b02"]).post("/api/v1/decisions/", proposal(), format="json").status_code == 403
    cadre = api(org["sj_b01"]).post("/api/v1/decisions/", proposal(category="cadre_appointment"), format="json")
    assert cadre.status_code == 403
    missing = api(org["dangban"]).post("/api/v1/decisions/", proposal(category="large_fund"), format="json")
    assert missing.status_code == 400 and "必须填写金额" in missing.json()["errors"]["amount"][0]
    negative = api(org["dangban"]).post("/api/v1/decisions/", proposal(amount="-1"), format="json")
    assert negative.status_code == 400 and "负数" in negative.json()["errors"]["amount"][0]
    bad_unit = api(org["dangban"]).post("/api/v1/decisions/", proposal(department_unit="zz1"), format="json")
    assert bad_unit.status_code == 400 and "department_unit" in bad_unit.json()["errors"]
    assert Decision.objects.count() == 0 and Decision.history.count() == 0


def test_threshold_is_a_hospital_setting(org, api):
    settings = HospitalSettings.current()
    settings.large_fund_threshold = Decimal("1000")
    settings.save()
    assert submit(api, org["dangban"], category="large_fund", amount="1000")["expert_required"] is True


def test_branch_review_only_by_that_branch_secretary(org, api):
    pk = submit(api, org["dangban"])["id"]
    task = task_for(Decision.objects.get(pk=pk), "branch_review")
    assert task.owner == org["sj_b01"]
    for username in ("sj_b02", "dangban", "shuji"):
        response = api(org[username]).post(f"/api/v1/tasks/{task.pk}/complete/", {"opinion": "approve"},
                                           format="json")
        assert response.status_code == 403
    no_reason = api(org["sj_b01"]).post(f"/api/v1/tasks/{task.pk}/complete/", {"opinion": "return"}, format="json")
    assert no_reason.status_code == 400 and "退回时请填写理由" in no_reason.json()["errors"]["comment"][0]
    assert not Opinion.objects.exists()


def test_return_at_branch_review_then_resubmit_restarts_at_branch_review(org, api):
    pk = submit(api, org["dangban"])["id"]
    do(api, org, pk, "branch_review", "sj_b01", {"opinion": "return", "comment": "方案不完整"})
    decision = Decision.objects.get(pk=pk)
    assert decision.status == "revise" and task_for(decision, "revise").owner == org["dangban"]
    assert Notification.objects.filter(user=org["dangban"], kind="decision_returned").exists()
    refused = api(org["sj_b01"]).post(f"/api/v1/tasks/{task_for(decision, 'revise').pk}/complete/",
                                      proposal(), format="json")
    assert refused.status_code == 403
    do(api, org, pk, "revise", "dangban", proposal(title="门诊楼改造项目（修订）", summary="补充了方案"))
    decision.refresh_from_db()
    assert decision.title == "门诊楼改造项目（修订）" and decision.status == "branch_review"
    assert open_tasks(decision, "branch_review").count() == 1


def test_organization_review_refusals_and_return(org, api):
    pk = submit(api, org["dangban"], category="cadre_appointment")["id"]
    decision = Decision.objects.get(pk=pk)
    task = task_for(decision, "organization_review")
    assert api(org["sj_b01"]).post(f"/api/v1/tasks/{task.pk}/complete/",
                                   {"opinion": "approve", "discipline_opinion": "x"}, format="json").status_code == 403
    missing = api(org["zuzhi"]).post(f"/api/v1/tasks/{task.pk}/complete/", {"opinion": "approve"}, format="json")
    assert missing.status_code == 400 and "党风廉政意见" in missing.json()["errors"]["discipline_opinion"][0]
    do(api, org, pk, "organization_review", "zuzhi",
       {"opinion": "return", "comment": "需补充考察材料", "discipline_opinion": "无"})
    do(api, org, pk, "revise", "dangban", proposal(category="cadre_appointment"))
    assert Decision.objects.get(pk=pk).status == "organization_review"


def test_no_consensus_and_agenda_return_send_back_to_revise(org, api):
    pk = submit(api, org["dangban"])["id"]
    do(api, org, pk, "branch_review", "sj_b01", {"opinion": "approve"})
    do(api, org, pk, "risk_assessment", "dangban", {"level": "medium", "notes": "中等风险"})
    task = task_for(Decision.objects.get(pk=pk), "communicate")
    assert api(org["yuanzhang"]).post(f"/api/v1/tasks/{task.pk}/complete/",
                                      {"consensus": True}, format="json").status_code == 403
    bad = api(org["shuji"]).post(f"/api/v1/tasks/{task.pk}/complete/", {"notes": "x"}, format="json")
    assert bad.status_code == 400 and "consensus" in bad.json()["errors"]
    do(api, org, pk, "communicate", "shuji", {"consensus": False, "notes": "院长认为需再论证"})
    assert Decision.objects.get(pk=pk).status == "revise"
    do(api, org, pk, "revise", "dangban", proposal())
    do(api, org, pk, "branch_review", "sj_b01", {"opinion": "approve"})
    do(api, org, pk, "risk_assessment", "dangban", {"level": "low", "notes": "低"})
    do(api, org, pk, "communicate", "shuji", {"consensus": True, "notes": "一致"})
    do(api, org, pk, "agenda_review", "shuji", {"accept": False, "comment": "暂不上会"})
    assert Decision.objects.get(pk=pk).status == "revise"


def test_withdraw_before_agenda_review_is_done(org, api):
    pk = submit(api, org["dangban"])["id"]
    do(api, org, pk, "branch_review", "sj_b01", {"opinion": "approve"})
    assert api(org["sj_b01"]).post(f"/api/v1/decisions/{pk}/withdraw/", {"reason": "x"},
                                   format="json").status_code == 403
    assert api(org["outsider"]).post(f"/api/v1/decisions/{pk}/withdraw/", {"reason": "x"},
                                     format="json").status_code == 404
    no_reason = api(org["dangban"]).post(f"/api/v1/decisions/{pk}/withdraw/", {}, format="json")
    assert no_reason.status_code == 400 and "撤回理由" in no_reason.json()["errors"]["reason"][0]
    response = api(org["dangban"]).post(f"/api/v1/decisions/{pk}/withdraw/", {"reason": "情况变化"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "withdrawn" and body["active_steps"] == []
    last = Decision.history.filter(id=pk).order_by("-history_id").first()
    assert last.history_user == org["dangban"] and "情况变化" in last.history_change_reason


def test_withdraw_after_agenda_review_is_409(org, api):
    pk = submit(api, org["dangban"])["id"]
    to_awaiting_meeting(api, org, pk)
    response = api(org["dangban"]).post(f"/api/v1/decisions/{pk}/withdraw/", {"reason": "晚了"}, format="json")
    assert response.status_code == 409 and "不能撤回" in response.json()["errors"]["non_field_errors"][0]
    assert Decision.objects.get(pk=pk).status == "awaiting_meeting"


def test_withdraw_during_parallel_expert_review_cancels_every_task(org, api):
    pk = submit(api, org["dangban"], category="major_project", amount="100")["id"]
    do(api, org, pk, "branch_review", "sj_b01", {"opinion": "approve"})
    do(api, org, pk, "expert_review", "zhuanjia1", {"opinion": "agree", "comment": "可行"})
    response = api(org["dangban"]).post(f"/api/v1/decisions/{pk}/withdraw/", {"reason": "项目取消"}, format="json")
    assert response.status_code == 200
    decision = Decision.objects.get(pk=pk)
    assert not open_tasks(decision, "expert_review").exists() and not open_tasks(decision, "experts_answered").exists()
    assert api(org["zhuanjia2"]).get("/api/v1/tasks/").json()["count"] == 0


def test_office_closes_overdue_expert_review_recording_who_did_not_answer(org, api, clock):
    from datetime import timedelta

    from .helpers import START

    pk = submit(api, org["dangban"], needs_expert_review=True)["id"]
    do(api, org, pk, "branch_review", "sj_b01", {"opinion": "approve"})
    do(api, org, pk, "expert_review", "zhuanjia1", {"opinion": "agree", "comment": "可行"})
    url = f"/api/v1/decisions/{pk}/close-expert-review/"
    early = api(org["dangban"]).post(url)
    assert early.status_code == 409 and "期限未到" in early.json()["errors"]["non_field_errors"][0]
    clock.move_to(START + timedelta(days=8))
    assert api(org["shuji"]).post(url).status_code == 403
    assert api(org["shenji"]).post(url).status_code == 403
    response = api(org["dangban"]).post(url)
    assert response.status_code == 200 and response.json()["status"] == "risk_assessment"
    missing = Opinion.objects.filter(decision_id=pk, opinion="no_answer")
    assert sorted(o.comment[:3] for o in missing) == ["专家2", "专家3"]
    assert all(o.author == org["dangban"] for o in missing)
    assert api(org["dangban"]).post(url).status_code == 409


def test_inbox_lists_decision_steps_for_the_right_people(org, api):
    pk = submit(api, org["dangban"])["id"]
    body = api(org["sj_b01"]).get("/api/v1/tasks/?flow=decision").json()
    assert body["count"] == 1
    task = body["results"][0]
    assert (task["step"], task["subject_id"], task["assigned_to"]) == ("branch_review", pk, "sj_b01")
    assert task["title"].startswith("党支部前置研究")
    assert api(org["sj_b02"]).get("/api/v1/tasks/?flow=decision").json()["count"] == 0
    done = api(org["sj_b01"]).post(f"/api/v1/tasks/{task['id']}/complete/", {"opinion": "approve"}, format="json")
    assert done.json()["subject"]["status"] == "risk_assessment"
    assert api(org["dangban"]).get("/api/v1/tasks/?step=risk_assessment").json()["count"] == 1
