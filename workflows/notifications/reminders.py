"""换届提醒 and task due-date reminders, each sent once per target, kind and period.

`send_reminders(now=...)` is what the `send_reminders` management command runs (from cron,
as often as you like). For every reminder that is due it first claims the `Reminder` row
under its unique (kind, target, period) constraint, inside a savepoint, and only then
notifies, in the same transaction: a second or concurrent run finds the row taken and sends
nothing.

- Terms: 180, 90 and 30 days before the (possibly postponed) end, and weekly once overdue,
  to the unit's secretary and organization staff (plus the party secretary once overdue).
  Fixed reminders use the effective end date as the period, so an approved postponement
  starts the series again; overdue ones use the ISO week. They stop as soon as an election
  for the term has started: domain apps tell us through `register_term_election_check`.
- Tasks: every open human task of every flow with a due date: `task_due` when due within a
  day (once per due date), `task_overdue` weekly once past due; to the owner, or when
  unassigned to everyone who may claim it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ..audit import audit_context
from ..models import Reminder, Term, Unit, User
from ..org.permissions import add_rule, oversees_terms, role_codes
from ..org.roles import Role
from ..tasks.standins import delegates_of, is_personal
from .service import notify

log = logging.getLogger(__name__)

TERM_THRESHOLDS = ((30, Reminder.Kind.TERM_30), (90, Reminder.Kind.TERM_90), (180, Reminder.Kind.TERM_180))
TASK_DUE_WINDOW = timedelta(days=1)

_term_election_checks: list[Callable[[Iterable[int]], set[int]]] = []


def register_term_election_check(func: Callable[[Iterable[int]], set[int]]) -> None:
    """Register `func(term_ids) -> ids of terms whose election has started` (no reminders for those)."""
    if func not in _term_election_checks:
        _term_election_checks.append(func)


def terms_with_election(term_ids: Iterable[int]) -> set[int]:
    """Of these terms, those whose election has started (as the domain apps registered it)."""
    term_ids = list(term_ids)
    busy: set[int] = set()
    for check in _term_election_checks:
        busy |= set(check(term_ids))
    return busy


# The reminder log: organization staff; the party secretary and auditors read too.
add_rule("workflows.read_reminders", oversees_terms, write=False)


@dataclass
class Due:
    kind: str
    target: str
    period: str
    unit: Unit | None
    recipients: list
    context: dict = field(default_factory=dict)
    url: str = ""


def iso_week(day) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


# --- what is due -------------------------------------------------------------------------------


def term_kind(days_left: int) -> str | None:
    if days_left < 0:
        return Reminder.Kind.TERM_OVERDUE
    for limit, kind in TERM_THRESHOLDS:
        if days_left <= limit:
            return kind
    return None


def _global_holders(role: str) -> list[User]:
    return list(User.objects.filter(role_grants__role=role, role_grants__unit__isnull=True, is_active=True)
                .distinct().order_by("pk"))


def due_term_reminders(now: datetime) -> list[Due]:
    today = timezone.localdate(now)
    terms = list(
        Term.objects.filter(status=Term.Status.CURRENT, unit__active=True,
                            unit__kind__in=[Unit.Kind.BRANCH, Unit.Kind.GENERAL_BRANCH])
        .select_related("unit").order_by("unit__code")
    )
    busy = terms_with_election(t.pk for t in terms)
    organization = _global_holders(Role.ORGANIZATION_STAFF)
    party_secretaries = None
    due = []
    for term in terms:
        if term.pk in busy:
            continue
        days_left = term.days_left(today)
        kind = term_kind(days_left)
        if kind is None:
            continue
        recipients = list(term.unit.holders_of(Role.BRANCH_SECRETARY)) + organization
        if kind == Reminder.Kind.TERM_OVERDUE:
            if party_secretaries is None:
                party_secretaries = _global_holders(Role.PARTY_SECRETARY)
            recipients += party_secretaries
            period = iso_week(today)
        else:
            period = f"end:{term.effective_end.isoformat()}"
        due.append(Due(
            kind=kind, target=f"term:{term.pk}", period=period, unit=term.unit, recipients=recipients,
            context={"unit": term.unit, "term": term, "days_left": days_left, "overdue_days": -days_left,
                     "end": term.effective_end},
            url=f"/organisation/units/{term.unit.code}/",
        ))
    return due


def _users_with_perm(perm: str, obj) -> list[User]:
    """Active users holding `app.codename`, globally or (guardian) on `obj`."""
    app_label, codename = perm.split(".", 1)
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
    if permission is None:
        return []
    query = Q(user_permissions=permission) | Q(groups__permissions=permission) | Q(is_superuser=True)
    if obj is not None:
        from guardian.shortcuts import get_users_with_perms

        object_users = get_users_with_perms(obj, only_with_perms_in=[codename], with_group_users=True)
        query |= Q(pk__in=[u.pk for u in object_users])
    users = User.objects.filter(query, is_active=True).distinct().order_by("pk")
    return [u for u in users if Role.AUDITOR not in role_codes(u)]


def task_recipients(task) -> list[User]:
    """The holder, or everyone who may claim it; plus the delegate of anyone away (委托, not personal acts)."""
    if task.owner_id:
        holders = [task.owner] if task.owner.is_active else []
    elif not task.owner_permission:
        return []
    else:
        obj = task.owner_permission_obj if task.owner_permission_obj_pk else None
        holders = _users_with_perm(task.owner_permission, obj)
    delegates = [] if is_personal(task) else list(delegates_of(holders).values())
    return list({u.pk: u for u in delegates + holders}.values())


def due_task_reminders(now: datetime) -> list[Due]:
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    from ..tasks import task_title

    tasks = (
        Task.objects.filter(flow_task_type="HUMAN", status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED],
                            data__due__isnull=False)
        .select_related("process", "owner")
        .order_by("pk")
    )
    due = []
    for task in tasks:  # due dates may carry any offset: compare as datetimes, not strings
        when = parse_datetime((task.data or {}).get("due") or "")
        if when is None or when > now + TASK_DUE_WINDOW:
            continue
        if when < now:
            kind, period = Reminder.Kind.TASK_OVERDUE, iso_week(timezone.localdate(now))
        else:
            kind, period = Reminder.Kind.TASK_DUE, f"due:{when.isoformat()}"
        subject = task.process.artifact if task.process.artifact_object_id else None
        unit = getattr(subject, "unit", None)
        due.append(Due(
            kind=kind, target=f"task:{task.pk}", period=period, unit=unit if isinstance(unit, Unit) else None,
            recipients=task_recipients(task),
            context={"task": task, "title": task_title(task), "due": timezone.localtime(when),
                     "overdue_days": max((now - when).days, 0)},
            url=f"/workbench/tasks/{task.pk}/",
        ))
    return due


# --- sending -----------------------------------------------------------------------------------


def claim_and_send(item: Due, now: datetime) -> bool:
    """Claim the (kind, target, period) row, then notify; False when already sent."""
    recipients = list({u.pk: u for u in item.recipients if u is not None and u.is_active}.values())
    if not recipients:
        return False
    with transaction.atomic():
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    kind=item.kind, target=item.target, period=item.period, unit=item.unit,
                    recipients=[u.username for u in recipients], sent_at=now,
                )
        except IntegrityError:
            return False
        notify(recipients=recipients, kind=item.kind, context=item.context, url=item.url)
    return True


def pending_reminders(now: datetime) -> list[Due]:
    """Everything due now, whether or not it was sent already."""
    return due_term_reminders(now) + due_task_reminders(now)


def already_sent(item: Due) -> bool:
    return Reminder.objects.filter(kind=item.kind, target=item.target, period=item.period).exists()


def send_reminders(*, now: datetime | None = None, dry_run: bool = False, report=None) -> int:
    """Send every due reminder not sent yet; return how many were sent."""
    now = now or timezone.now()
    sent = 0
    with audit_context(reason="定时提醒"):
        for item in pending_reminders(now):
            if dry_run:
                if not already_sent(item) and item.recipients and report:
                    report(f"would send {item.kind} {item.target} {item.period} to "
                           f"{', '.join(sorted({u.username for u in item.recipients}))}")
                continue
            if claim_and_send(item, now):
                sent += 1
                if report:
                    report(f"{item.kind} {item.target} {item.period}")
    return sent
