"""加签 on a review step, and the task page's actions area."""

import pytest

from decisions.models import Decision
from tests.decisions.helpers import complete, do, submit, task_for
from workflows.actions.models import Consultation
from workflows.models import Notification

pytestmark = pytest.mark.django_db

REVIEW = {"opinion": "approve", "comment": "支委会同意"}


@pytest.fixture
def review(org, api, clock):
    decision = Decision.objects.get(pk=submit(api, org["sj_b01"])["id"])
    return decision, task_for(decision, "branch_review")


def consult(api, user, task, to, question="请就预算提出意见"):
    return api(user).post(f"/api/v1/tasks/{task.pk}/consult/", {"to": to, "question": question}, format="json")


def test_ask_answer_then_decide(org, api, review):
    decision, task = review
    asked = consult(api, org["sj_b01"], task, ["jiwei"])
    assert asked.status_code == 201, asked.json()
    ask = Consultation.objects.get()
    assert Notification.objects.filter(user=org["jiwei"], kind="task_consult").exists()
    waiting = complete(api, org["sj_b01"], task, REVIEW)
    assert waiting.status_code == 400
    assert "尚待 赵纪委 答复" in waiting.json()["errors"]["consult_skip_reason"][0]
    assert Decision.objects.get(pk=decision.pk).status == "branch_review"
    assert api(org["weiyuan1"]).post(f"/api/v1/consultations/{ask.pk}/answer/", {"answer": "x"},
                                     format="json").status_code == 404
    assert api(org["jiwei"]).post(f"/api/v1/consultations/{ask.pk}/answer/", {"answer": ""},
                                  format="json").status_code == 400
    answered = api(org["jiwei"]).post(f"/api/v1/consultations/{ask.pk}/answer/", {"answer": "预算合理"}, format="json")
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    assert api(org["jiwei"]).post(f"/api/v1/consultations/{ask.pk}/answer/", {"answer": "again"},
                                  format="json").status_code == 409
    assert api(org["jiwei"]).get("/api/v1/consultations/").json()["count"] == 1
    assert complete(api, org["sj_b01"], task, REVIEW).status_code == 200
    ask.refresh_from_db()
    assert [h.history_change_reason for h in ask.history.order_by("history_date")] == ["加签：赵纪委", "加签意见"]


def test_proceed_without_waiting_needs_a_reason(org, api, review):
    _decision, task = review
    consult(api, org["sj_b01"], task, ["jiwei", "shuji"])
    response = complete(api, org["sj_b01"], task, {**REVIEW, "consult_skip_reason": "时间紧，先行上报"})
    assert response.status_code == 200, response.json()
    assert set(Consultation.objects.values_list("status", "skip_reason")) == {("skipped", "时间紧，先行上报")}


def test_who_may_ask_and_whom(org, api, review):
    decision, task = review
    assert consult(api, org["sj_b02"], task, ["jiwei"]).status_code == 403
    blind = consult(api, org["sj_b01"], task, ["outsider"])
    assert blind.status_code == 400 and "无权查看" in blind.json()["errors"]["to"][0]
    assert consult(api, org["sj_b01"], task, ["jiwei"], question="").status_code == 400
    assert consult(api, org["sj_b01"], task, []).status_code == 400
    assert not Consultation.objects.exists()
    do(api, org, decision.pk, "branch_review", "sj_b01", REVIEW)
    risk = task_for(Decision.objects.get(pk=decision.pk), "risk_assessment")
    assert consult(api, org["dangban"], risk, ["jiwei"]).status_code == 201  # 风险评估 is a review step too
    communicate_step = consult(api, org["sj_b01"], risk, ["jiwei"])
    assert communicate_step.status_code == 403


def test_task_page_shows_the_actions_and_answers(org, api, web, review):
    _decision, task = review
    consult(api, org["sj_b01"], task, ["jiwei"])
    ask = Consultation.objects.get()
    api(org["jiwei"]).post(f"/api/v1/consultations/{ask.pk}/answer/", {"answer": "预算合理"}, format="json")
    html = web(org["sj_b01"]).get(f"/workbench/tasks/{task.pk}/").content.decode()
    assert "加签意见" in html and "预算合理" in html and "抄送" in html and "更多操作" in html


def test_pages_post_actions_with_errors_next_to_fields(org, web, review):
    _decision, task = review
    client = web(org["sj_b01"])
    bad = client.post(f"/workbench/tasks/{task.pk}/consult/", {"to__ids": "1", "question": ""})
    assert bad.status_code == 400 and "请填写征求意见的内容。" in bad.content.decode()
    ok = client.post(f"/workbench/tasks/{task.pk}/consult/", {"to__ids": "1", "to": str(org["jiwei"].pk),
                                                              "question": "请把关"})
    assert ok.status_code == 302
    ask = Consultation.objects.get()
    answer_page = web(org["jiwei"]).get(f"/workbench/consultations/{ask.pk}/")
    assert "请把关" in answer_page.content.decode()
    assert web(org["weiyuan1"]).get(f"/workbench/consultations/{ask.pk}/").status_code == 404
    client = web(org["sj_b01"])  # one test client: log the holder back in
    assert client.post(f"/workbench/tasks/{task.pk}/", {**REVIEW}).status_code == 400
    assert client.post(f"/workbench/tasks/{task.pk}/cc/", {"to__ids": "1", "to": str(org["outsider"].pk)}
                       ).status_code == 400
