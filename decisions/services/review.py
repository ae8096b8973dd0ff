"""The review steps before the meeting: branch or organization review, experts, risks,
the secretary and president's communication and the agenda review."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from workflows.audit import audit_context
from workflows.exceptions import Conflict
from workflows.models import User
from workflows.notifications import notify
from workflows.org.permissions import require_perm
from workflows.records import audited, record_save
from workflows.tasks import open_tasks, process_lock, task_due

from ..models import Decision, Opinion


def _notify_returned(decision, opinion):
    notify(recipients=[decision.proposer], kind="decision_returned",
           context={"decision": decision, "opinion": opinion}, url=f"/decisions/{decision.pk}/")


def _review(*, decision, user, step, opinion, comment, discipline_opinion="", task=None) -> Opinion:
    if opinion == "return" and not comment.strip():
        raise ValidationError({"comment": ["退回时请填写理由。"]})
    label = dict(Opinion.Step.choices)[step]
    with audit_context(actor=user, reason=f"{label}：{'同意' if opinion == 'approve' else '退回'}"):
        record = record_save(Opinion(decision=decision, step=step, author=user, opinion=opinion, comment=comment,
                                     discipline_opinion=discipline_opinion, task_id=task.pk if task else None))
    if record.sends_back():
        _notify_returned(decision, record)
    return record


@transaction.atomic
def decision_branch_review(*, decision: Decision, user: User, opinion: str, comment: str = "",
                           task=None) -> Opinion:
    """党支部前置研究: the branch secretary approves, or returns the item with a reason."""
    return _review(decision=decision, user=user, step="branch_review", opinion=opinion, comment=comment, task=task)


@transaction.atomic
def decision_organization_review(*, decision: Decision, user: User, opinion: str, discipline_opinion: str,
                                 comment: str = "", task=None) -> Opinion:
    """组织考察 of a cadre appointment, with the discipline inspection's 党风廉政 opinion."""
    if not discipline_opinion.strip():
        raise ValidationError({"discipline_opinion": ["请填写纪检部门党风廉政意见。"]})
    return _review(decision=decision, user=user, step="organization_review", opinion=opinion, comment=comment,
                   discipline_opinion=discipline_opinion, task=task)


@transaction.atomic
@audited("专家论证意见")
def decision_expert_opinion(*, decision: Decision, user: User, opinion: str, comment: str, task=None) -> Opinion:
    if not comment.strip():
        raise ValidationError({"comment": ["请填写书面论证意见。"]})
    return record_save(Opinion(decision=decision, step="expert_review", author=user, opinion=opinion,
                               comment=comment, task_id=task.pk if task else None))


@transaction.atomic
@audited("专家论证逾期，党办关闭")
def decision_expert_review_close(*, decision: Decision, user: User) -> list[Opinion]:
    """After the deadline the office closes the expert review, recording who did not answer."""
    require_perm(user, "workflows.run_office")
    with process_lock(decision) as process:
        decision.refresh_from_db()
        pending = list(open_tasks(process, process.flow_class.expert_review)
                       .select_related("owner", "schedule").order_by("pk"))
        if decision.status != Decision.Status.EXPERT_REVIEW or not pending:
            raise Conflict("该议题当前不在专家论证阶段。")
        now = timezone.now()
        if any((task_due(task) or now) > now for task in pending):
            raise Conflict("专家论证期限未到，不能关闭。")
        records = []
        for task in pending:
            expert = task.owner
            records.append(record_save(Opinion(
                decision=decision, step="expert_review", author=user, opinion="no_answer", task_id=task.pk,
                comment=f"{expert.name or expert.username} 逾期未提交论证意见，由党委办公室关闭。")))
            activation = task.flow_task.activation_class(task)
            activation.start(None)
            activation.execute()
    return records


@transaction.atomic
@audited("风险评估（含意识形态风险）")
def decision_risk_assessment(*, decision: Decision, user: User, level: str, notes: str, task=None) -> Opinion:
    if level not in Opinion.Level.values:
        raise ValidationError({"level": ["风险等级须为低、中或高。"]})
    return record_save(Opinion(decision=decision, step="risk_assessment", author=user, level=level, comment=notes,
                               task_id=task.pk if task else None))


LEGAL_CONCLUSIONS = {"lawful": "合法", "conditional": "附条件合法", "unlawful": "不合法"}
OFFICE_CONCLUSIONS = {"support": "同意提请党委会研究", "revise": "退回修改"}


@transaction.atomic
def decision_legal_review(*, decision: Decision, user: User, opinion: str, comment: str, task=None) -> Opinion:
    """合法性审查 by the legal counsel; `unlawful` sends the item back to the proposer."""
    if opinion not in LEGAL_CONCLUSIONS:
        raise ValidationError({"opinion": ["审查结论须为合法、附条件合法或不合法。"]})
    if not comment.strip():
        raise ValidationError({"comment": ["请填写书面审查意见。"]})
    with audit_context(actor=user, reason=f"合法性审查：{LEGAL_CONCLUSIONS[opinion]}"):
        record = record_save(Opinion(decision=decision, step="legal_review", author=user, opinion=opinion,
                                     comment=comment, task_id=task.pk if task else None))
    if record.sends_back():
        _notify_returned(decision, record)
    return record


@transaction.atomic
def decision_office_meeting(*, decision: Decision, user: User, held_on, conclusion: str, comment: str,
                            task=None) -> Opinion:
    """院长办公会研究: the president records when it met and its conclusion; `revise` sends the item back."""
    errors = {}
    if held_on is None or held_on > timezone.localdate():
        errors["held_on"] = ["院长办公会召开日期不能晚于今天。"]
    if conclusion not in OFFICE_CONCLUSIONS:
        errors["conclusion"] = ["研究结论须为同意或退回修改。"]
    if not comment.strip():
        errors["comment"] = ["请填写院长办公会意见。"]
    if errors:
        raise ValidationError(errors)
    with audit_context(actor=user, reason=f"院长办公会研究：{OFFICE_CONCLUSIONS[conclusion]}"):
        record = record_save(Opinion(decision=decision, step="office_meeting", author=user, opinion=conclusion,
                                     held_on=held_on, comment=comment, task_id=task.pk if task else None))
    if record.sends_back():
        _notify_returned(decision, record)
    return record


@transaction.atomic
def decision_communicate(*, decision: Decision, user: User, consensus: bool, notes: str = "",
                         task=None) -> Opinion:
    if consensus is None:
        raise ValidationError({"consensus": ["请选择书记与院长是否达成一致。"]})
    if not consensus and not notes.strip():
        raise ValidationError({"notes": ["未达成一致时请说明分歧。"]})
    with audit_context(actor=user, reason="书记院长会前沟通" + ("：达成一致" if consensus else "：未达成一致")):
        record = record_save(Opinion(decision=decision, step="communicate", author=user, consensus=consensus,
                                     opinion="agree" if consensus else "disagree", comment=notes,
                                     task_id=task.pk if task else None))
    if record.sends_back():
        _notify_returned(decision, record)
    return record


@transaction.atomic
def decision_agenda_review(*, decision: Decision, user: User, accept: bool, comment: str = "",
                           task=None) -> Opinion:
    if not accept and not comment.strip():
        raise ValidationError({"comment": ["退回时请填写理由。"]})
    with audit_context(actor=user, reason="议题审定" + ("：列入议程" if accept else "：退回")):
        record = record_save(Opinion(decision=decision, step="agenda_review", author=user,
                                     opinion="accept" if accept else "return", comment=comment,
                                     task_id=task.pk if task else None))
    if record.sends_back():
        _notify_returned(decision, record)
    return record
