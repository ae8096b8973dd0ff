"""All members vote at once on one item: every vote is recorded, secretary_vote opens once (PostgreSQL)."""

import threading

import pytest
from django.db import connection
from viewflow.workflow.models import Task

from decisions.models import Decision, Vote
from workflows import tasks as task_service

from .helpers import attendance, open_tasks, schedule, submit, to_awaiting_meeting

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")


@pytest.mark.postgres_only
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_open_secretary_vote_exactly_once(org, api, clock):
    pk = submit(api, org["dangban"])["id"]
    to_awaiting_meeting(api, org, pk)
    meeting = schedule(api, org, [pk])
    clock.move_to(meeting.scheduled_at)
    assert attendance(api, org, meeting).status_code == 200
    decision = Decision.objects.get(pk=pk)
    vote_tasks = list(open_tasks(decision, "vote").select_related("owner"))
    assert len(vote_tasks) == 8
    barrier = threading.Barrier(len(vote_tasks))
    errors = []

    def cast(task_id, user):
        try:
            barrier.wait(timeout=10)
            task = task_service.get_task(task_id)
            task_service.task_complete(task=task, user=user, data={"vote": "agree", "comment": ""})
        except Exception as error:  # collected and asserted below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=cast, args=(t.pk, t.owner)) for t in vote_tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Vote.objects.filter(decision=decision, meeting=meeting).count() == 8
    assert Task.objects.filter(process=vote_tasks[0].process, flow_task__endswith=".secretary_vote").count() == 1
    assert Decision.objects.get(pk=pk).status == "voting"


@pytest.mark.postgres_only
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_last_two_items_settled_at_once_wake_the_meeting_once(org, api, clock):
    from .helpers import vote_all

    ids = [submit(api, org["dangban"], title=f"议题{i}")["id"] for i in range(2)]
    for pk in ids:
        to_awaiting_meeting(api, org, pk)
    meeting = schedule(api, org, ids)
    clock.move_to(meeting.scheduled_at)
    attendance(api, org, meeting)
    for pk in ids:
        vote_all(api, org, pk)
    barrier = threading.Barrier(2)
    errors = []

    def settle(task_id):
        try:
            barrier.wait(timeout=10)
            task = task_service.get_task(task_id)
            task_service.task_complete(task=task, user=org["shuji"], data={"vote": "agree", "comment": ""})
        except Exception as error:  # collected and asserted below
            errors.append(repr(error))
        finally:
            connection.close()

    secretary_tasks = [open_tasks(Decision.objects.get(pk=pk), "secretary_vote").get().pk for pk in ids]
    threads = [threading.Thread(target=settle, args=(pk,)) for pk in secretary_tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert set(Decision.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"minutes"}
    assert open_tasks(meeting, "minutes_draft").count() == 1
