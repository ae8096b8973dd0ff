"""Who may propose, see, withdraw and schedule: rules of the decisions app (`user.has_perm`)."""

import rules

from workflows.org.permissions import add_rule, has_role, is_committee_member, units_led_by
from workflows.org.roles import Role

from . import selectors


def may_propose_any(user) -> bool:
    return has_role(user, Role.OFFICE_STAFF) or is_committee_member(user)


@rules.predicate
def may_propose(user, unit=None) -> bool:
    """Office staff and committee members propose for any department; a branch secretary for their own."""
    if may_propose_any(user):
        return True
    led = units_led_by(user)
    return led.exists() if unit is None else led.filter(pk=unit.pk).exists()


@rules.predicate
def may_propose_cadre(user, obj=None) -> bool:
    return may_propose_any(user)


@rules.predicate
def may_view_decision(user, decision) -> bool:
    return decision is not None and selectors.may_see_decision(user, decision)


@rules.predicate
def is_proposer(user, decision) -> bool:
    return decision is not None and decision.proposer_id == user.pk


@rules.predicate
def runs_office(user, obj=None) -> bool:
    return user.has_perm("workflows.run_office")


@rules.predicate
def chairs_committee(user, obj=None) -> bool:
    return user.has_perm("workflows.chair_committee")


@rules.predicate
def sees_all_meetings(user, obj=None) -> bool:
    return selectors.sees_everything(user)


@rules.predicate
def reads_audit(user, obj=None) -> bool:
    return user.has_perm("workflows.read_audit")


add_rule("decisions.propose", may_propose)
add_rule("decisions.propose_cadre_appointment", may_propose_cadre)
add_rule("decisions.see_decision", may_view_decision, write=False)
add_rule("decisions.withdraw", is_proposer)
add_rule("decisions.schedule_meeting", runs_office)
add_rule("decisions.see_meeting", sees_all_meetings, write=False)
add_rule("decisions.correct_minutes", runs_office | chairs_committee)
add_rule("decisions.see_dashboard", runs_office | chairs_committee | reads_audit, write=False)
