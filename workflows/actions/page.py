"""The actions area of the task page (below the step form): 转办, 加签, 抄送, 催办 and the asks' answers."""

from ..tasks import OPEN_STATUSES
from ..tasks.selectors import acting_for
from ..tasks.standins import principal_of
from .cc import may_copy
from .consult import may_consult
from .forms import ConsultForm, CopyForm, ReassignForm, UrgeForm
from .models import Consultation
from .reassign import may_hand_on
from .urge import may_urge, next_urge_at


def task_actions(task, user) -> dict:
    """Context of `task_actions/_area.html` for `user` on `task` (forms only for what they may do)."""
    is_open = task.status in OPEN_STATUSES
    consultations = list(Consultation.objects.filter(task=task).select_related("person", "asked_by"))
    principal = acting_for(user, task) if is_open else None
    return {
        "acting_for": principal or principal_of(task),
        "consultations": consultations,
        "consult_waiting": [c.person for c in consultations if c.status == Consultation.Status.OPEN] if is_open else [],
        "reassign_form": _reassign_form(task, user) if is_open else None,
        "consult_form": ConsultForm() if may_consult(user, task) else None,
        "cc_form": CopyForm() if may_copy(user, task) else None,
        "urge_form": UrgeForm() if is_open and may_urge(user, task) else None,
        "urge_again_at": next_urge_at(task) if is_open else None,
    }


def _reassign_form(task, user):
    """The 转办 form when the user may hand the task on and someone else may do the step."""
    if not may_hand_on(user, task):
        return None
    form = ReassignForm(task=task)
    return form if form.fields["to"].users() else None
