"""Who may claim a pool task, asked both ways: the one rule behind the inbox, the notices and 转办.

A pool task is an open (NEW) human task with no owner, waiting on `owner_permission` ("app.codename"),
for a unit's step on an object too (`owner_permission_content_type`, `owner_permission_obj_pk`).
It may be claimed by an active person who is not an auditor and holds that permission globally or on
that object, directly or through a group (Django groups, guardian object permissions), and by
superusers. A task without a permission is nobody's to claim.

- `may_claim_if_free(user, task)`: the rule for one pair, through `user.has_perm`;
- `claimable_by(user)`: the rule as task filters (the inbox), one per permission the user holds, so
  that each arm is served by an index (the partial index `task_pool_permission` on open
  unassigned human tasks, migration workflows 0010: permission, content type, object) and the query
  costs the user's tasks, not the pool's; the arms are disjoint, and each is counted from that index
  alone (the inbox's count, `selectors.InboxQuerySet`);
- `claimants(task)`: the rule as one query over people (task notices, 转办 candidates).
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from guardian.models import GroupObjectPermission, UserObjectPermission
from viewflow.workflow.status import STATUS

from ..org.perm_cache import object_grants
from ..org.permissions import is_read_only
from ..org.roles import Role

OPEN_UNASSIGNED = Q(owner__isnull=True, status=STATUS.NEW, flow_task_type="HUMAN")  # the partial index's predicate


def may_claim_if_free(user, task) -> bool:
    if is_read_only(user) or not task.owner_permission:
        return False
    obj = task.owner_permission_obj if task.owner_permission_obj_pk else None
    return user.has_perm(task.owner_permission, obj) or user.has_perm(task.owner_permission)


def claimable_by(user) -> list[Q]:
    """Filters on Task whose union is the pool tasks `user` may claim (empty for auditors and the inactive)."""
    if not user.is_authenticated or not user.is_active or is_read_only(user):
        return []
    if user.is_superuser:
        return [OPEN_UNASSIGNED & Q(owner_permission__gt="")]
    arms = []
    held = user.get_all_permissions()
    if held:
        arms.append(OPEN_UNASSIGNED & Q(owner_permission__in=sorted(held)))
    on_objects = defaultdict(set)
    for perm, content_type_id, object_pk in object_grants(user):
        if perm not in held:
            on_objects[perm, content_type_id].add(object_pk)
    for (perm, content_type_id), object_pks in sorted(on_objects.items()):
        arms.append(OPEN_UNASSIGNED & Q(owner_permission=perm, owner_permission_obj_pk__in=sorted(object_pks),
                                        owner_permission_content_type_id=content_type_id))
    return arms


def _perm_filter(perm: str, prefix: str = "permission__") -> Q:
    app_label, codename = perm.split(".", 1)
    return Q(**{f"{prefix}codename": codename, f"{prefix}content_type__app_label": app_label})


def users_with_perm(perm: str, obj=None, *, content_type_id=None, object_pk=None):
    """Active, non-auditor users holding `app.codename` globally or on `obj`, and superusers: one queryset.

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


def claimants(task):
    """Everyone who may claim `task` were it free (`may_claim_if_free`), as one queryset of people."""
    from ..models import User

    if not task.owner_permission:
        return User.objects.none()
    return users_with_perm(task.owner_permission, content_type_id=task.owner_permission_content_type_id,
                           object_pk=task.owner_permission_obj_pk or None)
