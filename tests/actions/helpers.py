from workflows.models import RoleGrant
from workflows.org.permissions import sync_user_permissions


def grant(user, role):
    RoleGrant.objects.create(user=user, role=role)
    sync_user_permissions(user)
    user.refresh_from_db()
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache", "_viewflow_per_object_perm_cache"):
        user.__dict__.pop(cache, None)
    return user
