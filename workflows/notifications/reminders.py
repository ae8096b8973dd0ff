"""换届提醒 and task due-date reminders, each sent once per target, kind and period.

`send_reminders(now=...)` is what the `send_reminders` management command runs (from cron,
as often as you like). The database is asked only for what is due and not yet reminded, one
query per kind through an index, so a run with nothing due costs a constant handful of
queries at any size and one that sends k reminders O(k). For each reminder it first claims
the `Reminder` row under its unique (kind, target, period) constraint, inside a savepoint, and
only then notifies, in the same transaction: a second or concurrent run (another host) finds
the row taken and sends nothing.

- Terms (`Term.effective_end`, the postponed or else the planned end, an indexed column of
  current terms): 180, 90 and 30 days before the end, and weekly once overdue, to the unit's
  secretary and organization staff (plus the party secretary once overdue). Fixed reminders
  use the effective end date as the period, so an approved postponement starts the series
  again; overdue ones use the ISO week. A term is due when no `Reminder` of that kind and
  period exists for it. They stop as soon as an election for the term has started: domain
  apps tell us through `register_term_election_check`.
- Tasks (`TaskSchedule.next_reminder_at`, indexed): an open human task is due a `task_due`
  reminder a day before its due date (once per due date), then `task_overdue` weekly once
  past due; after each, the row's next reminder time moves on (to the due date, then to the
  next ISO week). To the owner, or when unassigned to everyone who may claim it. Rows of
  tasks finished meanwhile are cleared (one UPDATE), never reminded.

Reminders about a unit also go to its group robots (`notify(..., unit=...)`); the e-mails
and webhook calls go through the outbox, which this command delivers at the end of its run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from ..audit import audit_context
from ..models import Reminder, TaskSchedule, Term, Unit, User
from ..org.permissions import add_rule, oversees_terms
from ..org.roles import Role
from ..tasks.processes import OPEN_STATUSES
from .service import notify
from .task_notices import task_recipients

log = logging.getLogger(__name__)

TERM_THRESHOLDS = ((30, Reminder.Kind.TERM_30), (90, Reminder.Kind.TERM_90), (180, Reminder.Kind.TERM_180))

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


def _term_windows(today: date) -> list[tuple[str, Q]]:
    """(kind, which current terms' effective end is in that kind's window), nearest first."""
    windows, lower = [], today
    for limit, kind in TERM_THRESHOLDS:
        upper = today + timedelta(days=limit)
        windows.append((kind, Q(effective_end__gte=lower, effective_end__lte=upper)))
        lower = upper + timedelta(days=1)
    return [(Reminder.Kind.TERM_OVERDUE, Q(effective_end__lt=today)), *windows]


def _not_reminded(kind: str, period) -> Exists:
    target = Concat(Value("term:"), Cast(OuterRef("pk"), CharField()))
    return ~Exists(Reminder.objects.filter(kind=kind, target=target, period=period))


def due_terms(today: date) -> list[tuple[str, Term]]:
    """(kind, term) for every current term due a reminder not yet sent: one query per kind."""
    found = []
    week = iso_week(today)
    for kind, window in _term_windows(today):
        period = (Value(week) if kind == Reminder.Kind.TERM_OVERDUE
                  else Concat(Value("end:"), Cast(OuterRef("effective_end"), CharField())))
        terms = (Term.objects.filter(window, _not_reminded(kind, period), status=Term.Status.CURRENT,
                                     unit__active=True, unit__kind__in=[Unit.Kind.BRANCH, Unit.Kind.GENERAL_BRANCH])
                 .select_related("unit").order_by("unit__code"))
        found += [(kind, term) for term in terms]
    return found


def due_term_reminders(now: datetime) -> list[Due]:
    today = timezone.localdate(now)
    candidates = due_terms(today)
    if not candidates:
        return []
    busy = terms_with_election(term.pk for _kind, term in candidates)
    organization = _global_holders(Role.ORGANIZATION_STAFF)
    party_secretaries = None
    due = []
    for kind, term in candidates:
        if term.pk in busy:
            continue
        days_left = term.days_left(today)
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


def next_week_start(now: datetime) -> datetime:
    """Local midnight of the Monday after `now`: when the next weekly reminder is due."""
    today = timezone.localdate(now)
    monday = today + timedelta(days=7 - today.weekday())
    return timezone.make_aware(datetime.combine(monday, time.min))


def due_schedules(now: datetime) -> list[TaskSchedule]:
    """Schedule rows of open human tasks whose next reminder is due; rows of closed tasks are cleared."""
    TaskSchedule.objects.filter(next_reminder_at__lte=now).exclude(task__status__in=OPEN_STATUSES).update(
        next_reminder_at=None)
    return list(TaskSchedule.objects.filter(next_reminder_at__lte=now, task__status__in=OPEN_STATUSES)
                .select_related("task__process", "task__owner").prefetch_related("task__process__artifact")
                .order_by("next_reminder_at", "pk"))


def due_task_reminders(now: datetime, schedules: list[TaskSchedule]) -> list[Due]:
    from ..tasks import task_title

    due = []
    for schedule in schedules:
        task, when = schedule.task, schedule.due_at
        if when < now:
            kind, period = Reminder.Kind.TASK_OVERDUE, iso_week(timezone.localdate(now))
        else:
            kind, period = Reminder.Kind.TASK_DUE, f"due:{when.astimezone(UTC).isoformat()}"
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


def move_on(schedules: list[TaskSchedule], now: datetime) -> None:
    """After this run: the next reminder of a task not yet due is at its due date, of an overdue one next week."""
    if schedules:
        TaskSchedule.objects.filter(pk__in=[s.pk for s in schedules]).update(next_reminder_at=Case(
            When(due_at__lt=now, then=Value(next_week_start(now))), default=F("due_at")))


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
        notify(recipients=recipients, kind=item.kind, context=item.context, url=item.url, unit=item.unit)
    return True


def pending_reminders(now: datetime) -> list[Due]:
    """Everything due now and not yet reminded (a task's may have been sent by a run that is still busy)."""
    return due_term_reminders(now) + due_task_reminders(now, due_schedules(now))


def already_sent(item: Due) -> bool:
    return Reminder.objects.filter(kind=item.kind, target=item.target, period=item.period).exists()


def send_reminders(*, now: datetime | None = None, dry_run: bool = False, report=None) -> int:
    """Send every due reminder not sent yet; return how many were sent."""
    now = now or timezone.now()
    sent = 0
    with audit_context(reason="定时提醒"):
        schedules = due_schedules(now)
        items = due_term_reminders(now) + due_task_reminders(now, schedules)
        for item in items:
            if dry_run:
                if not already_sent(item) and item.recipients and report:
                    report(f"would send {item.kind} {item.target} {item.period} to "
                           f"{', '.join(sorted({u.username for u in item.recipients}))}")
                continue
            if claim_and_send(item, now):
                sent += 1
                if report:
                    report(f"{item.kind} {item.target} {item.period}")
        if not dry_run:
            move_on(schedules, now)
    return sent
