"""The step bar ("第N步/共M步 · 状态 · 等待：谁 · 期限"), the phone-first task page and the readable diagram."""

import re

import pytest
import time_machine
from django.utils import timezone

from decisions.models import Decision
from tests.decisions.helpers import START, do, open_tasks, schedule, submit, task_for, to_awaiting_meeting
from workflows.tasks import process_for, task_due
from workflows.tasks.diagram import process_diagram_svg
from workflows.tasks.stepbar import step_bar, step_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _due_text(task):
    return f"期限 {timezone.localtime(task_due(task)):%m-%d}"


def test_decision_at_branch_review_shows_step_status_who_and_due(org, api, web):
    decision = Decision.objects.get(pk=submit(api, org["sj_b01"])["id"])
    task = task_for(decision, "branch_review")
    bar = step_bar(process_for(decision))

    assert bar.text.startswith("第2步/共13步 · 党支部前置研究")
    assert f"等待：{org['sj_b01'].name}" in bar.text
    assert _due_text(task) in bar.text
    page = web(org["sj_b01"]).get(f"/decisions/{decision.pk}/").content.decode()
    assert "第2步/共13步" in page and f"等待：{org['sj_b01'].name}" in page and _due_text(task) in page


def test_unassigned_step_waits_for_the_role_and_rework_takes_the_number_it_returns_to(org, api):
    decision_id = submit(api, org["sj_b01"])["id"]
    do(api, org, decision_id, "branch_review", "sj_b01", {"opinion": "approve", "comment": "同意"})
    bar = step_bar(process_for(Decision.objects.get(pk=decision_id)))
    assert bar.number == 4 and "风险评估" in bar.text and "等待：党委办公室" in bar.text

    other_id = submit(api, org["sj_b01"], title="另一议题")["id"]
    do(api, org, other_id, "branch_review", "sj_b01", {"opinion": "return", "comment": "请补充方案"})
    bar = step_bar(process_for(Decision.objects.get(pk=other_id)))
    assert bar.text.startswith("第1步/共13步 · 退回修改 · 修改重报")
    assert f"等待：{org['sj_b01'].name}" in bar.text


def test_waiting_for_the_meeting_and_meeting_page_shows_its_own_bar(org, api, web, clock):
    decision_id = submit(api, org["sj_b01"])["id"]
    to_awaiting_meeting(api, org, decision_id)
    decision = Decision.objects.get(pk=decision_id)
    assert step_bar(process_for(decision)).text.startswith("第9步/共13步 · 待上会")

    meeting = schedule(api, org, [decision_id])
    meeting_page = web(org["dangban"]).get(f"/decisions/meetings/{meeting.pk}/").content.decode()
    assert "第2步/共5步" in meeting_page and "等待：党委办公室" in meeting_page
    assert step_order(process_for(meeting).flow_class).total == 5


def test_finished_process_says_so():
    assert step_bar(None) is None


def test_task_page_puts_the_form_first_with_big_unselected_choices(org, api, web):
    decision = Decision.objects.get(pk=submit(api, org["sj_b01"], summary="门诊楼二层改造方案")["id"])
    task = task_for(decision, "branch_review")
    page = web(org["sj_b01"]).get(f"/workbench/tasks/{task.pk}/").content.decode()

    form_at = page.index('class="hp-form hp-stepform"')
    assert form_at < page.index("门诊楼二层改造方案") and form_at < page.index("办理过程")
    assert re.search(r'<details class="hp-fold[^"]*"><summary>事项材料</summary>', page)
    # the action choice is a row of submit buttons, none chosen; it asks to confirm first
    assert '<button type="submit" class="hp-btn hp-btn--big hp-btn--choice" name="opinion" value="approve">同意</button>' in page
    assert 'data-confirm="确认意见"' in page and "<dialog" in page
    assert "checked" not in page.split("hp-stepform", 1)[1].split("</form>", 1)[0]
    content = page.split('class="hp-content"', 1)[1]
    visible = re.sub(r"<(script|svg|style)\b.*?</\1>|<[^>]+>", " ", content, flags=re.S)
    assert "第2步/共13步" in visible and not re.search(r"\b[a-z]+_[a-z_]+\b", visible)


def test_a_tapped_button_posts_without_javascript_and_errors_keep_in_form_choices(org, api, web):
    decision_id = submit(api, org["sj_b01"])["id"]
    do(api, org, decision_id, "branch_review", "sj_b01", {"opinion": "approve", "comment": "同意"})
    task = task_for(Decision.objects.get(pk=decision_id), "risk_assessment")
    client = web(org["dangban"])

    bad = client.post(f"/workbench/tasks/{task.pk}/", {"level": "medium", "notes": ""})
    body = bad.content.decode()
    assert bad.status_code == 400 and "请填写评估说明" in body
    assert '<input type="radio" name="level" value="medium" checked>' in body  # in-form choice kept
    assert 'name="level" value="low">' in body

    vote_decision = Decision.objects.get(pk=decision_id)
    assert open_tasks(vote_decision, "risk_assessment").exists()
    ok = client.post(f"/workbench/tasks/{task.pk}/", {"level": "low", "notes": "风险低"})
    assert ok.status_code == 302
    assert Decision.objects.get(pk=decision_id).status == "communicate"


def test_diagram_speaks_chinese_and_marks_the_current_step(org, api):
    decision = Decision.objects.get(pk=submit(api, org["sj_b01"])["id"])
    svg = str(process_diagram_svg(process_for(decision)))
    assert ">是</text>" in svg and ">否</text>" in svg
    assert ">yes<" not in svg and ">no<" not in svg
    assert re.search(r'<g id="branch_review"[^>]*class="current"', svg)
    assert re.search(r'<g id="submit"[^>]*class="done"', svg)
