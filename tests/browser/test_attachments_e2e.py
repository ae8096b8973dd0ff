"""On a phone and a desktop the proposer uploads a file on the decision page, sees it listed and comments."""

import pytest

from tests.decisions.helpers import submit
from tests.materials.files import png

from .helpers import Browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_on_the_decision_page(org, api, page, live_server):
    from workflows.materials.models import Attachment

    decision_id = submit(api, org["weiyuan1"], title="门诊楼改造项目")["id"]
    b = Browser(page, live_server, name="attachments")
    b.sign_in("weiyuan1")
    b.goto(f"/decisions/{decision_id}/")
    file_input = page.locator("input[type=file][name=file]")
    assert "image/*" in file_input.get_attribute("accept") and file_input.get_attribute("capture") is None
    file_input.set_input_files(files=[{"name": "预算.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00" * 64}])
    assert page.inner_text(".hp-filepick__name") == "预算.pdf"
    with page.expect_navigation():
        page.click("form.hp-upload button[type=submit]")
    assert "文件内容与扩展名" in page.inner_text(".hp-field--error")  # an .exe renamed .pdf, next to the field
    b.check_page()
    page.locator("input[type=file][name=file]").set_input_files(files=[{
        "name": "门诊楼改造现场照片（东侧入口及候诊区）.png", "mimeType": "image/png", "buffer": png()}])
    page.fill("input[name=title]", "现场照片")
    with page.expect_navigation():
        page.click("form.hp-upload button[type=submit]")
    assert page.url.endswith(f"/decisions/{decision_id}/")
    assert "已上传附件：现场照片" in b.text()
    row = page.locator(".hp-file").first
    assert "现场照片" in row.inner_text() and "KB" in row.inner_text() and "委员1" in row.inner_text()
    assert row.locator(".hp-file__download").bounding_box()["height"] >= 44
    b.check_page()  # listed, nothing wider than the screen

    page.fill("textarea[name=text]", "照片已补充，请支部审阅。")
    with page.expect_navigation():
        page.click("#comments button[type=submit]")
    assert "照片已补充，请支部审阅。" in page.inner_text(".hp-timeline")
    b.check_page()
    assert Attachment.objects.get().filename == "门诊楼改造现场照片（东侧入口及候诊区）.png"
