"""Reads: who sees which decision and meeting, committee membership, voters, processes."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import Http404
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows.materials.selectors import subject_records
from workflows.models import User
from workflows.org.permissions import has_role, is_committee_member, is_read_only, units_led_by
from workflows.org.roles import Role
from workflows.tasks import process_for

from .models import Attendance, Decision, Meeting, Opinion, Recusal, Vote, VoteResult


def user_by_pk(pk):
    return User.objects.get(pk=pk)


def committee_members():
    """Active members of the party committee (committee_member or party_secretary role)."""
    return (
        User.objects.filter(is_active=True, role_grants__role__in=[Role.COMMITTEE_MEMBER, Role.PARTY_SECRETARY])
        .distinct()
        .order_by("username")
    )


def party_secretary():
    return User.objects.filter(is_active=True, role_grants__role=Role.PARTY_SECRETARY).order_by("pk").first()


def urgent_confirmer_ids() -> list[int]:
    """Who confirms an urgent matter (事后报告): the party secretary and the president."""
    secretary = party_secretary()
    president = User.objects.filter(is_active=True, role_grants__role=Role.PRESIDENT).order_by("pk").first()
    return list(dict.fromkeys(u.pk for u in (secretary, president) if u is not None))


def expert_ids() -> list[int]:
    return list(
        User.objects.filter(is_active=True, role_grants__role=Role.EXPERT).distinct().order_by("username")
        .values_list("pk", flat=True)
    )


def present_member_ids(meeting) -> set[int]:
    return set(Attendance.objects.filter(meeting=meeting, present=True).values_list("member_id", flat=True))


def recused_ids(meeting, decision) -> set[int]:
    return set(Recusal.objects.filter(meeting=meeting, decision=decision).values_list("member_id", flat=True))


def eligible_voter_ids(meeting, decision) -> set[int]:
    """Present, non-recused committee members (the secretary included)."""
    members = set(committee_members().values_list("pk", flat=True))
    return (present_member_ids(meeting) & members) - recused_ids(meeting, decision)


def member_voter_ids(meeting, decision) -> list[int]:
    """Who gets a `vote` task: eligible voters except the presider, who votes last."""
    if meeting is None:
        return []
    return sorted(eligible_voter_ids(meeting, decision) - {meeting.presider_id})


# --- visibility --------------------------------------------------------------------------


def sees_everything(user) -> bool:
    return is_committee_member(user) or is_read_only(user) or has_role(user, Role.OFFICE_STAFF)


def assigned_decision_ids(user):
    """Decisions on which the user was given a task (an expert asked for an opinion, ...)."""
    return Task.objects.filter(
        owner=user, flow_task_type="HUMAN", process__artifact_content_type=ContentType.objects.get_for_model(Decision)
    ).values("process__artifact_object_id")


def visible_decisions(user):
    qs = Decision.objects.select_related("department_unit", "proposer", "meeting")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if sees_everything(user):
        return qs
    ordinary = (
        Q(proposer=user) | Q(department_unit__in=units_led_by(user)) | Q(pk__in=assigned_decision_ids(user))
    ) & ~Q(category=Decision.Category.CADRE_APPOINTMENT)
    cadre = Q(category=Decision.Category.CADRE_APPOINTMENT)
    if has_role(user, Role.ORGANIZATION_STAFF):
        return qs.filter(ordinary | cadre)
    if has_role(user, Role.LEGAL_COUNSEL):  # every item that needs (or needed) a legal review
        return qs.filter(ordinary | (Q(legal_required=True) & ~cadre))
    return qs.filter(ordinary)


def may_see_decision(user, decision) -> bool:
    return visible_decisions(user).filter(pk=decision.pk).exists()


def get_visible_decision(user, pk) -> Decision:
    try:
        return visible_decisions(user).get(pk=pk)
    except (Decision.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def filter_decisions(qs, *, status=None, category=None, q=None, year=None, outcome=None):
    from .stats import outcome_q

    if year and str(year).isdigit():
        qs = qs.filter(created__year=int(year))
    if outcome:
        qs = qs.filter(outcome_q(outcome))
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    return qs


def decision_years() -> list[int]:
    """Years with decisions, newest first (the list's year filter)."""
    return sorted({d.year for d in Decision.objects.dates("created", "year")}, reverse=True)


def visible_meetings(user):
    """Meetings: committee members, office staff and auditors see them all."""
    qs = Meeting.objects.select_related("presider", "created_by")
    if user.is_authenticated and user.is_active and sees_everything(user):
        return qs
    return qs.none()


def get_visible_meeting(user, pk) -> Meeting:
    try:
        return visible_meetings(user).get(pk=pk)
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def decision_history(decision, user=None) -> list[dict]:
    """Every change to the decision; for `user`, without the votes and opinions not visible to them yet."""
    from workflows.audit.history import history_entries

    from .models import AgendaItem, ImplementationReport, Recusal, VoteResult

    entries = history_entries(
        decision,
        visible_opinions(user, decision),
        visible_votes(user, decision),
        VoteResult.objects.filter(decision=decision),
        ImplementationReport.objects.filter(decision=decision),
        AgendaItem.objects.filter(decision=decision),
        Recusal.objects.filter(decision=decision),
        *subject_records(decision),
        with_ids=True,
    )
    entries += step_entries(process_for(decision))
    entries.sort(key=lambda e: e["at"])
    return entries


def meeting_history(meeting, user=None) -> list[dict]:
    """Every change to the meeting; for `user`, without the votes not visible to them yet."""
    from workflows.audit.history import history_entries

    from .models import AgendaItem, Attendance, Minutes, MinutesCorrection, Recusal, VoteResult

    minutes = Minutes.objects.filter(meeting=meeting)
    entries = history_entries(
        meeting,
        AgendaItem.objects.filter(meeting=meeting),
        Attendance.objects.filter(meeting=meeting),
        Recusal.objects.filter(meeting=meeting),
        visible_meeting_votes(user, meeting),
        VoteResult.objects.filter(meeting=meeting),
        minutes,
        MinutesCorrection.objects.filter(minutes__in=minutes),
        *subject_records(meeting),
        with_ids=True,
    )
    entries += step_entries(process_for(meeting))
    entries.sort(key=lambda e: e["at"])
    return entries


def step_entries(process) -> list[dict]:
    """The viewflow task records of a process as history entries (step_started / step_completed)."""
    if process is None:
        return []
    entries = []
    tasks = Task.objects.filter(process=process).select_related("owner").order_by("created", "pk")
    for task in tasks:
        if task.flow_task is None or task.flow_task_type not in ("HUMAN", "START", "FUNCTION"):
            continue
        step = task.flow_task.name
        who = task.owner.username if task.owner_id else None
        base = {"object": f"task:{task.pk}", "object_label": str(task.flow_task.task_title or step), "reason": ""}
        entries.append({**base, "at": task.created.isoformat(), "user": None, "action": "step_started",
                        "changes": {"step": [None, step]}})
        if task.finished and task.status in (STATUS.DONE, STATUS.CANCELED):
            action = "step_completed" if task.status == STATUS.DONE else "step_canceled"
            entries.append({**base, "at": task.finished.isoformat(), "user": who, "action": action,
                            "changes": {"step": [step, None], "status": [None, str(task.status).lower()]}})
    return entries


# --- who sees which votes and opinions (one rule for the pages, the API and the history) -----
#
# Votes at the 党委会 are not secret, but nobody may be swayed by them: while an item is being voted,
# a member sees the other members' votes only once their own is cast. The presider (who votes last,
# 末位表态) sees them once every other member has voted; office staff and auditors always. Absent or
# recused members and everybody else who may see the item see the votes when it is settled.
# Likewise an expert with an open expert_review task does not see the other experts' opinions of
# that round until they have answered.


def open_voting_meeting(decision):
    """The meeting where the item is being voted right now (no result yet), or None."""
    meeting = decision.meeting
    if meeting is None or decision.status != Decision.Status.VOTING:
        return None
    if VoteResult.objects.filter(decision=decision, meeting=meeting).exists():
        return None
    return meeting


def may_see_open_votes(user, decision, meeting) -> bool:
    """`user` may see the others' votes on `decision` at `meeting` while the vote is still open."""
    if user is None:
        return True
    if Vote.objects.filter(decision=decision, meeting=meeting, member=user).exists():
        return True
    voters = member_voter_ids(meeting, decision)
    if user.pk in voters:
        return False  # a member who has not voted yet
    if user.pk == meeting.presider_id:
        voted = set(Vote.objects.filter(decision=decision, meeting=meeting).values_list("member_id", flat=True))
        return set(voters) <= voted
    return has_role(user, Role.OFFICE_STAFF) or is_read_only(user)


def _votes_hidden_at(user, decision):
    """The open meeting whose votes `user` may not see yet, or None."""
    meeting = open_voting_meeting(decision)
    if meeting is None or may_see_open_votes(user, decision, meeting):
        return None
    return meeting


def visible_votes(user, decision, *, hidden_at=None):
    """The decision's votes `user` may see (all of them when `user` is None).

    `hidden_at`: the result of `_votes_hidden_at(user, decision)` when the caller has it already.
    """
    qs = Vote.objects.filter(decision=decision)
    meeting = hidden_at if hidden_at is not None else _votes_hidden_at(user, decision)
    if meeting is not None:
        qs = qs.exclude(Q(meeting=meeting) & ~Q(member=user))
    return qs


def visible_meeting_votes(user, meeting):
    """The votes of a meeting `user` may see: of each item still being voted, as `visible_votes`."""
    qs = Vote.objects.filter(meeting=meeting)
    if user is None:
        return qs
    voting = Decision.objects.filter(meeting=meeting, status=Decision.Status.VOTING)
    for decision in voting:
        if _votes_hidden_at(user, decision) == meeting:
            qs = qs.exclude(Q(decision=decision) & ~Q(member=user))
    return qs


def _open_expert_task(user, decision):
    if user is None or not user.is_authenticated:
        return None
    process = process_for(decision)
    if process is None:
        return None
    return (Task.objects.filter(process=process, owner=user, flow_task=process.flow_class.expert_review,
                                status__in=(STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED))
            .order_by("created").first())


def visible_opinions(user, decision, *, open_expert_task=None):
    """The decision's opinions `user` may see: an expert who has not answered yet sees no other
    expert's opinion of the current round (all of them when `user` is None).

    `open_expert_task`: the result of `_open_expert_task(user, decision)` when the caller has it already.
    """
    qs = Opinion.objects.filter(decision=decision)
    task = open_expert_task if open_expert_task is not None else _open_expert_task(user, decision)
    if task is not None:
        qs = qs.exclude(Q(step=Opinion.Step.EXPERT_REVIEW, created__gte=task.created) & ~Q(author=user))
    return qs


def vote_progress(decision, meeting):
    """The tally so far of the members' votes on `decision` at `meeting` (counting.Progress)."""
    from .counting import progress

    member_votes = list(Vote.objects.filter(decision=decision, meeting=meeting, is_secretary=False)
                        .values_list("member_id", "vote"))
    voted = {member_id for member_id, _ in member_votes}
    eligible = eligible_voter_ids(meeting, decision)
    waiting = User.objects.filter(pk__in=set(member_voter_ids(meeting, decision)) - voted).order_by("username")
    return progress(
        [vote for _, vote in member_votes], members=committee_members().count(),
        present=len(present_member_ids(meeting)), eligible=len(eligible),
        not_voted=[str(u) for u in waiting], presider_votes=meeting.presider_id in eligible,
    )


# --- what the decision and meeting pages show ---------------------------------------------


def decision_materials(decision, user=None) -> dict:
    """What the decision page and its task pages show `user` (everything when `user` is None).

    Who may see which votes and opinions is decided once here and used for all of them.
    """
    voting_at = open_voting_meeting(decision)
    hidden_at = voting_at if voting_at is not None and not may_see_open_votes(user, decision, voting_at) else None
    expert_task = _open_expert_task(user, decision)
    return {
        "decision": decision,
        "opinions": visible_opinions(user, decision, open_expert_task=expert_task).select_related("author")
        .order_by("pk"),
        "votes": visible_votes(user, decision, hidden_at=hidden_at).select_related("member", "meeting")
        .order_by("meeting_id", "is_secretary", "pk"),
        "votes_withheld": hidden_at is not None,
        "opinions_withheld": expert_task is not None,
        # The tally so far while the item is being voted, for whoever may see the open votes.
        "vote_progress": vote_progress(decision, voting_at) if voting_at is not None and hidden_at is None else None,
        "results": decision.results.select_related("meeting").order_by("pk"),
        "reports": decision.reports.select_related("author").order_by("pk"),
        "recusals": decision.recusals.select_related("member", "meeting").order_by("pk"),
    }


def meeting_materials(meeting) -> dict:
    return {
        "meeting": meeting,
        "items": meeting.agenda_items(),
        "attendance": meeting.attendance.select_related("member").order_by("-present", "member__username"),
        "meeting_recusals": meeting.recusals.select_related("member", "decision"),
        "meeting_results": meeting.results.select_related("decision").order_by("pk"),
        "minutes": getattr(meeting, "minutes", None),
    }
