"""Drive the decision and meeting flows through the public API, as a client would."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from decisions.models import Decision, Meeting
from workflows.tasks import process_for

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
COMMITTEE = ["shuji", "yuanzhang", "jiwei", *[f"weiyuan{i}" for i in range(1, 7)]]
OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def proposal(**overrides):
    data = {"title": "门诊楼改造项目", "category": "major_matter", "summary": "背景与方案：……",
            "department_unit": "b01", "amount": None, "needs_expert_review": False}
    data.update(overrides)
    return data


def submit(api, user, **overrides):
    response = api(user).post("/api/v1/decisions/", proposal(**overrides), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def open_tasks(obj, step):
    process = process_for(obj)
    return Task.objects.filter(process=process, flow_task__endswith=f".{step}", status__in=OPEN).order_by("pk")


def task_for(obj, step, user=None):
    tasks = open_tasks(obj, step)
    if user is not None:
        mine = [t for t in tasks if t.owner_id in (None, user.pk)]
        assert mine, f"no open {step} task for {user.username}"
        return mine[0]
    assert tasks.exists(), f"no open {step} task"
    return tasks.first()


def complete(api, user, task, payload):
    return api(user).post(f"/api/v1/tasks/{task.pk}/complete/", payload, format="json")


def do(api, org, obj, step, username, payload):
    user = org[username]
    if isinstance(obj, int):
        obj = Decision.objects.get(pk=obj)
    response = complete(api, user, task_for(obj, step, user), payload)
    assert response.status_code == 200, (step, username, response.json())
    return response.json()


def to_awaiting_meeting(api, org, decision_id, *, cadre=False, experts=False):
    """Run a submitted decision through every review step up to awaiting_meeting."""
    if cadre:
        do(api, org, decision_id, "organization_review", "zuzhi",
           {"opinion": "approve", "comment": "考察合格", "discipline_opinion": "无廉政问题"})
    else:
        do(api, org, decision_id, "branch_review", "sj_b01", {"opinion": "approve", "comment": "支委会同意"})
    if experts:
        for name in ("zhuanjia1", "zhuanjia2", "zhuanjia3"):
            do(api, org, decision_id, "expert_review", name, {"opinion": "agree", "comment": "可行"})
    do(api, org, decision_id, "risk_assessment", "dangban", {"level": "low", "notes": "意识形态风险低"})
    if Decision.objects.get(pk=decision_id).legal_required:
        do(api, org, decision_id, "legal_review", "falv", {"opinion": "lawful", "comment": "符合法律法规"})
    do(api, org, decision_id, "communicate", "shuji", {"consensus": True, "notes": "已与院长沟通"})
    do(api, org, decision_id, "agenda_review", "shuji", {"accept": True, "comment": ""})
    assert Decision.objects.get(pk=decision_id).status == "awaiting_meeting"


def schedule(api, org, agenda, *, at=None, urgent=False, urgent_reason=""):
    at = at or (START + timedelta(days=5))
    response = api(org["dangban"]).post("/api/v1/meetings/", {
        "title": "党委会", "scheduled_at": at.isoformat(), "place": "行政楼会议室", "agenda": agenda,
        "urgent": urgent, "urgent_reason": urgent_reason}, format="json")
    assert response.status_code == 201, response.json()
    return Meeting.objects.get(pk=response.json()["id"])


def attendance(api, org, meeting, present=None, absent=None, recusals=None):
    present = COMMITTEE if present is None else present
    absent = absent if absent is not None else {n: "出差" for n in COMMITTEE if n not in present}
    return complete(api, org["dangban"], task_for(meeting, "attendance"),
                    {"present": present, "absent": absent, "recusals": recusals or {}})


def vote_all(api, org, decision_id, choice="agree", skip=()):
    decision = Decision.objects.get(pk=decision_id)
    for task in open_tasks(decision, "vote"):
        if task.owner.username in skip:
            continue
        response = complete(api, task.owner, task, {"vote": choice, "comment": ""})
        assert response.status_code == 200, response.json()


def in_session(api, org, clock, agenda):
    """Schedule a meeting with `agenda`, move the clock to it and record everyone present."""
    meeting = schedule(api, org, agenda)
    clock.move_to(meeting.scheduled_at)
    response = attendance(api, org, meeting)
    assert response.status_code == 200, response.json()
    return meeting
