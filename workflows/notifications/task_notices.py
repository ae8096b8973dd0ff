"""Every new human task is announced at once to whoever may do it.

`announce_task` is a post_save receiver on viewflow's Task (connected in WorkflowsConfig.ready):
when a human task is created, its owner, or for a pool task everyone who may claim it, gets
`task_assigned` (in-app and e-mail, with a link to the task page); the subject's unit's
group robots hear of it too. Only creation notifies, so a task is announced once: claiming,
starting or finishing it saves again without a notice. Start tasks are not human tasks, and
the person whose action created the task (the audit actor) is not told about it.

`task_recipients(task)` answers "who may claim this" like the inbox does (`user_queue` and
`may_claim_if_free`): active holders of the node's permission through their own or their
groups' permissions, globally or (guardian) on the task's object, superusers, never
auditors. It is one query, whatever the number of people.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from guardian.models import GroupObjectPermission, UserObjectPermission

from ..audit import current_actor
from ..org.roles import Role
from ..tasks.standins import delegates_of, is_personal
from .channels import channel_unit_of
from .service import notify

TASK_KIND = "task_assigned"


def _perm_filter(perm: str, prefix: str = "permission__") -> Q:
    app_label, codename = perm.split(".", 1)
    return Q(**{f"{prefix}codename": codename, f"{prefix}content_type__app_label": app_label})


def users_with_perm(perm: str, obj=None, *, content_type_id=None, object_pk=None):
    """Active, non-auditor users holding `app.codename` globally or on `obj`: one queryset.

    The object may be given as `content_type_id` and `object_pk` instead (no query to load it).
    """
    from ..models import RoleGrant, User

    user_perms = User.user_permissions.through.objects.filter(_perm_filter(perm)).values("user_id")
    group_perms = Group.permissions.through.objects.filter(_perm_filter(perm)).values("group_id")
    holders = Q(is_superuser=True) | Q(pk__in=user_perms) | Q(
        pk__in=User.groups.through.objects.filter(group_id__in=group_perms).values("user_id"))
    if obj is not None:
        content_type_id, object_pk = ContentType.objects.get_for_model(obj).pk, obj.pk
    if object_pk is not None:
        where = _perm_filter(perm) & Q(content_type_id=content_type_id, object_pk=str(object_pk))
        holders |= Q(pk__in=UserObjectPermission.objects.filter(where).values("user_id"))
        object_groups = GroupObjectPermission.objects.filter(where).values("group_id")
        holders |= Q(pk__in=User.groups.through.objects.filter(group_id__in=object_groups).values("user_id"))
    auditors = RoleGrant.objects.filter(role=Role.AUDITOR).values("user_id")
    return User.objects.filter(holders, is_active=True).exclude(pk__in=auditors).order_by("pk")


def task_recipients(task) -> list:
    """The owner of an assigned task, or everyone who may claim a pool task; plus the delegate of anyone
    of them away (委托), except for personal acts."""
    if task.owner_id:
        holders = [task.owner] if task.owner.is_active else []
    elif not task.owner_permission:
        return []
    else:
        holders = list(users_with_perm(task.owner_permission, content_type_id=task.owner_permission_content_type_id,
                                       object_pk=task.owner_permission_obj_pk or None))
    delegates = [] if is_personal(task) or not holders else list(delegates_of(holders).values())
    return list({user.pk: user for user in delegates + holders}.values())


def task_context(task) -> dict:
    from ..tasks import task_due, task_title

    return {"task": task, "title": task_title(task), "due": task_due(task),
            "pool": not task.owner_id}


def announce_task(sender, instance, created, **kwargs):
    """post_save receiver on Task: a new human task notifies who may do it."""
    if not created or instance.flow_task_type != "HUMAN" or instance.flow_task is None:
        return
    actor = current_actor()
    recipients = [u for u in task_recipients(instance) if getattr(actor, "pk", None) != u.pk]
    subject = instance.process.artifact if instance.process.artifact_object_id else None
    unit = channel_unit_of(subject)
    if not recipients and unit is None:
        return
    notify(recipients=recipients, kind=TASK_KIND, context=task_context(instance),
           url=f"/workbench/tasks/{instance.pk}/", unit=unit)
