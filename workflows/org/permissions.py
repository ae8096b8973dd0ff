"""The one permission vocabulary: `user.has_perm("app.perm", obj)`, everywhere.

Role grants are the source of truth. `sync_user_permissions` turns them into Django
groups (hospital-wide roles) and guardian object permissions on units (branch roles).
Rules that are more than a role (who may propose for which branch, who sees an item) are
`rules` predicates registered with `add_rule`, answered by rules' object-permission backend.
`AuditorVetoBackend` refuses auditors every write permission. Views, API, templates,
flows and services all ask `user.has_perm`; `require_perm` raises 403/404.
"""

from __future__ import annotations

import functools

import rules
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404
from guardian.backends import ObjectPermissionBackend
from guardian.models import GroupObjectPermission, UserObjectPermission

from . import perm_cache
from .roles import GLOBAL_ROLE_PERMISSIONS, UNIT_ROLE_PERMISSIONS, UNIT_ROLES, Role

# Permissions that only read; auditors are refused every other one (see AuditorVetoBackend).
READ_PERMS: set[str] = set()
READ_CODENAMES = {"read_audit", "oversee_organisation", "belong_to_unit", "view_unit_business"}


def add_rule(name: str, predicate, *, write: bool = True) -> None:
    """Register `name` ("app.action") with the rules backend: `user.has_perm(name, obj)` asks `predicate`."""
    rules.add_perm(name, rules.is_active & predicate)
    if not write:
        READ_PERMS.add(name)


def is_write_perm(perm: str) -> bool:
    codename = perm.rpartition(".")[2]
    return perm not in READ_PERMS and codename not in READ_CODENAMES and not codename.startswith("view_")


class AuditorVetoBackend:
    """First authentication backend: auditors (纪检/审计) read, and never write, whatever else they hold.

    Raising PermissionDenied makes `user.has_perm` answer False without asking later backends.
    """

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user, perm, obj=None):
        if is_write_perm(perm) and is_read_only(user):
            raise PermissionDenied
        return False


class GuardianObjectBackend(ObjectPermissionBackend):
    """guardian's object permissions, asked only about objects of the permission's own app.

    guardian raises WrongAppError for e.g. `has_perm("decisions.propose", unit)`; such a
    question is for the rules backend, so this one simply has no answer. The user's object
    permissions of a content type are loaded once per request (perm_cache), in one query.
    """

    def has_perm(self, user_obj, perm, obj=None):
        if obj is None or not isinstance(obj, models.Model):
            return False
        if "." in perm and perm.partition(".")[0] != obj._meta.app_label:
            return False
        if not user_obj.is_authenticated or not user_obj.is_active:
            return False
        if user_obj.is_superuser:
            return super().has_perm(user_obj, perm, obj)
        return perm.rpartition(".")[2] in object_perms(user_obj, obj).get(str(obj.pk), ())


def object_perms(user, obj) -> dict[str, set[str]]:
    """{object pk: permission codenames} the user holds (directly or through a group) on objects of obj's type."""
    content_type = ContentType.objects.get_for_model(obj)

    def load():
        held: dict[str, set[str]] = {}
        rows = UserObjectPermission.objects.filter(user=user, content_type=content_type).values_list(
            "object_pk", "permission__codename").union(
            GroupObjectPermission.objects.filter(group__user=user, content_type=content_type).values_list(
                "object_pk", "permission__codename"))
        for object_pk, codename in rows:
            held.setdefault(object_pk, set()).add(codename)
        return held

    return perm_cache.cached(user, f"object_perms:{content_type.pk}", load)


@functools.cache
def _model_perms() -> frozenset[str]:
    from django.apps import apps

    names = set()
    for model in apps.get_models():
        opts = model._meta
        names.update(f"{opts.app_label}.{action}_{opts.model_name}" for action in opts.default_permissions)
        names.update(f"{opts.app_label}.{codename}" for codename, _ in opts.permissions)
    return frozenset(names)


def require_perm(user, perm: str, obj=None, *, hide: bool = False) -> None:
    """Raise PermissionDenied (or Http404 when `hide`) unless `user.has_perm(perm, obj)`.

    An unknown permission name is a programming error (LookupError), not a silent refusal.
    """
    if not rules.perm_exists(perm) and perm not in _model_perms():
        raise LookupError(f"No permission named {perm!r}")
    if not user.has_perm(perm, obj):
        if hide:
            raise Http404
        raise PermissionDenied


# --- roles -------------------------------------------------------------------------------


def role_grant_keys(user) -> frozenset[tuple[str, int | None]]:
    """(role, unit id) of every grant the user holds (one query per request, perm_cache)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return perm_cache.cached(user, "role_grants", lambda: frozenset(user.role_grants.values_list("role", "unit_id")))


def role_codes(user) -> set[str]:
    """Role codes the user holds anywhere (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return set()

    def load():
        codes = {role for role, _unit in role_grant_keys(user)}
        if Role.PARTY_SECRETARY in codes:
            codes.add(Role.COMMITTEE_MEMBER)
        return frozenset(codes)

    return set(perm_cache.cached(user, "role_codes", load))


def has_role(user, role: str, unit=None) -> bool:
    if unit is None:
        return role in role_codes(user)
    return (role, getattr(unit, "pk", unit)) in role_grant_keys(user)


def is_read_only(user) -> bool:
    """Auditors change nothing, even if they hold another role by mistake."""
    return Role.AUDITOR in role_codes(user)


def is_committee_member(user) -> bool:
    return bool(role_codes(user) & {Role.COMMITTEE_MEMBER, Role.PARTY_SECRETARY})


def units_led_by(user):
    from ..models import Unit

    return Unit.objects.filter(rolegrant__user=user, rolegrant__role=Role.BRANCH_SECRETARY)


# --- deriving groups and object permissions from grants ----------------------------------


def ensure_role_groups() -> dict[str, Group]:
    """Create one group per hospital-wide role, holding that role's permissions."""
    from ..models import Unit

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
    from ..models import Unit

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
    perm_cache.grants_changed()  # bulk_create sends no signal
    perm_cache.forget(user)


# --- organisation rules ------------------------------------------------------------------


@rules.predicate
def _may_view_unit(user, unit) -> bool:
    if user.has_perm("workflows.oversee_organisation"):
        return True
    return user.has_perm("workflows.belong_to_unit", unit) or user.has_perm("workflows.view_unit_business", unit)


@rules.predicate
def _may_postpone_term(user, unit=None) -> bool:
    """Organization staff record the committee's approval of a postponement (延期换届)."""
    return user.has_perm("workflows.run_elections")


@rules.predicate
def oversees_terms(user, obj=None) -> bool:
    """Term overview and reminder log: organization staff, the party secretary and auditors."""
    return bool(role_codes(user) & {Role.ORGANIZATION_STAFF, Role.PARTY_SECRETARY, Role.AUDITOR})


add_rule("workflows.see_unit", _may_view_unit, write=False)
add_rule("workflows.postpone_term", _may_postpone_term)
