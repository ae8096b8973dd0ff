"""The unit page's 届期 warning: an overdue branch term with no election started."""

from django import template
from django.utils import timezone

from ..models import Unit

register = template.Library()


def overdue_without_election(unit, today=None) -> int | None:
    """Days the unit's (possibly postponed) term is past its end when no election has started, else None."""
    from ..notifications.reminders import terms_with_election

    if unit.kind == Unit.Kind.COMMITTEE:
        return None
    term = unit.current_term
    if term is None:
        return None
    days = -term.days_left(today or timezone.localdate())
    if days <= 0 or term.pk in terms_with_election([term.pk]):
        return None
    return days


@register.simple_tag(takes_context=True)
def term_alert(context, unit):
    """{"days": N, "may_request": bool} for an overdue term with no election started, else None."""
    days = overdue_without_election(unit)
    if days is None:
        return None
    user = context["request"].user
    return {"days": days, "may_request": user.has_perm("elections.request", unit)}
