"""The new committee elects its secretary (and deputy); 报批: approval starts the new term."""

from __future__ import annotations

from django.db import transaction

from workflows.models import RoleGrant, Term, Unit, User, add_years
from workflows.org.permissions import require_perm, sync_user_permissions
from workflows.org.roles import Role
from workflows.records import audited, record_save

from ..models import Election
from .common import Errors, check_status, notify_election, record_review, secretaries

S = Election.Status


@transaction.atomic
@audited("选举书记、副书记")
def election_officer_elect(*, election: Election, user: User, secretary: str, deputy: str | None) -> Election:
    """The new committee elects the secretary (and deputy) from among its elected members."""
    require_perm(user, "elections.lead", election)
    check_status(election, S.OFFICER_ELECTION)
    elected = {u.username: u for u in election.elected_users()}
    errors = Errors()
    if secretary not in elected:
        errors.add("secretary", "书记应从当选的委员中选举产生。")
    if election.elect_deputy:
        if not deputy:
            errors.add("deputy", "本次换届需选举副书记。")
        elif deputy not in elected:
            errors.add("deputy", "副书记应从当选的委员中选举产生。")
        elif deputy == secretary:
            errors.add("deputy", "副书记与书记不能为同一人。")
    elif deputy:
        errors.add("deputy", "本次换届不选举副书记。")
    errors.raise_any()
    election.secretary = elected[secretary]
    election.deputy = elected.get(deputy) if deputy else None
    return record_save(election)


@transaction.atomic
@audited("选举结果报批")
def election_result_review(*, election: Election, user: User, approve: bool, comment: str) -> Election:
    """报批: approval starts the new term and moves the committee; a return re-opens officer_election."""
    record_review(election=election, user=user, step="result_approval", status=S.RESULT_APPROVAL,
                  approve=approve, comment=comment)
    if not approve:
        notify_election(recipients=secretaries(election.unit), election=election, message=f"选举结果报批被退回：{comment}")
        return election
    unit = Unit.objects.select_for_update().get(pk=election.unit_id)
    old = unit.current_term
    if old is not None:
        old.status = Term.Status.ENDED
        record_save(old, reason="换届选举结果获批，任期届满")
    new_term = record_save(Term(unit=unit, started=election.held_on, ends=add_years(election.held_on, unit.term_years)),
                           reason="换届选举结果获批，新一届任期开始")
    old_secretaries = secretaries(unit)
    _move_officers(election)
    election.new_term = new_term
    record_save(election)
    notify_election(recipients={*old_secretaries, *election.elected_users()}, election=election,
                    message=f"换届选举结果已批准，新一届任期自 {new_term.started:%Y-%m-%d} 起。")
    return election


def _move_officers(election: Election) -> None:
    """Give the branch_secretary grant to the new secretary and committee grants to the others."""
    unit = election.unit
    secretary = election.secretary
    committee_ids = {u.pk for u in election.elected_users()} - {secretary.pk}
    affected = {secretary.pk: secretary}
    for grant in RoleGrant.objects.filter(
        unit=unit, role__in=[Role.BRANCH_SECRETARY, Role.BRANCH_COMMITTEE_MEMBER]
    ).select_related("user"):
        keep = (grant.role == Role.BRANCH_SECRETARY and grant.user_id == secretary.pk) or (
            grant.role == Role.BRANCH_COMMITTEE_MEMBER and grant.user_id in committee_ids)
        if not keep:
            affected[grant.user_id] = grant.user
            grant._change_reason = "换届：原支部委员会任期结束"
            grant.delete()
    wanted = [(secretary.pk, Role.BRANCH_SECRETARY)] + [(pk, Role.BRANCH_COMMITTEE_MEMBER) for pk in committee_ids]
    for user_id, role in wanted:
        grant, created = RoleGrant.objects.get_or_create(user_id=user_id, role=role, unit=unit)
        if created:
            affected.setdefault(user_id, grant.user)
    for person in affected.values():
        sync_user_permissions(User.objects.get(pk=person.pk))
