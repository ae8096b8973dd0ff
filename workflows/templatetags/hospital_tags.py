"""The hospital's name for pages outside the shell (the login page)."""

from django import template

from ..models import HospitalSettings

register = template.Library()


@register.simple_tag
def hospital_name() -> str:
    """The imported hospital's name (read only: a GET never creates the settings row)."""
    return HospitalSettings.objects.order_by("pk").values_list("hospital", flat=True).first() or ""
