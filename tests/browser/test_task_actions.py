"""The task actions in the browser at 390 and 1366 px: the actions area, 我的委托, 抄送我的, 催办."""

import pytest
from rest_framework.test import APIClient

from tests.decisions.helpers import proposal

from .helpers import Browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _tap_targets_ok(page, selector):
    sizes = page.eval_on_selector_all(selector, "els => els.map(e => e.getBoundingClientRect().height)")
    assert sizes and min(sizes) >= 44, sizes


def test_task_actions_pages(org, page, live_server):
    from decisions.models import Decision
    from tests.decisions.helpers import task_for

    body = _api(org["sj_b01"]).post("/api/v1/decisions/", proposal(), format="json").json()
    decision = Decision.objects.get(pk=body["id"])
    task = task_for(decision, "branch_review")
    browser = Browser(page, live_server, name="actions")
    browser.sign_in("sj_b01")
    browser.goto(f"/workbench/tasks/{task.pk}/")
    assert page.locator(".hp-actions h2", has_text="更多操作").is_visible()
    for summary in page.locator(".hp-actions summary").all():
        summary.click()
    page.locator(".hp-actions textarea[name=question]").fill("请就预算提出意见")
    browser.check_page()
    _tap_targets_ok(page, ".hp-actions button, .hp-actions summary")
    page.locator(".hp-actions form[action$='/consult/'] label", has_text="赵纪委").first.click()
    with page.expect_navigation():
        page.locator(".hp-actions form[action$='/consult/'] button[type=submit]").click()
    assert "已向 赵纪委 征求意见" in page.content()
    browser.check_page()

    browser.goto("/workbench/delegations/")
    _tap_targets_ok(page, ".hp-task button[type=submit]")
    with page.expect_navigation():
        page.click(".hp-task button[type=submit]")
    assert "请选择受托人。" in page.content()
    browser.check_page()

    _api(org["sj_b01"]).post(f"/api/v1/tasks/{task.pk}/cc/", {"to": ["shuji"], "note": "请阅"}, format="json")
    browser.sign_in("shuji")
    browser.goto("/workbench/cc/")
    assert page.locator(".hp-worklist__title", has_text=decision.title).is_visible()

    browser.sign_in("dangban")
    browser.goto(f"/decisions/{decision.pk}/")
    urge = page.locator(".hp-stepbar__urge")
    assert urge.is_visible()
    urge.click()
    page.wait_for_load_state("domcontentloaded")
    browser.check_page()
    with page.expect_navigation():
        page.click(".hp-task button[type=submit]")
    assert "已催办" in page.content()
    browser.goto(f"/workbench/processes/{task.process_id}/urge/")
    with page.expect_navigation():
        page.click(".hp-task button[type=submit]")
    assert "24小时内已催办过" in page.content()
    browser.check_page()


def test_a_long_people_list_is_searched_by_name(org, page, live_server, settings):
    """Past PEOPLE_PICKER_LIST_MAX the 抄送 picker lists nobody until one types a name, then ticks a result."""
    from decisions.models import Decision
    from tests.decisions.helpers import task_for

    settings.PEOPLE_PICKER_LIST_MAX = 3
    body = _api(org["sj_b01"]).post("/api/v1/decisions/", proposal(), format="json").json()
    task = task_for(Decision.objects.get(pk=body["id"]), "branch_review")
    browser = Browser(page, live_server, name="picker-search")
    browser.sign_in("sj_b01")
    browser.goto(f"/workbench/tasks/{task.pk}/")
    form = page.locator(".hp-actions form[action$='/cc/']")
    form.locator("xpath=ancestor::details").locator("summary").click()
    assert form.locator(".hp-picker__item").count() == 0
    assert form.locator("[data-picker-hint]").is_visible()
    form.locator(".hp-picker__search").fill("纪委")
    form.locator("label", has_text="赵纪委").wait_for()
    assert form.locator(".hp-picker__item").count() == 1
    form.locator("label", has_text="赵纪委").click()
    form.locator(".hp-picker__search").fill("院长")
    form.locator("label", has_text="李院长").wait_for()
    assert form.locator("label", has_text="赵纪委").is_visible()  # a ticked person stays
    browser.check_page()
    _tap_targets_ok(page, ".hp-actions form[action$='/cc/'] .hp-picker__item label")
    form.locator("label", has_text="李院长").click()
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "已抄送给" in page.content() and "赵纪委" in page.content() and "李院长" in page.content()
