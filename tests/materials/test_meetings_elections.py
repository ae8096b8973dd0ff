"""The 会议材料 pack (office staff, sent to every member as links) and election documents (请示, 选举办法, 结果报告)."""

import pytest

from tests.decisions.helpers import attendance, schedule, to_awaiting_meeting
from tests.elections.helpers import complete, request_election, to_election_meeting
from workflows.models import Notification

from .files import upload
from .helpers import new_decision, post_file

pytestmark = pytest.mark.django_db


def test_the_meeting_pack_goes_to_every_member_as_links(api, org, clock):
    decision = new_decision(api, org)
    to_awaiting_meeting(api, org, decision.pk)
    meeting = schedule(api, org, [decision.pk])
    for name in ("weiyuan1", "shenji", "sj_b01"):
        assert post_file(api(org[name]), "meetings", meeting.pk, upload("汇报.pptx")).status_code in (403, 404), name
    response = post_file(api(org["dangban"]), "meetings", meeting.pk, upload("汇报.pptx"), title="会议议程与汇报材料")
    assert response.status_code == 201 and response.json()["step"] == "meeting_pack"
    notices = Notification.objects.filter(kind="meeting_materials")
    assert notices.count() == 9  # every committee member
    body = notices.first().body
    assert "会议议程与汇报材料" in body and f"/materials/attachments/{response.json()['id']}/download/" in body

    # A changed notice carries the pack too.
    from decisions.services.meeting import meeting_reschedule

    meeting_reschedule(meeting=meeting, user=org["dangban"], title=meeting.title, scheduled_at=meeting.scheduled_at,
                       place="二号会议室", agenda=[decision.pk])
    changed = Notification.objects.filter(kind="meeting_rescheduled").first()
    assert f"/materials/attachments/{response.json()['id']}/download/" in changed.body

    clock.move_to(meeting.scheduled_at)
    assert attendance(api, org, meeting).status_code == 200
    assert post_file(api(org["dangban"]), "meetings", meeting.pk, upload("方案.pdf")).status_code == 403  # held
    assert api(org["weiyuan1"]).get(f"/api/v1/meetings/{meeting.pk}/attachments/").json()["results"][0]["frozen"]


def test_election_documents_by_the_branch_secretary_and_organization_staff(api, org):
    election = request_election(api, org["sj_b01"])
    url = f"/api/v1/elections/{election['id']}/attachments/"
    response = post_file(api(org["sj_b01"]), "elections", election["id"], upload("请示.docx"), title="换届请示")
    assert response.status_code == 201 and response.json()["step"] == "election_request"
    assert post_file(api(org["sj_b02"]), "elections", election["id"], upload("方案.pdf")).status_code == 404
    assert post_file(api(org["b01_m1"]), "elections", election["id"], upload("方案.pdf")).status_code == 403
    assert post_file(api(org["shenji"]), "elections", election["id"], upload("方案.pdf")).status_code == 403
    download = f"/api/v1/attachments/{response.json()['id']}/download/"
    assert api(org["sj_b02"]).get(download).status_code == 404  # another branch's secretary
    assert api(org["b01_m1"]).get(download).status_code == 200  # a member of the branch sees its election
    assert api(org["shenji"]).get(download).status_code == 200
    complete(api(org["zuzhi"]), election["id"], "request_approval", {"approve": True, "comment": "同意"})
    assert post_file(api(org["sj_b01"]), "elections", election["id"], upload("方案.pdf")).status_code == 403
    assert api(org["zuzhi"]).get(url).json()["results"][0]["frozen"] is True


def test_the_election_method_and_result_report(api, org):
    eid = to_election_meeting(api, org)  # the plan is approved: the method is frozen, the meeting is open
    assert post_file(api(org["zuzhi"]), "elections", eid, upload("方案.pdf")).status_code == 403
    complete(api(org["sj_b01"]), eid, "election_meeting", {
        "eligible": 9, "present": 9, "ballots_issued": 9, "ballots_returned": 9, "invalid": 0,
        "votes": {"b01_m1": 8, "b01_m2": 7, "b01_m3": 6, "b01_m4": 2}})
    response = post_file(api(org["sj_b01"]), "elections", eid, upload("汇报.pptx"), title="选举结果报告")
    assert response.status_code == 201 and response.json()["step"] == "election_report"
    by_zuzhi = post_file(api(org["zuzhi"]), "elections", eid, upload("方案.pdf"))
    assert by_zuzhi.status_code == 201 and by_zuzhi.json()["step"] == "election_report"
