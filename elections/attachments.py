"""Which steps of an election take files (请示, 选举办法, 结果报告), and who may upload to them now."""

from __future__ import annotations

from workflows.materials.registry import UploadStep
from workflows.tasks import open_tasks, process_for

ELECTION_STEPS = {"election_request": "换届请示", "election_method": "选举办法", "election_report": "选举结果报告"}
# Each document may be uploaded while the steps that report or approve it are open.
_STEP_TASKS = {
    "election_request": ("request_approval",),
    "election_method": ("election_plan", "plan_approval"),
    "election_report": ("officer_election", "result_approval"),
}


def election_upload_steps(election, user) -> list[UploadStep]:
    """The unit's branch secretary and organization staff."""
    if not (user.has_perm("elections.lead", election) or user.has_perm("elections.review", election)):
        return []
    open_by_step = {}
    for task in open_tasks(process_for(election)).order_by("pk"):
        if task.flow_task is not None:
            open_by_step.setdefault(task.flow_task.name, task)
    steps = []
    for code, names in _STEP_TASKS.items():
        task = next((open_by_step[name] for name in names if name in open_by_step), None)
        if task is not None:
            steps.append(UploadStep(code, ELECTION_STEPS[code], task))
    return steps
