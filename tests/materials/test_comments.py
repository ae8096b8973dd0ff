"""讨论: append-only comments for whoever may see the subject; auditors read only; in the timeline and history."""

import pytest

from workflows.audit import UnauditedWriteError
from workflows.comments.models import Comment

from .helpers import new_decision

pytestmark = pytest.mark.django_db


def test_a_comment_is_posted_listed_and_in_the_history(api, org):
    decision = new_decision(api, org)
    url = f"/api/v1/decisions/{decision.pk}/comments/"
    response = api(org["sj_b01"]).post(url, {"text": "建议补充预算明细。"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "user", "text", "at"} and body["user"] == "sj_b01" and body["text"] == "建议补充预算明细。"
    listed = api(org["shenji"]).get(url).json()  # the auditor reads
    assert listed["count"] == 1 and listed["results"][0]["id"] == body["id"]
    history = api(org["shenji"]).get(f"/api/v1/decisions/{decision.pk}/history/").json()
    row = next(e for e in history if e["object"] == f"comment:{body['id']}")
    assert row["action"] == "created" and row["user"] == "sj_b01" and row["reason"] == "发表讨论意见"
    assert row["changes"]["text"] == [None, "建议补充预算明细。"]


def test_who_may_comment(api, org):
    decision = new_decision(api, org)
    url = f"/api/v1/decisions/{decision.pk}/comments/"
    refused = api(org["shenji"]).post(url, {"text": "审计不能发言"}, format="json")
    assert refused.status_code == 403  # the auditor veto: comments.post is a write permission
    assert api(org["sj_b02"]).post(url, {"text": "看不到"}, format="json").status_code == 404
    assert api(org["sj_b02"]).get(url).status_code == 404
    assert api(org["outsider"]).get(url).status_code == 404
    empty = api(org["weiyuan1"]).post(url, {"text": "  "}, format="json")
    assert empty.status_code == 400 and empty.json()["errors"]["text"] == ["请填写讨论内容。"]
    too_long = api(org["weiyuan1"]).post(url, {"text": "长" * 2001}, format="json")
    assert too_long.status_code == 400 and "2000" in too_long.json()["errors"]["text"][0]
    assert not Comment.objects.exists() and not Comment.history.exists()


def test_comments_are_append_only(api, org):
    decision = new_decision(api, org)
    url = f"/api/v1/decisions/{decision.pk}/comments/"
    body = api(org["weiyuan1"]).post(url, {"text": "同意。"}, format="json").json()
    for method in ("put", "patch", "delete"):
        assert getattr(api(org["weiyuan1"]), method)(url, {"text": "改"}, format="json").status_code == 405
    assert api(org["weiyuan1"]).delete(f"{url}{body['id']}/").status_code == 404  # no such endpoint
    comment = Comment.objects.get(pk=body["id"])
    comment.text = "改过"
    with pytest.raises(ValueError, match="只可追加"):
        comment.save()
    with pytest.raises(ValueError, match="只可追加"):
        comment.delete()
    with pytest.raises(UnauditedWriteError):
        Comment.objects.filter(pk=comment.pk).update(text="改过")
    with pytest.raises(ValueError, match="只可追加"):
        Comment.objects.filter(pk=comment.pk).delete()
    assert Comment.objects.get(pk=comment.pk).text == "同意。"


def test_comments_on_meetings_and_elections(api, org, clock):
    from tests.decisions.helpers import schedule, to_awaiting_meeting
    from tests.elections.helpers import request_election

    decision = new_decision(api, org)
    to_awaiting_meeting(api, org, decision.pk)
    meeting = schedule(api, org, [decision.pk])
    response = api(org["jiwei"]).post(f"/api/v1/meetings/{meeting.pk}/comments/", {"text": "请提前发材料"},
                                      format="json")
    assert response.status_code == 201
    assert api(org["sj_b01"]).get(f"/api/v1/meetings/{meeting.pk}/comments/").status_code == 404

    election = request_election(api, org["sj_b01"])
    url = f"/api/v1/elections/{election['id']}/comments/"
    assert api(org["b01_m1"]).post(url, {"text": "支持按期换届"}, format="json").status_code == 201
    assert api(org["sj_b02"]).post(url, {"text": "别的支部"}, format="json").status_code == 404
    assert api(org["zuzhi"]).get(url).json()["count"] == 1


@pytest.mark.postgres_only
def test_the_database_refuses_to_change_comment_and_attachment_history(api, org):
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the append-only triggers are PostgreSQL's")
    from workflows.materials.services import attachment_upload

    from .files import upload

    decision = new_decision(api, org)
    api(org["weiyuan1"]).post(f"/api/v1/decisions/{decision.pk}/comments/", {"text": "同意"}, format="json")
    attachment_upload(subject=decision, user=org["weiyuan1"], file=upload("方案.pdf"))
    for table, column in (("comments_historicalcomment", "text"), ("materials_historicalattachment", "sha256")):
        with pytest.raises(DatabaseError, match="只可追加"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {column} = 'x'")
