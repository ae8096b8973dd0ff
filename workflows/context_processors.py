"""Template context every page of the shell needs."""

from .org.permissions import role_codes
from .org.roles import Role


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .notifications.service import unread_count

    labels = dict(Role.choices)
    return {
        "my_role_labels": [str(labels[c]) for c in sorted(role_codes(user)) if c in labels],
        "unread_notifications": unread_count(user),
    }
