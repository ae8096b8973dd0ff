"""A person logs in and finds their inbox and the organisation, on a laptop and a phone."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_shows_chinese_inbox_and_organisation(org, login, live_server):
    page = login("sj_b01")
    assert "/workbench/" in page.url
    assert page.locator("h1", has_text="我的待办").is_visible()
    assert "暂无待办事项" in page.content()
    page.goto(f"{live_server.url}/organisation/")
    assert page.locator("td a", has_text="内科党支部").is_visible()
    assert page.locator("td a", has_text="外科党支部").count() == 0
    page.screenshot(path="/tmp/shot-org.png", full_page=True)


def test_wrong_password_is_refused_in_chinese(org, page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "sj_b01")
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "用户名或密码不正确" in page.content()


def test_phone_layout_keeps_tables_readable(org, login, live_server, page):
    page.set_viewport_size({"width": 390, "height": 844})
    login("zuzhi")
    page.goto(f"{live_server.url}/organisation/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"page scrolls sideways on a phone ({width}px)"
    page.screenshot(path="/tmp/shot-phone.png", full_page=True)
