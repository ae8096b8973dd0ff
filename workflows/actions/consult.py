"""加签: the holder of a review step asks named people for an advisory opinion before deciding.

The answers show on the step page. Completing the step while asks are open needs a reason
(`consult_skip_reason` in the step payload); the open asks are then closed with that reason.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ..audit import audit_context
from ..exceptions import Conflict
from ..models import User
from ..notifications import notify
from ..org.permissions import is_read_only
from ..records import record_save
from ..tasks import OPEN_STATUSES
from ..tasks.selectors import may_act_on
from .common import may_see_subject, names, notice_context, require_open, require_writer, task_url
from .models import Consultation

SKIP_FIELD = "consult_skip_reason"


def may_consult(user, task) -> bool:
    return (getattr(task.flow_task, "consultable", False) and task.status in OPEN_STATUSES
            and may_act_on(user, task))


def consultation_url(consultation) -> str:
    return f"/workbench/consultations/{consultation.pk}/"


def open_consultations(task):
    return Consultation.objects.filter(task=task, status=Consultation.Status.OPEN).select_related("person")


# Set in task.data when a step is first consulted (加签).
CONSULTED_FLAG = "consulted"


@transaction.atomic
def task_consult(*, task, user, people: list[User], question: str) -> list[Consultation]:
    """Ask each of `people` for an advisory opinion on the step `task`; they are told."""
    require_writer(user)
    with task.flow_task.flow_class.lock(task.process_id):
        task.refresh_from_db()
        require_open(task)
        if not getattr(task.flow_task, "consultable", False):
            raise Conflict(_("该步骤不能加签。"))
        if not may_act_on(user, task):
            raise PermissionDenied(_("只有该步骤的办理人可以加签。"))
        errors = {}
        if not (question or "").strip():
            errors["question"] = _("请填写征求意见的内容。")
        if not people:
            errors["to"] = _("请选择征求意见的对象。")
        unfit = [p for p in people if p.pk == user.pk or is_read_only(p) or not may_see_subject(p, task)]
        asked = [c.person for c in open_consultations(task).filter(person__in=people)]
        if unfit:
            errors["to"] = _("%s 无权查看该事项，不能加签。") % names(unfit)
        elif asked:
            errors["to"] = _("已向 %s 征求意见，尚未答复。") % names(asked)
        if errors:
            raise ValidationError(errors)
        question = question.strip()
        with audit_context(actor=user, reason=f"加签：{names(people)}"):
            asks = [record_save(Consultation(task=task, asked_by=user, person=p, question=question)) for p in people]
            if not (task.data or {}).get(CONSULTED_FLAG):  # lets completions of never-consulted steps skip the look-up
                task.data = {**(task.data or {}), CONSULTED_FLAG: True}
                task.save(update_fields=["data"])
            for ask in asks:
                notify(recipients=[ask.person], kind="task_consult",
                       context=notice_context(task, user, question=question), url=consultation_url(ask))
    return asks


@transaction.atomic
def consultation_answer(*, consultation: Consultation, user, answer: str) -> Consultation:
    """The asked person's advisory opinion (404 for anyone else; 409 once answered or the step is done)."""
    if consultation.person_id != user.pk:
        raise Http404
    task = consultation.task
    with task.flow_task.flow_class.lock(task.process_id):
        consultation = Consultation.objects.select_related("task", "asked_by").get(pk=consultation.pk)
        if consultation.status != Consultation.Status.OPEN:
            raise Conflict(_("该加签已答复或已结束。"))
        require_open(consultation.task)
        if not (answer or "").strip():
            raise ValidationError({"answer": _("请填写您的意见。")})
        consultation.answer, consultation.status = answer.strip(), Consultation.Status.ANSWERED
        consultation.answered_at = timezone.now()
        with audit_context(actor=user, reason="加签意见"):
            record_save(consultation)
            holder = consultation.task.owner or consultation.asked_by
            notify(recipients=[holder], kind="task_consult_answered",
                   context=notice_context(consultation.task, user, answer=consultation.answer),
                   url=task_url(consultation.task))
    return consultation


def task_consultations_check(*, task, user, data) -> None:
    """Completion check: open asks need `consult_skip_reason`; with one, they are closed with it."""
    if not (task.data or {}).get(CONSULTED_FLAG):
        return
    waiting = list(open_consultations(task))
    if not waiting:
        return
    reason = str((data or {}).get(SKIP_FIELD) or "").strip()
    if not reason:
        raise ValidationError({SKIP_FIELD: _("尚待 %s 答复加签意见：请等待答复，或填写不等待答复的理由后再办理。")
                               % names(c.person for c in waiting)})
    with audit_context(actor=user, reason=f"未等待加签答复：{reason}"):
        for ask in waiting:
            ask.status, ask.skip_reason = Consultation.Status.SKIPPED, reason
            record_save(ask)


def consultations_of(user):
    """Asks put to the user, open ones first, newest first."""
    return (Consultation.objects.filter(person=user).select_related("task", "task__process", "asked_by")
            .order_by("-status", "-created", "-pk"))
