"""Who may do what to an election (registered with workflows.permissions.rule)."""

from workflows.permissions import rule


def _unit_of(obj):
    return getattr(obj, "unit", obj)


@rule("elections.view", write=False)
def may_view(user, election) -> bool:
    """The unit's own people, and hospital-wide overseers (organisation, committee, auditors)."""
    if user.has_perm("workflows.oversee_organisation"):
        return True
    unit = _unit_of(election)
    return user.has_perm("workflows.belong_to_unit", unit) or user.has_perm("workflows.view_unit_business", unit)


@rule("elections.request")
def may_request(user, unit) -> bool:
    """换届请示: the unit's branch secretary or organization staff."""
    return user.has_perm("workflows.run_elections") or user.has_perm("workflows.lead_unit", unit)


@rule("elections.review")
def may_review(user, election=None) -> bool:
    """一下/二下/三下/报批: organization staff."""
    return user.has_perm("workflows.run_elections")


@rule("elections.lead")
def may_lead(user, election) -> bool:
    """The secretary's steps: the unit's branch secretary."""
    return user.has_perm("workflows.lead_unit", _unit_of(election))


@rule("elections.recommend")
def may_recommend(user, election) -> bool:
    """民主推荐: full members (正式党员) of the unit only."""
    return user.unit_id == _unit_of(election).pk and user.is_full_member


@rule("elections.overview", write=False)
def may_see_overview(user, obj=None) -> bool:
    """换届 overview and reminder log: organization staff, party secretary, auditors."""
    from workflows.permissions import role_codes
    from workflows.roles import Role

    return bool(role_codes(user) & {Role.ORGANIZATION_STAFF, Role.PARTY_SECRETARY, Role.AUDITOR})
