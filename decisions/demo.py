"""Demo decisions and meetings for `make run`, driven through the real services and flows."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from workflows import tasks as task_service
from workflows.demo import register_demo
from workflows.models import Unit, User

from . import services
from .flows import DecisionFlow, MeetingFlow
from .models import Decision

COMMITTEE = ["shuji", "yuanzhang", "jiwei", *[f"weiyuan{i}" for i in range(1, 7)]]


def _user(username):
    return User.objects.get(username=username)


def _step(obj, node, username, data):
    task = task_service.open_tasks(task_service.process_for(obj), node).order_by("pk")
    user = _user(username)
    task = task.filter(owner=user).first() or task.filter(owner__isnull=True).first()
    task_service.task_complete(task=task, user=user, data=data)


def _submit(username, unit_code, **fields):
    unit = Unit.objects.get(code=unit_code)
    return services.decision_submit(user=_user(username), department_unit=unit, **fields)


def _to_agenda(decision, secretary):
    if decision.is_cadre_appointment():
        _step(decision, DecisionFlow.organization_review, "zuzhi",
              {"opinion": "approve", "comment": "考察合格", "discipline_opinion": "未发现党风廉政问题"})
    else:
        _step(decision, DecisionFlow.branch_review, secretary, {"opinion": "approve", "comment": "支委会研究同意"})
        decision.refresh_from_db()
        if decision.status == Decision.Status.EXPERT_REVIEW:
            for task in task_service.open_tasks(task_service.process_for(decision), DecisionFlow.expert_review):
                task_service.task_complete(task=task, user=task.owner,
                                           data={"opinion": "agree", "comment": "方案可行，建议实施"})
    _step(decision, DecisionFlow.risk_assessment, "dangban", {"level": "low", "notes": "经评估，意识形态等风险较低"})
    decision.refresh_from_db()
    if decision.legal_required:
        _step(decision, DecisionFlow.legal_review, "falv", {"opinion": "lawful", "comment": "经审查，符合法律法规和政策规定"})
    if decision.wants_office_meeting():
        _step(decision, DecisionFlow.office_meeting, "yuanzhang",
              {"held_on": timezone.localdate(), "conclusion": "support", "comment": "院长办公会研究同意，提请党委会决定"})
    _step(decision, DecisionFlow.communicate, "shuji", {"consensus": True, "notes": "书记与院长会前沟通一致"})
    _step(decision, DecisionFlow.agenda_review, "shuji", {"accept": True, "comment": "同意提交党委会"})
    decision.refresh_from_db()
    return decision


def _vote(decision, choices=None, *, stop_after=None):
    tasks = list(task_service.open_tasks(task_service.process_for(decision), DecisionFlow.vote).select_related("owner"))
    for n, task in enumerate(tasks):
        if stop_after is not None and n >= stop_after:
            return
        choice = (choices or {}).get(task.owner.username, "agree")
        task_service.task_complete(task=task, user=task.owner, data={"vote": choice, "comment": ""})


@register_demo(20)
@transaction.atomic
def demo_decisions(today):
    if Decision.objects.exists():
        return "三重一大：已有议题，跳过演示数据。"
    now = timezone.now()
    office = _user("dangban")

    # 1. just submitted: at the branch pre-review
    _submit("sj_b05", "b05", title="关于优化门诊预约流程的方案", category="major_matter",
            summary="拟上线分时段预约，减少患者等候。")

    # 2. a meeting held three weeks ago: one passed and done, one passed and being implemented, one rejected
    done = _to_agenda(_submit("dangban", "b01", title="关于修订科室绩效分配办法的议题", category="major_matter",
                              summary="调整绩效分配系数，向一线倾斜。"), "sj_b01")
    implementing = _to_agenda(_submit("dangban", "b10", title="关于购置64排CT的议题", category="large_fund",
                                      amount=2600000, summary="现有设备老化，拟公开招标采购。"), "sj_b10")
    rejected = _to_agenda(_submit("dangban", "b19", title="关于新建停车楼的议题", category="major_project",
                                  amount=18000000, summary="拟在院区东侧新建停车楼。"), "sj_b19")
    held = services.meeting_schedule(
        user=office, title="党委会（演示：已结束）", scheduled_at=now - timedelta(days=21), place="行政楼三楼会议室",
        agenda=[done.pk, implementing.pk, rejected.pk], now=now - timedelta(days=25))
    _step(held, MeetingFlow.attendance, "dangban", {"present": COMMITTEE[:-1], "absent": {"weiyuan6": "外出学习"},
                                          "recusals": {}})
    _vote(done)
    _step(done, DecisionFlow.secretary_vote, "shuji", {"vote": "agree", "comment": "同意"})
    _vote(implementing)
    _step(implementing, DecisionFlow.secretary_vote, "shuji", {"vote": "agree", "comment": "同意，抓紧实施"})
    _vote(rejected, dict.fromkeys(COMMITTEE[1:6], "disagree"))
    _step(rejected, DecisionFlow.secretary_vote, "shuji", {"vote": "disagree", "comment": "资金压力较大"})
    _step(held, MeetingFlow.minutes_draft, "dangban", {"text": "会议审议了三项议题，形成决定如下：……"})
    _step(held, MeetingFlow.minutes_approve, "shuji", {"approve": True, "comment": ""})
    _step(done, DecisionFlow.implement, "dangban", {"report": "新办法已印发执行。", "done": True})
    _step(implementing, DecisionFlow.implement, "dangban", {"report": "已完成招标文件编制。", "done": False})

    # 3. a meeting in session now: one item voted (waiting for the minutes), one still voting
    cadre = _to_agenda(_submit("dangban", "b28", title="关于张某某任外科主任的议题", category="cadre_appointment",
                               summary="经民主推荐和组织考察，拟任命。"), "sj_b28")
    voting = _to_agenda(_submit("dangban", "b37", title="关于开展医德医风专项整治的议题", category="major_matter",
                                summary="开展为期三个月的专项整治。"), "sj_b37")
    session = services.meeting_schedule(
        user=office, title="党委会（演示：进行中）", scheduled_at=now - timedelta(hours=1), place="行政楼三楼会议室",
        agenda=[cadre.pk, voting.pk], now=now - timedelta(days=4))
    _step(session, MeetingFlow.attendance, "dangban", {"present": COMMITTEE, "absent": {},
                                             "recusals": {str(cadre.pk): {"weiyuan3": "与被任命人系亲属"}}})
    _vote(cadre)
    _step(cadre, DecisionFlow.secretary_vote, "shuji", {"vote": "agree", "comment": "同意任命"})
    _vote(voting, stop_after=4)

    # 4. reviewed (legal review, then the president's office meeting), waiting for the next meeting, which
    #    also hears an urgent matter decided last week (事后报告)
    waiting = _to_agenda(_submit("sj_b46", "b46", title="关于建设互联网医院的议题", category="major_project",
                                 amount=3200000, summary="建设互联网诊疗平台。", needs_office_meeting=True), "sj_b46")
    urgent = services.decision_urgent_report(
        user=office, title="关于紧急采购防汛物资的事后报告", category="major_matter", department_unit=Unit.objects.get(code="b60"),
        summary="暴雨预警，书记、院长研究决定紧急采购沙袋、抽水泵等防汛物资。", amount=None,
        reason="红色暴雨预警，须当日完成采购", decided_on=today - timedelta(days=6))
    for confirmer in ("shuji", "yuanzhang"):
        _step(urgent, DecisionFlow.urgent_confirm, confirmer, {"agree": True, "comment": "情况属实"})
    services.meeting_schedule(user=office, title="党委会（演示：已通知）", scheduled_at=now + timedelta(days=5),
                              place="行政楼三楼会议室", agenda=[waiting.pk, urgent.pk])

    # 5. an item at the legal counsel's desk
    _step(_submit("dangban", "b55", title="关于合作共建医联体的议题", category="major_matter",
                  summary="与区卫生院签订医联体合作协议。", needs_legal_review=True), DecisionFlow.branch_review,
          "sj_b55", {"opinion": "approve", "comment": "支委会研究同意"})
    legal = Decision.objects.get(title="关于合作共建医联体的议题")
    _step(legal, DecisionFlow.risk_assessment, "dangban", {"level": "medium", "notes": "合作协议涉及资产使用"})
    return f"三重一大：已创建 {Decision.objects.count()} 个演示议题（含事后报告）和 3 次党委会。"
