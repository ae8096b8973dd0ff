"""`{% urge_button process user as url %}`: the step bar's 催办 link for those who may urge."""

from django import template
from django.urls import reverse

from ...tasks import open_tasks
from ..urge import may_urge

register = template.Library()


@register.simple_tag
def urge_button(process, user) -> str:
    if not getattr(process, "pk", None) or not getattr(user, "is_authenticated", False):
        return ""
    task = open_tasks(process).filter(flow_task_type="HUMAN").select_related("process").order_by("pk").first()
    return reverse("workbench:urge", args=[process.pk]) if task is not None and may_urge(user, task) else ""
