"""Which steps of a decision and a meeting take files, and who may upload to them now (附件)."""

from __future__ import annotations

from workflows.materials.registry import UploadStep
from workflows.tasks import open_tasks, process_for

DECISION_STEPS = {"proposal": "申报材料", "expert_opinion": "专家书面意见", "legal_opinion": "法律意见书",
                  "evidence": "执行佐证材料"}
MEETING_STEPS = {"meeting_pack": "会议材料"}
# The proposal may be supplemented until its review is done (and again while it is being revised).
_PROPOSAL_TASKS = ("revise", "branch_review", "organization_review")


def _open_tasks_by_step(subject) -> dict[str, list]:
    tasks: dict[str, list] = {}
    for task in open_tasks(process_for(subject)).order_by("pk"):
        if task.flow_task is not None:
            tasks.setdefault(task.flow_task.name, []).append(task)
    return tasks


def decision_upload_steps(decision, user) -> list[UploadStep]:
    """The proposer on the proposal and on the execution evidence; each expert on their own opinion;
    the legal counsel on the legal opinion while 合法性审查 is open."""
    tasks = _open_tasks_by_step(decision)
    steps = []
    if decision.proposer_id == user.pk:
        review = next((t for name in _PROPOSAL_TASKS for t in tasks.get(name, [])), None)
        if review is not None:
            steps.append(UploadStep("proposal", DECISION_STEPS["proposal"], review))
        implement = next(iter(tasks.get("implement", [])), None)
        if implement is not None:
            steps.append(UploadStep("evidence", DECISION_STEPS["evidence"], implement))
    opinion = next((t for t in tasks.get("expert_review", []) if t.owner_id == user.pk), None)
    if opinion is not None:
        steps.append(UploadStep("expert_opinion", DECISION_STEPS["expert_opinion"], opinion))
    legal = next(iter(tasks.get("legal_review", [])), None)
    if legal is not None and legal.owner_id in (None, user.pk) and user.has_perm("workflows.give_legal_opinion"):
        steps.append(UploadStep("legal_opinion", DECISION_STEPS["legal_opinion"], legal))
    return steps


def meeting_upload_steps(meeting, user) -> list[UploadStep]:
    """Office staff on the 会议材料 pack, until attendance is recorded (the meeting is held)."""
    if not user.has_perm("workflows.run_office"):
        return []
    attendance = next(iter(_open_tasks_by_step(meeting).get("attendance", [])), None)
    return [UploadStep("meeting_pack", MEETING_STEPS["meeting_pack"], attendance)] if attendance else []


def meeting_pack_uploaded(attachment, user) -> None:
    """A new file of the 会议材料 pack goes to every committee member with the whole pack as links."""
    from workflows.materials.selectors import attachment_links
    from workflows.notifications import notify

    from . import selectors
    from .models import Meeting

    meeting = Meeting.objects.get(pk=attachment.subject_id)
    notify(recipients=list(selectors.committee_members()), kind="meeting_materials",
           context={"meeting": meeting, "attachment": attachment, "materials": attachment_links(meeting)},
           url=f"/decisions/meetings/{meeting.pk}/")
