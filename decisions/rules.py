"""Permission predicates of the decisions app (registered with workflows.permissions.rule)."""

from workflows.permissions import has_role, is_committee_member, rule, units_led_by
from workflows.roles import Role

from . import selectors


def may_propose_any(user) -> bool:
    return has_role(user, Role.OFFICE_STAFF) or is_committee_member(user)


@rule("decisions.propose")
def may_propose(user, unit=None) -> bool:
    """Office staff and committee members propose for any department; a branch secretary for their own."""
    if may_propose_any(user):
        return True
    led = units_led_by(user)
    return led.exists() if unit is None else led.filter(pk=unit.pk).exists()


@rule("decisions.propose_cadre_appointment")
def may_propose_cadre(user, obj=None) -> bool:
    return may_propose_any(user)


@rule("decisions.view_decision", write=False)
def may_view_decision(user, decision) -> bool:
    return selectors.may_see_decision(user, decision)


@rule("decisions.withdraw")
def may_withdraw(user, decision) -> bool:
    return decision.proposer_id == user.pk


@rule("decisions.schedule_meeting")
def may_schedule(user, obj=None) -> bool:
    return user.has_perm("workflows.run_office")


@rule("decisions.view_meeting", write=False)
def may_view_meeting(user, meeting=None) -> bool:
    return selectors.sees_everything(user)


@rule("decisions.correct_minutes")
def may_correct_minutes(user, minutes=None) -> bool:
    return user.has_perm("workflows.run_office") or user.has_perm("workflows.chair_committee")
