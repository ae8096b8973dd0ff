"""一上 换届请示 and 一下 its approval: the election and its process begin."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from workflows.exceptions import Conflict
from workflows.models import Unit, User
from workflows.org.permissions import require_perm, units_led_by
from workflows.records import audited, record_create_once, record_save
from workflows.tasks import process_start

from ..models import Election
from .common import Errors, notify_election, record_review, secretaries, validate_seats

S = Election.Status
RUNNING_ALREADY = "该党组织已有正在进行的换届选举。"


@transaction.atomic
@audited("换届请示")
def election_request(*, user: User, unit: Unit, planned_date: date, seats: int, elect_deputy: bool) -> Election:
    """Start an election of `unit` (换届请示) and its ElectionFlow; the request step is done."""
    require_perm(user, "elections.request", unit)
    if unit.kind not in (Unit.Kind.BRANCH, Unit.Kind.GENERAL_BRANCH):
        raise ValidationError({"unit": "只有党支部和党总支通过本流程换届。"})
    if Election.objects.filter(unit=unit).exclude(status__in=Election.CLOSED_STATUSES).exists():
        raise Conflict(RUNNING_ALREADY)
    errors = Errors()
    with errors.collect():
        validate_planned_date(planned_date)
    with errors.collect():
        validate_seats(unit=unit, seats=seats, elect_deputy=elect_deputy)
    errors.raise_any()
    election = record_create_once(Election(
        unit=unit, term=unit.current_term, requested_by=user, planned_date=planned_date, seats=seats,
        requested_seats=seats, elect_deputy=elect_deputy,
    ), duplicate_message=RUNNING_ALREADY)
    process_start(election, user=user)
    election.refresh_from_db()
    return election


@transaction.atomic
@audited("换届请示批复")
def election_request_review(*, election: Election, user: User, approve: bool, seats: int | None = None,
                            comment: str = "") -> Election:
    """一下: organization staff approve (maybe with other seats) or return the request."""
    record_review(election=election, user=user, step="request_approval", status=S.REQUEST_APPROVAL,
                  approve=approve, comment=comment)
    if not approve:
        notify_election(recipients=[election.requested_by, *secretaries(election.unit)], election=election,
                        message=f"换届请示被退回：{comment}。请修改后重新提出请示。")
        return election
    if seats is not None and seats != election.seats:
        validate_seats(unit=election.unit, seats=seats, elect_deputy=election.elect_deputy)
        election.seats = seats
        record_save(election)
    notify_election(recipients=election.unit.full_members(), election=election,
                    message=f"组织部门已批复换届请示（委员职数 {election.seats} 名），现开始民主推荐，请登录系统推荐人选。")
    return election


def validate_planned_date(planned_date: date) -> None:
    if planned_date < timezone.localdate():
        raise ValidationError({"planned_date": "计划选举日期不能早于今天。"})


def may_request_somewhere(user) -> bool:
    """Organization staff, or the secretary of some unit (checked before parsing a request)."""
    if user.has_perm("elections.review"):
        return True
    return any(user.has_perm("elections.request", unit) for unit in units_led_by(user))
