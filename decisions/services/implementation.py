"""执行与督办: the proposer reports progress until the item is done and archived."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from workflows.audit import audit_context
from workflows.exceptions import Conflict
from workflows.models import User
from workflows.records import record_save

from ..models import Decision, ImplementationReport


@transaction.atomic
def implementation_report_submit(*, decision: Decision, user: User, report: str,
                                 done: bool = False) -> ImplementationReport:
    if decision.status != Decision.Status.IMPLEMENTING:
        raise Conflict("该议题当前不在执行阶段。")
    if not report.strip():
        raise ValidationError({"report": ["请填写执行情况。"]})
    with audit_context(actor=user, reason="执行完毕，归档" if done else "执行进展报告"):
        return record_save(ImplementationReport(decision=decision, report=report, done=bool(done), author=user))
