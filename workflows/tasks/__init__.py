"""The one task inbox and the step machinery every flow uses.

- `nodes`: `Step`, `Start`, `Handle`, `End`, `SplitEach`: flows declare each step once.
- `processes`: register flows, find, start, lock and resume a process by its subject.
- `selectors` / `services`: the inbox reads; claim and complete (HTML page and API alike).
- `models` / `due`: each human task's `TaskSchedule` (due date, announcement, next reminder);
  `forms`: the step form base; `diagram`: the process diagram.
"""

from .due import task_due
from .processes import (
    OPEN_STATUSES,
    active_step_names,
    active_steps_by_process,
    flow_code_of,
    open_tasks,
    process_cancel,
    process_for,
    process_lock,
    process_resume,
    process_start,
    process_states,
    processes_for,
    register_flow,
    registered_flows,
    subject_status,
    waiting_task,
)
from .selectors import API_STATUS, filter_tasks, get_task, may_act_on, open_tasks_for, task_title
from .services import step_of, task_claim, task_complete

__all__ = [
    "API_STATUS", "OPEN_STATUSES", "active_step_names", "active_steps_by_process", "filter_tasks", "flow_code_of", "get_task", "may_act_on",
    "open_tasks", "open_tasks_for", "process_cancel", "process_for", "process_lock", "process_resume",
    "process_start", "process_states", "processes_for", "register_flow", "registered_flows", "step_of", "subject_status", "task_claim", "task_complete", "task_due",
    "task_title", "waiting_task",
]
