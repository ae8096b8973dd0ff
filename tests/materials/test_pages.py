"""The 附件 and 讨论 sections of the subject and task pages; their query counts do not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.decisions.helpers import task_for
from workflows.comments.services import comment_post
from workflows.materials.models import Attachment
from workflows.materials.services import attachment_upload

from .files import upload
from .helpers import new_decision, stored_files

pytestmark = pytest.mark.django_db


def test_upload_from_the_decision_page_and_see_it_listed(api, org, web):
    decision = new_decision(api, org)
    client = web(org["weiyuan1"])
    page = client.get(f"/decisions/{decision.pk}/").content.decode()
    assert "附件（0）" in page and 'enctype="multipart/form-data"' in page
    assert 'accept="image/*,' in page and "capture" not in page  # camera or gallery on phones, not forced
    response = client.post(f"/materials/decisions/{decision.pk}/upload/",
                           {"file": upload("截图.png"), "title": "现场照片", "next": f"/decisions/{decision.pk}/"})
    assert response.status_code == 302 and response["Location"] == f"/decisions/{decision.pk}/"
    page = client.get(f"/decisions/{decision.pk}/").content.decode()
    attachment = Attachment.objects.get()
    assert "附件（1）" in page and "现场照片" in page and "申报材料" in page and "KB" in page
    assert f"/materials/attachments/{attachment.pk}/download/" in page and "委员1" in page and ">image<" in page
    assert "确认撤回" in page

    download = client.get(f"/materials/attachments/{attachment.pk}/download/")
    assert download.status_code == 200 and "filename*=utf-8''%E6%88%AA%E5%9B%BE.png" in download["Content-Disposition"]
    assert web(org["sj_b02"]).get(f"/materials/attachments/{attachment.pk}/download/").status_code == 404


def test_a_refused_upload_shows_its_error_next_to_the_field_and_keeps_the_title(api, org, web):
    decision = new_decision(api, org)
    before = set(stored_files())
    response = web(org["weiyuan1"]).post(f"/materials/decisions/{decision.pk}/upload/",
                                         {"file": upload("方案.pdf", b"MZ\x90\x00" * 50), "title": "预算表"})
    html = response.content.decode()
    assert response.status_code == 400 and "文件内容与扩展名" in html and 'value="预算表"' in html
    assert "hp-field--error" in html and not Attachment.objects.exists() and set(stored_files()) == before
    missing = web(org["weiyuan1"]).post(f"/materials/decisions/{decision.pk}/upload/", {"title": "x"})
    assert missing.status_code == 400 and "请选择要上传的文件" in missing.content.decode()


def test_the_upload_and_withdraw_pages_refuse_the_wrong_people(api, org, web):
    decision = new_decision(api, org)
    assert web(org["shenji"]).get(f"/materials/decisions/{decision.pk}/upload/").status_code == 403
    assert web(org["sj_b02"]).get(f"/materials/decisions/{decision.pk}/upload/").status_code == 404
    assert web(org["weiyuan1"]).get(f"/materials/units/{decision.pk}/upload/").status_code == 404
    attachment = attachment_upload(subject=decision, user=org["weiyuan1"], file=upload("方案.pdf"))
    assert web(org["sj_b01"]).post(f"/materials/attachments/{attachment.pk}/withdraw/",
                                   {"reason": "x"}).status_code == 403
    page = web(org["shenji"]).get(f"/decisions/{decision.pk}/").content.decode()
    assert "方案" in page and 'enctype="multipart/form-data"' not in page and "确认撤回" not in page
    assert f"/comments/decisions/{decision.pk}/" not in page


def test_withdraw_from_the_page(api, org, web):
    decision = new_decision(api, org)
    attachment = attachment_upload(subject=decision, user=org["weiyuan1"], file=upload("方案.pdf"))
    client = web(org["weiyuan1"])
    empty = client.post(f"/materials/attachments/{attachment.pk}/withdraw/", {"reason": ""})
    assert empty.status_code == 400 and "请填写撤回理由" in empty.content.decode()
    done = client.post(f"/materials/attachments/{attachment.pk}/withdraw/",
                       {"reason": "版本有误", "next": f"/decisions/{decision.pk}/"})
    assert done.status_code == 302
    page = client.get(f"/decisions/{decision.pk}/").content.decode()
    assert "已撤回" in page and "版本有误" in page


def test_a_comment_from_the_page_shows_in_the_timeline(api, org, web):
    decision = new_decision(api, org)
    client = web(org["sj_b01"])
    assert "发表意见" in client.get(f"/decisions/{decision.pk}/").content.decode()
    empty = client.post(f"/comments/decisions/{decision.pk}/", {"text": ""})
    assert empty.status_code == 400 and "请填写讨论内容" in empty.content.decode()
    response = client.post(f"/comments/decisions/{decision.pk}/", {"text": "支委会建议补充测算。"})
    assert response.status_code == 302 and response["Location"] == f"/decisions/{decision.pk}/"
    page = client.get(f"/decisions/{decision.pk}/").content.decode()
    assert "支委会建议补充测算。" in page and "hp-timeline__item--comment" in page
    assert web(org["shenji"]).post(f"/comments/decisions/{decision.pk}/", {"text": "x"}).status_code == 403


def test_the_task_page_shows_the_subject_materials_and_takes_files(api, org, web):
    decision = new_decision(api, org)
    attachment_upload(subject=decision, user=org["weiyuan1"], file=upload("请示.docx"), title="申报书")
    task = task_for(decision, "branch_review")
    page = web(org["sj_b01"]).get(f"/workbench/tasks/{task.pk}/").content.decode()
    assert "申报书" in page and 'enctype="multipart/form-data"' not in page  # the reviewer reads it
    decision_page_task = web(org["sj_b01"]).post(f"/workbench/tasks/{task.pk}/", {"opinion": "return",
                                                                                  "comment": "请补充预算"})
    assert decision_page_task.status_code == 302
    revise = task_for(decision, "revise")
    page = web(org["weiyuan1"]).get(f"/workbench/tasks/{revise.pk}/").content.decode()
    assert "申报书" in page and 'enctype="multipart/form-data"' in page and f'name="next" value="/workbench/tasks/{revise.pk}/"' in page


def _fill(decision, org, count):
    for i in range(count):
        attachment_upload(subject=decision, user=org["weiyuan1"], file=upload("方案.pdf"), title=f"材料{i}")
        comment_post(subject=decision, user=org[("sj_b01", "weiyuan1", "dangban")[i % 3]], text=f"意见{i}")


@pytest.mark.parametrize("viewer", ["weiyuan1", "sj_b01"])
def test_lists_and_pages_cost_the_same_at_two_sizes(api, org, web, viewer):
    from workflows.models import User

    small, large = new_decision(api, org, title="小"), new_decision(api, org, title="大")
    _fill(small, org, 2)
    _fill(large, org, 9)

    def measure(url):
        client = api(User.objects.get(username=viewer))  # no permission caches carried over
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response.json()["count"]

    for what in ("attachments", "comments"):
        few, count_few = measure(f"/api/v1/decisions/{small.pk}/{what}/")
        many, count_many = measure(f"/api/v1/decisions/{large.pk}/{what}/")
        assert (count_few, count_many) == (2, 9) and few == many, what

    def page_queries(decision):  # the task page: the subject's 附件 list, the timeline with its 讨论
        client = web(User.objects.get(username="sj_b01"))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/workbench/tasks/{task_for(decision, 'branch_review').pk}/")
        assert response.status_code == 200 and "材料1" in response.content.decode()
        return len(queries)

    page_queries(small)  # warm the caches (content types, flows)
    assert page_queries(small) == page_queries(large)


def test_meeting_and_election_pages_have_the_sections(api, org, web, clock):
    from tests.decisions.helpers import schedule, to_awaiting_meeting
    from tests.elections.helpers import request_election

    decision = new_decision(api, org)
    to_awaiting_meeting(api, org, decision.pk)
    meeting = schedule(api, org, [decision.pk])
    office = web(org["dangban"]).get(f"/decisions/meetings/{meeting.pk}/").content.decode()
    assert "附件（0）" in office and f"/materials/meetings/{meeting.pk}/upload/" in office
    member = web(org["weiyuan2"]).get(f"/decisions/meetings/{meeting.pk}/").content.decode()
    assert "附件（0）" in member and "/upload/" not in member and f"/comments/meetings/{meeting.pk}/" in member

    election = request_election(api, org["sj_b01"])["id"]
    secretary = web(org["sj_b01"]).get(f"/elections/{election}/").content.decode()
    assert f"/materials/elections/{election}/upload/" in secretary and "换届请示" in secretary
    party_member = web(org["b01_m1"]).get(f"/elections/{election}/").content.decode()
    assert "/upload/" not in party_member and f"/comments/elections/{election}/" in party_member
