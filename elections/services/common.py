"""What every election step checks: the stage, seats, people of the unit, organization staff's reviews."""

from __future__ import annotations

from contextlib import contextmanager

from django.core.exceptions import ValidationError

from workflows.exceptions import Conflict
from workflows.models import Unit, User
from workflows.notifications import notify
from workflows.org.permissions import require_perm
from workflows.org.roles import Role
from workflows.records import record_save

from ..models import (
    MAX_COMMITTEE_SEATS,
    MIN_COMMITTEE_SEATS,
    MIN_MEMBERS_FOR_COMMITTEE,
    Election,
    ElectionReview,
)


class Errors:
    """Independent field errors of one step, raised together so people see all of them at once."""

    def __init__(self):
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field.setdefault(field, []).append(message)

    def __contains__(self, field: str) -> bool:
        return field in self.by_field

    @contextmanager
    def collect(self):
        """Keep a ValidationError raised inside (e.g. by a shared check) instead of stopping."""
        try:
            yield
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, messages in error.message_dict.items():
                    for message in messages:
                        self.add(field, message)
            else:
                for message in error.messages:
                    self.add("non_field_errors", message)

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def names_of(users) -> str:
    return "、".join(u.name or u.username for u in users)


def display_names(usernames) -> str:
    """People's names for a message (the username only for someone unknown)."""
    known = dict(User.objects.filter(username__in=list(usernames)).values_list("username", "name"))
    return "、".join(known.get(n) or str(n) for n in usernames)


def full_member_count(unit: Unit) -> int:
    return unit.full_members().count()


def validate_seats(*, unit: Unit, seats: int, elect_deputy: bool, field: str = "seats") -> None:
    """Seats rule of domain.md B.

    A unit with at least 7 full members elects a committee of 3-7 (3-5 usual, never more
    than 7). A smaller branch has no committee: it elects a secretary only (seats = 1), or a
    secretary and a deputy (seats = 2, elect_deputy).
    """
    if full_member_count(unit) >= MIN_MEMBERS_FOR_COMMITTEE:
        if not MIN_COMMITTEE_SEATS <= seats <= MAX_COMMITTEE_SEATS:
            raise ValidationError({field: f"正式党员7人以上的支部设支部委员会，委员职数应为{MIN_COMMITTEE_SEATS}至"
                                          f"{MAX_COMMITTEE_SEATS}名（一般3至5名）。"})
    else:
        wanted = 2 if elect_deputy else 1
        if seats != wanted:
            raise ValidationError({field: "正式党员不足7人的支部不设支部委员会，只选举书记"
                                          + ("和副书记，职数应为2名。" if elect_deputy else "，职数应为1名。")})


def check_status(election: Election, status: str) -> None:
    if election.status != status:
        raise Conflict(f"该换届选举当前处于“{election.get_status_display()}”阶段，不能办理此步骤。")


def full_members_by_username(unit: Unit, usernames, field: str) -> list[User]:
    usernames = list(usernames)
    if len(set(usernames)) != len(usernames):
        raise ValidationError({field: "名单中有重复的人员。"})
    found = {u.username: u for u in unit.full_members().filter(username__in=usernames)}
    missing = [name for name in usernames if name not in found]
    if missing:
        raise ValidationError({field: f"以下人员不是本支部正式党员：{display_names(missing)}（预备党员没有被选举权）。"})
    return [found[name] for name in usernames]


def secretaries(unit: Unit):
    return list(unit.holders_of(Role.BRANCH_SECRETARY))


def notify_election(*, recipients, election: Election, message: str) -> None:
    """Tell people about a step of the election (in-app now, e-mail after commit)."""
    notify(recipients=list(recipients), kind="election_update", context={"election": election, "message": message},
           url=f"/elections/{election.pk}/")


def record_review(*, election: Election, user: User, step: str, status: str, approve: bool, comment: str) -> None:
    """An organization-staff decision on a step: allowed, at that step, with a comment when returning."""
    require_perm(user, "elections.review", election)
    check_status(election, status)
    if not approve and not comment.strip():
        raise ValidationError({"comment": "退回时请填写意见。"})
    record_save(ElectionReview(election=election, step=step, approve=approve, comment=comment, reviewer=user))
