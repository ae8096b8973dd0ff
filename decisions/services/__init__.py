"""Writes of the decisions app, one module per part of the route; every rule is enforced here.

proposal (申报/修改/撤回) → review (前置研究, 专家, 风险, 合法性审查, 院长办公会, 沟通, 审定) → meeting (通知, 出席) →
voting (表决, 末位表态) → minutes (纪要) → implementation (执行督办); urgent (事后报告) joins at the meeting. Step services are called
by the flow nodes in `decisions/flows.py`; the others by views, API and the demo.
"""

from .implementation import implementation_report_submit
from .meeting import meeting_attendance, meeting_schedule
from .minutes import minutes_approve, minutes_correct, minutes_draft
from .proposal import decision_revise, decision_submit, decision_withdraw
from .review import (
    decision_agenda_review,
    decision_branch_review,
    decision_communicate,
    decision_expert_opinion,
    decision_expert_review_close,
    decision_organization_review,
    decision_risk_assessment,
)
from .urgent import decision_urgent_confirm, decision_urgent_report
from .voting import vote_cast, vote_cast_last

__all__ = [
    "decision_agenda_review", "decision_branch_review", "decision_communicate", "decision_expert_opinion",
    "decision_expert_review_close", "decision_organization_review", "decision_revise", "decision_risk_assessment",
    "decision_submit", "decision_urgent_confirm", "decision_urgent_report", "decision_withdraw", "implementation_report_submit", "meeting_attendance",
    "meeting_schedule", "minutes_approve", "minutes_correct", "minutes_draft", "vote_cast", "vote_cast_last",
]
