"""Attachments through the API: types by content, size, privacy, who may upload and withdraw, freezing, history."""

import hashlib
from urllib.parse import quote

import pytest
from django.test import override_settings

from tests.decisions.helpers import do
from workflows.audit import UnauditedWriteError
from workflows.materials.models import Attachment

from .files import ALLOWED, EXE, OLE, upload, zip_bytes
from .helpers import new_decision, post_file, stored_files

pytestmark = pytest.mark.django_db

SHAPE = {"id", "title", "filename", "size", "content_type", "sha256", "uploaded_by", "uploaded_at", "withdrawn"}


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_each_allowed_type_is_stored_with_its_hash_and_type(api, org, name):
    decision = new_decision(api, org)
    data, content_type = ALLOWED[name]
    response = post_file(api(org["weiyuan1"]), "decisions", decision.pk, upload(name))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) >= SHAPE
    assert body["filename"] == name and body["title"] == name.rsplit(".", 1)[0]
    assert body["size"] == len(data) and body["content_type"] == content_type
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["uploaded_by"] == "weiyuan1" and body["withdrawn"] is False and body["step"] == "proposal"
    stored = Attachment.objects.get(pk=body["id"])
    assert stored.file.read() == data


@pytest.mark.parametrize(("name", "data", "words"), [
    ("方案.pdf", EXE, "不符"),  # an .exe renamed to .pdf
    ("请示.docx", zip_bytes({"evil.exe": EXE}), "不符"),  # any other zip is not a Word file
    ("表.xlsx", zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}), "不符"),
    ("方案.pdf", OLE, "不符"),
    ("说明.txt", b"plain text, not allowed", "无法识别"),
    ("空.pdf", b"", "空"),
])
def test_a_forbidden_file_is_refused_in_chinese_and_nothing_is_stored(api, org, name, data, words):
    decision = new_decision(api, org)
    before = set(stored_files())
    response = post_file(api(org["weiyuan1"]), "decisions", decision.pk, upload(name, data))
    assert response.status_code == 400
    message = " ".join(response.json()["errors"]["file"])
    assert words in message
    assert not Attachment.objects.exists() and not Attachment.history.exists()
    assert set(stored_files()) == before


@override_settings(ATTACHMENT_MAX_BYTES=100)
def test_a_file_over_the_size_limit_is_refused(api, org):
    decision = new_decision(api, org)
    before = set(stored_files())
    response = post_file(api(org["weiyuan1"]), "decisions", decision.pk, upload("方案.pdf", ALLOWED["方案.pdf"][0] * 3))
    assert response.status_code == 400
    assert "不能超过" in response.json()["errors"]["file"][0]
    assert not Attachment.objects.exists() and set(stored_files()) == before


def test_download_follows_the_subject_visibility_with_a_chinese_file_name(api, org):
    decision = new_decision(api, org)
    body = post_file(api(org["weiyuan1"]), "decisions", decision.pk, upload("方案.pdf")).json()
    url = f"/api/v1/attachments/{body['id']}/download/"
    assert api(org["sj_b02"]).get(url).status_code == 404  # another branch's secretary
    assert api(org["outsider"]).get(url).status_code == 404
    response = api(org["sj_b01"]).get(url)  # the responsible department's secretary sees the decision
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == ALLOWED["方案.pdf"][0]
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"filename*=utf-8''{quote('方案.pdf')}" in disposition
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert api(org["shenji"]).get(url).status_code == 200  # the auditor reads what he may see


def test_the_list_is_for_whoever_may_see_the_subject(api, org):
    decision = new_decision(api, org)
    post_file(api(org["weiyuan1"]), "decisions", decision.pk, upload("方案.pdf"))
    assert api(org["sj_b02"]).get(f"/api/v1/decisions/{decision.pk}/attachments/").status_code == 404
    listed = api(org["shenji"]).get(f"/api/v1/decisions/{decision.pk}/attachments/").json()
    assert listed["count"] == 1 and listed["results"][0]["filename"] == "方案.pdf"
    assert api(org["weiyuan1"]).get("/api/v1/units/1/attachments/").status_code == 404


def test_who_may_upload(api, org):
    decision = new_decision(api, org)
    for name, status in [("shenji", 403), ("sj_b01", 403), ("dangban", 403), ("sj_b02", 404), ("outsider", 404)]:
        before = set(stored_files())
        response = post_file(api(org[name]), "decisions", decision.pk, upload("方案.pdf"))
        assert response.status_code == status, name
        assert set(stored_files()) == before
    assert not Attachment.objects.exists()


def test_an_expert_attaches_a_written_opinion_to_his_own_task(api, org):
    decision = new_decision(api, org, needs_expert_review=True)
    do(api, org, decision.pk, "branch_review", "sj_b01", {"opinion": "approve", "comment": "同意"})
    response = post_file(api(org["zhuanjia1"]), "decisions", decision.pk, upload("请示.docx"), title="专家意见")
    assert response.status_code == 201 and response.json()["step"] == "expert_opinion"
    assert post_file(api(org["weiyuan1"]), "decisions", decision.pk, upload("方案.pdf")).status_code == 403
    do(api, org, decision.pk, "expert_review", "zhuanjia1", {"opinion": "agree", "comment": "可行"})
    assert post_file(api(org["zhuanjia1"]), "decisions", decision.pk, upload("方案.pdf")).status_code == 403
    assert api(org["zhuanjia1"]).get(f"/api/v1/decisions/{decision.pk}/attachments/").json()["results"][0]["frozen"]


def test_withdrawal_keeps_the_file_and_its_hash_and_is_in_the_history(api, org):
    decision = new_decision(api, org)
    body = post_file(api(org["weiyuan1"]), "decisions", decision.pk, upload("方案.pdf")).json()
    url = f"/api/v1/attachments/{body['id']}/withdraw/"
    assert api(org["sj_b01"]).post(url, {"reason": "不是上传人"}, format="json").status_code == 403
    assert api(org["shenji"]).post(url, {"reason": "审计"}, format="json").status_code == 403
    assert api(org["sj_b02"]).post(url, {"reason": "别的支部"}, format="json").status_code == 404
    refused = api(org["weiyuan1"]).post(url, {"reason": " "}, format="json")
    assert refused.status_code == 400 and refused.json()["errors"]["reason"] == ["请填写撤回理由。"]
    response = api(org["weiyuan1"]).post(url, {"reason": "上传错了版本"}, format="json")
    assert response.status_code == 200
    assert response.json()["withdrawn"] is True and response.json()["sha256"] == body["sha256"]
    assert api(org["weiyuan1"]).post(url, {"reason": "再次"}, format="json").status_code == 409
    download = api(org["shenji"]).get(f"/api/v1/attachments/{body['id']}/download/")
    assert b"".join(download.streaming_content) == ALLOWED["方案.pdf"][0]

    history = api(org["shenji"]).get(f"/api/v1/decisions/{decision.pk}/history/").json()
    rows = [e for e in history if e["object"] == f"attachment:{body['id']}"]
    assert [(r["action"], r["user"]) for r in rows] == [("created", "weiyuan1"), ("changed", "weiyuan1")]
    assert rows[0]["reason"] == "上传附件（申报材料）：方案" and rows[0]["changes"]["sha256"][1] == body["sha256"]
    assert rows[1]["reason"] == "撤回附件：上传错了版本" and rows[1]["changes"]["withdrawn"] == [False, True]


def test_office_staff_may_withdraw_any_file(api, org):
    decision = new_decision(api, org)
    body = post_file(api(org["weiyuan1"]), "decisions", decision.pk, upload("截图.png")).json()
    response = api(org["dangban"]).post(f"/api/v1/attachments/{body['id']}/withdraw/", {"reason": "涉密"},
                                        format="json")
    assert response.status_code == 200 and response.json()["withdrawn_by"] == "dangban"


def test_a_file_of_a_finished_step_is_frozen(api, org):
    decision = new_decision(api, org)
    body = post_file(api(org["weiyuan1"]), "decisions", decision.pk, upload("方案.pdf")).json()
    assert body["frozen"] is False
    do(api, org, decision.pk, "branch_review", "sj_b01", {"opinion": "approve", "comment": "同意"})
    assert post_file(api(org["weiyuan1"]), "decisions", decision.pk, upload("截图.png")).status_code == 403
    attachment = Attachment.objects.get(pk=body["id"])
    assert attachment.frozen
    attachment.sha256 = "0" * 64
    with pytest.raises(ValueError, match="不可修改"):
        attachment.save()
    with pytest.raises(UnauditedWriteError):
        Attachment.objects.filter(pk=attachment.pk).update(sha256="0" * 64)
    with pytest.raises(ValueError, match="不可删除"):
        Attachment.objects.get(pk=attachment.pk).delete()
    withdrawn = api(org["weiyuan1"]).post(f"/api/v1/attachments/{body['id']}/withdraw/", {"reason": "已被新版取代"},
                                          format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["frozen"] is True
    assert Attachment.objects.get(pk=body["id"]).file.read() == ALLOWED["方案.pdf"][0]


def test_the_proposer_adds_files_again_while_revising(api, org):
    decision = new_decision(api, org)
    do(api, org, decision.pk, "branch_review", "sj_b01", {"opinion": "return", "comment": "补充预算"})
    response = post_file(api(org["weiyuan1"]), "decisions", decision.pk, upload("预算.xlsx"))
    assert response.status_code == 201 and response.json()["step"] == "proposal"


def test_the_implementer_attaches_execution_evidence(api, org, clock):
    from tests.decisions.helpers import to_awaiting_meeting
    from tests.decisions.test_routes_api import _meeting_to_end

    decision = new_decision(api, org)
    to_awaiting_meeting(api, org, decision.pk)
    assert post_file(api(org["weiyuan1"]), "decisions", decision.pk, upload("方案.pdf")).status_code == 403
    _meeting_to_end(api, org, clock, [decision.pk])
    response = post_file(api(org["weiyuan1"]), "decisions", decision.pk, upload("照片.jpg"), title="验收照片")
    assert response.status_code == 201 and response.json()["step"] == "evidence"
    assert post_file(api(org["dangban"]), "decisions", decision.pk, upload("照片.jpg")).status_code == 403
    do(api, org, decision.pk, "implement", "weiyuan1", {"report": "已全部完成", "done": True})
    assert post_file(api(org["weiyuan1"]), "decisions", decision.pk, upload("照片.jpg")).status_code == 403


def test_the_legal_counsel_attaches_the_legal_opinion_while_the_review_is_open(api, org, clock):
    from tests.decisions.test_legal_and_office import _to_risk_done

    decision = new_decision(api, org, category="large_fund", amount=900000)
    assert post_file(api(org["falv"]), "decisions", decision.pk, upload("方案.pdf")).status_code == 403  # not yet
    _to_risk_done(api, org, decision.pk)
    response = post_file(api(org["falv"]), "decisions", decision.pk, upload("请示.docx"), title="法律意见书")
    assert response.status_code == 201 and response.json()["step"] == "legal_opinion"
    assert post_file(api(org["dangban"]), "decisions", decision.pk, upload("方案.pdf")).status_code == 403
    do(api, org, decision.pk, "legal_review", "falv", {"opinion": "lawful", "comment": "合法合规"})
    assert post_file(api(org["falv"]), "decisions", decision.pk, upload("方案.pdf")).status_code == 403
    listed = api(org["falv"]).get(f"/api/v1/decisions/{decision.pk}/attachments/").json()["results"]
    assert [(a["step"], a["frozen"]) for a in listed] == [("legal_opinion", True)]
