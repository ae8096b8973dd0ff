"""The unit page's 群机器人 card: `{% unit_channels_card %}` (office staff only)."""

from django import template

from ..notifications.channels import channels_of
from ..notifications.forms import UnitChannelsForm

register = template.Library()


@register.inclusion_tag("notifications/_unit_channels.html", takes_context=True)
def unit_channels_card(context):
    unit, request = context.get("object"), context.get("request")
    if unit is None or request is None or not request.user.has_perm("workflows.set_unit_channels", unit):
        return {"channels_form": None}
    channels = channels_of(unit)
    form = context.get("channels_form") or UnitChannelsForm(
        initial={"wecom_webhook": channels.wecom_webhook, "dingtalk_webhook": channels.dingtalk_webhook})
    return {"channels_form": form, "unit": unit, "secret_hint": channels.dingtalk_secret_hint,
            "csrf_token": context.get("csrf_token"), "request": request}
