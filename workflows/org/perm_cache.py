"""Permission look-ups cached on the user object, so one request asks the database once.

A request loads its user once (`request.user`), so whatever is cached on that object lives for one
request, as Django's ModelBackend does with `_perm_cache`. Here that covers the role grants and the
guardian object permissions of a content type (all of them in one query: a person holds a handful).

Any change of grants, groups or object permissions in this process (a service, an import, a test)
bumps a generation counter; a cache from an older generation is dropped, with Django's own caches.
"""

from __future__ import annotations

import threading

from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.functional import LazyObject, empty

_DJANGO_CACHES = ("_perm_cache", "_user_perm_cache", "_group_perm_cache")
_lock = threading.Lock()
_generation = [0]


def grants_changed(**_kwargs) -> None:
    """Invalidate every user's cached permissions (signal receiver, also called directly)."""
    with _lock:
        _generation[0] += 1


def _instance(user):
    """The user object itself: `request.user` is a lazy wrapper, while rules and model methods see the user."""
    if isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        return user._wrapped
    return user


def cached(user, name: str, load):
    """`load()` once per user object and generation, kept on the user under `name`."""
    user = _instance(user)
    entry = user.__dict__.get("_grant_cache")
    if entry is None or entry[0] != _generation[0]:
        if entry is not None:
            for attr in _DJANGO_CACHES:
                user.__dict__.pop(attr, None)
        entry = (_generation[0], {})
        user.__dict__["_grant_cache"] = entry
    store = entry[1]
    if name not in store:
        store[name] = load()
    return store[name]


def object_grants(user) -> frozenset[tuple[str, int, str]]:
    """Every guardian object permission of the user, own or a group's: ("app.codename", content type id, object pk)."""
    from guardian.models import GroupObjectPermission, UserObjectPermission

    def load():
        fields = ("content_type__app_label", "permission__codename", "content_type_id", "object_pk")
        rows = UserObjectPermission.objects.filter(user=user).values_list(*fields).union(
            GroupObjectPermission.objects.filter(group__user=user).values_list(*fields))
        return frozenset((f"{app}.{codename}", content_type_id, pk) for app, codename, content_type_id, pk in rows)

    return cached(user, "object_grants", load)


def viewflow_object_perms(user) -> set[str]:
    """The same as viewflow's own task queue names them, "app.codename_pk"."""
    return {f"{perm}_{pk}" for perm, _content_type_id, pk in object_grants(user)}


def forget(user) -> None:
    """Drop the user's cached permissions now (Django's included)."""
    user = _instance(user)
    for attr in ("_grant_cache", *_DJANGO_CACHES):
        user.__dict__.pop(attr, None)


def connect() -> None:
    """Bump the generation whenever grants, groups or permissions change (AppConfig.ready)."""
    from guardian.models import GroupObjectPermission, UserObjectPermission

    from ..models import RoleGrant, User

    for model in (RoleGrant, UserObjectPermission, GroupObjectPermission):
        post_save.connect(grants_changed, sender=model, dispatch_uid=f"perm_cache_save_{model.__name__}")
        post_delete.connect(grants_changed, sender=model, dispatch_uid=f"perm_cache_delete_{model.__name__}")
    m2m_changed.connect(grants_changed, sender=User.groups.through, dispatch_uid="perm_cache_user_groups")
    m2m_changed.connect(grants_changed, sender=Group.permissions.through, dispatch_uid="perm_cache_group_perms")
