"""Who may do what to an election: rules of the elections app (`user.has_perm`)."""

import rules

from workflows.org.permissions import add_rule, oversees_terms


def _unit_of(obj):
    return getattr(obj, "unit", obj)


@rules.predicate
def may_view(user, election) -> bool:
    """The unit's own people, and hospital-wide overseers (organisation, committee, auditors)."""
    if user.has_perm("workflows.oversee_organisation"):
        return True
    unit = _unit_of(election)
    return user.has_perm("workflows.belong_to_unit", unit) or user.has_perm("workflows.view_unit_business", unit)


@rules.predicate
def runs_elections(user, obj=None) -> bool:
    """一下/二下/三下/报批: organization staff."""
    return user.has_perm("workflows.run_elections")


@rules.predicate
def leads_unit(user, election) -> bool:
    """The secretary's steps: the unit's branch secretary."""
    return election is not None and user.has_perm("workflows.lead_unit", _unit_of(election))


@rules.predicate
def is_full_member_of_unit(user, election) -> bool:
    """民主推荐: full members (正式党员) of the unit only."""
    return election is not None and user.unit_id == _unit_of(election).pk and user.is_full_member


add_rule("elections.view", may_view, write=False)
add_rule("elections.request", runs_elections | leads_unit)  # 换届请示: the branch secretary or organization staff
add_rule("elections.review", runs_elections)
add_rule("elections.lead", leads_unit)
add_rule("elections.recommend", is_full_member_of_unit)
add_rule("elections.overview", oversees_terms, write=False)
