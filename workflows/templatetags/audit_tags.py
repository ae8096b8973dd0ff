"""Template filters of the audit pages."""

from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def local_time(value) -> str:
    """An ISO 8601 timestamp (history entry "at") as local time "YYYY-MM-DD HH:MM:SS"."""
    if not value:
        return ""
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M:%S")
