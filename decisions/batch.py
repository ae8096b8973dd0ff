"""Reads for a whole page of decisions at once: the same visibility rules as for one decision
(selectors.visible_votes / visible_opinions), at a fixed number of queries per page."""

from __future__ import annotations

from viewflow.workflow.models import Task

from workflows.tasks import OPEN_STATUSES

from .models import Decision, Opinion, Vote, VoteResult
from .selectors import _votes_hidden_at


def _open_expert_tasks(user, processes: dict) -> dict[int, Task]:
    """{decision pk: the user's oldest open expert_review task on it} (one query)."""
    if user is None or not user.is_authenticated or not processes:
        return {}
    flow_class = next(iter(processes.values())).flow_class
    by_process = {p.pk: pk for pk, p in processes.items()}
    found: dict[int, Task] = {}
    tasks = Task.objects.filter(process_id__in=list(by_process), owner=user, flow_task=flow_class.expert_review,
                                status__in=OPEN_STATUSES).order_by("-created")
    for task in tasks:
        found[by_process[task.process_id]] = task  # the oldest wins
    return found


def decision_list_materials(decisions: list[Decision], user, processes: dict) -> dict[int, tuple]:
    """{decision pk: (latest result, visible opinions, visible votes)} for a page of decisions.

    Only an item being voted right now costs more (who may see its open votes), and a page holds
    few of those: the items of the meeting in session.
    """
    pks = [d.pk for d in decisions]
    by_pk = {d.pk: d for d in decisions}
    expert_tasks = _open_expert_tasks(user, processes)
    hidden_at = {d.pk: _votes_hidden_at(user, d) for d in decisions
                 if d.status == Decision.Status.VOTING and d.meeting_id is not None}
    results: dict[int, VoteResult] = {}
    for result in VoteResult.objects.filter(decision_id__in=pks).order_by("pk"):
        result.decision = by_pk[result.decision_id]
        results[result.decision_id] = result  # the latest wins
    opinions: dict[int, list] = {pk: [] for pk in pks}
    for opinion in Opinion.objects.filter(decision_id__in=pks).select_related("author").order_by("pk"):
        task = expert_tasks.get(opinion.decision_id)
        if (task is not None and opinion.step == Opinion.Step.EXPERT_REVIEW and opinion.created >= task.created
                and opinion.author_id != user.pk):
            continue
        opinions[opinion.decision_id].append(opinion)
    votes: dict[int, list] = {pk: [] for pk in pks}
    defers: dict[tuple[int, int], int] = {}
    for vote in Vote.objects.filter(decision_id__in=pks).select_related("member").order_by(
            "meeting_id", "is_secretary", "pk"):
        if vote.vote == Vote.Choice.DEFER:
            defers[(vote.decision_id, vote.meeting_id)] = defers.get((vote.decision_id, vote.meeting_id), 0) + 1
        meeting = hidden_at.get(vote.decision_id)
        if meeting is not None and vote.meeting_id == meeting.pk and vote.member_id != user.pk:
            continue
        votes[vote.decision_id].append(vote)
    for result in results.values():
        result.counted_defer_votes = defers.get((result.decision_id, result.meeting_id), 0)
    return {pk: (results.get(pk), opinions[pk], votes[pk]) for pk in pks}
