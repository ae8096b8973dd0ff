"""The one permission layer.

Role grants are the source of truth. `sync_user_permissions` turns them into Django
groups (hospital-wide roles) and guardian object permissions on units (branch roles);
`can(user, action, obj)` answers every "may this user do X to this object" question for
views, API and flows alike. Domain apps add their own rules with `@rule("app.action")`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from guardian.models import UserObjectPermission

from .roles import GLOBAL_ROLE_PERMISSIONS, UNIT_ROLE_PERMISSIONS, UNIT_ROLES, Role

_RULES: dict[str, Callable] = {}

# Actions that change something; auditors are refused all of them whatever a rule says.
WRITE_ACTIONS: set[str] = set()


def rule(action: str, *, write: bool = True):
    """Register the predicate `func(user, obj) -> bool` answering `action`."""

    def decorator(func):
        _RULES[action] = func
        if write:
            WRITE_ACTIONS.add(action)
        return func

    return decorator


def can(user, action: str, obj=None) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if action in WRITE_ACTIONS and is_read_only(user):
        return False
    try:
        predicate = _RULES[action]
    except KeyError:
        raise LookupError(f"No permission rule for {action!r}") from None
    return bool(predicate(user, obj))


def require(user, action: str, obj=None, *, hide: bool = False):
    """Raise PermissionDenied (or Http404 when `hide`) unless `can(...)`."""
    if not can(user, action, obj):
        if hide:
            raise Http404
        raise PermissionDenied


# --- roles -------------------------------------------------------------------------------


def role_codes(user) -> set[str]:
    """Role codes the user holds anywhere (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_role_codes_cache", None)
    if cached is None:
        cached = set(user.role_grants.values_list("role", flat=True))
        if Role.PARTY_SECRETARY in cached:
            cached.add(Role.COMMITTEE_MEMBER)
        user._role_codes_cache = cached
    return cached


def has_role(user, role: str, unit=None) -> bool:
    if unit is None:
        return role in role_codes(user)
    return user.role_grants.filter(role=role, unit=unit).exists()


def is_read_only(user) -> bool:
    """Auditors change nothing, even if they hold another role by mistake."""
    return Role.AUDITOR in role_codes(user)


def is_committee_member(user) -> bool:
    return bool(role_codes(user) & {Role.COMMITTEE_MEMBER, Role.PARTY_SECRETARY})


def units_led_by(user):
    from .models import Unit

    return Unit.objects.filter(rolegrant__user=user, rolegrant__role=Role.BRANCH_SECRETARY)


# --- deriving groups and object permissions from grants ----------------------------------


def ensure_role_groups() -> dict[str, Group]:
    """Create one group per hospital-wide role, holding that role's permissions."""
    from .models import Unit

    content_type = ContentType.objects.get_for_model(Unit)
    groups = {}
    for role, codenames in GLOBAL_ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=f"role:{role}")
        wanted = set(Permission.objects.filter(content_type=content_type, codename__in=codenames))
        if set(group.permissions.all()) != wanted:
            group.permissions.set(wanted)
        groups[role] = group
    return groups


@transaction.atomic
def sync_user_permissions(user, groups: dict[str, Group] | None = None) -> None:
    """Make the user's groups and unit object permissions match their role grants."""
    from .models import Unit

    groups = groups or ensure_role_groups()
    grants = list(user.role_grants.all())
    held_global = {g.role for g in grants if g.role not in UNIT_ROLES}
    if Role.PARTY_SECRETARY in held_global:
        held_global.add(Role.COMMITTEE_MEMBER)
    wanted_groups = {groups[r] for r in held_global if r in groups}
    current_role_groups = set(user.groups.filter(name__startswith="role:"))
    if wanted_groups != current_role_groups:
        user.groups.remove(*(current_role_groups - wanted_groups))
        user.groups.add(*(wanted_groups - current_role_groups))

    content_type = ContentType.objects.get_for_model(Unit)
    perms_by_codename = {
        p.codename: p for p in Permission.objects.filter(content_type=content_type)
    }
    wanted = set()
    for grant in grants:
        for codename in UNIT_ROLE_PERMISSIONS.get(grant.role, ()):
            wanted.add((perms_by_codename[codename].pk, str(grant.unit_id)))
    existing = {
        (row.permission_id, row.object_pk): row.pk
        for row in UserObjectPermission.objects.filter(user=user, content_type=content_type)
    }
    stale = [pk for key, pk in existing.items() if key not in wanted]
    if stale:
        UserObjectPermission.objects.filter(pk__in=stale).delete()
    UserObjectPermission.objects.bulk_create(
        [
            UserObjectPermission(user=user, content_type=content_type, permission_id=perm_id, object_pk=obj_pk)
            for perm_id, obj_pk in wanted - set(existing)
        ]
    )
    for attr in ("_role_codes_cache", "_perm_cache", "_user_perm_cache", "_group_perm_cache",
                 "_viewflow_per_object_perm_cache"):
        user.__dict__.pop(attr, None)


# --- organisation rules ------------------------------------------------------------------


@rule("workflows.view_unit", write=False)
def _may_view_unit(user, unit) -> bool:
    if user.has_perm("workflows.oversee_organisation"):
        return True
    return user.has_perm("workflows.belong_to_unit", unit) or user.has_perm("workflows.view_unit_business", unit)


@rule("workflows.lead_unit")
def _may_lead_unit(user, unit) -> bool:
    return user.has_perm("workflows.lead_unit", unit)


@rule("workflows.run_office")
def _may_run_office(user, obj=None) -> bool:
    return user.has_perm("workflows.run_office")


@rule("workflows.run_elections")
def _may_run_elections(user, obj=None) -> bool:
    return user.has_perm("workflows.run_elections")


@rule("workflows.read_audit", write=False)
def _may_read_audit(user, obj=None) -> bool:
    return user.has_perm("workflows.read_audit")


@rule("workflows.oversee_organisation", write=False)
def _may_oversee(user, obj=None) -> bool:
    return user.has_perm("workflows.oversee_organisation")


@rule("workflows.postpone_term")
def _may_postpone_term(user, unit=None) -> bool:
    """Organization staff record the committee's approval of a postponement (延期换届)."""
    return user.has_perm("workflows.run_elections")
