"""Small steps shared by the end-to-end browser tests: sign in as someone, do a task from the inbox."""

from __future__ import annotations

import re
from pathlib import Path

PASSWORD = "pw-for-e2e-1"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def step_codes() -> set[str]:
    """Every node name of every registered flow (none may reach the screen)."""
    from workflows.tasks import registered_flows

    return {node.name for entry in registered_flows().values() for node in entry.flow_class.instance.nodes()}


class Browser:
    """One browser tab that people take turns at (cookies are cleared between people)."""

    def __init__(self, page, live_server, name: str = "e2e"):
        self.page = page
        self.base = live_server.url
        self._passwords_set: set[str] = set()
        self.user = None
        self._action = None
        self.name = name
        self.shots = 0
        self.codes = step_codes()

    def check_page(self):
        """Nothing scrolls sideways, no step code is on screen; keep a screenshot of what people saw."""
        page = self.page
        width = page.viewport_size["width"]
        ARTIFACTS.mkdir(exist_ok=True)
        self.shots += 1
        page.screenshot(path=str(ARTIFACTS / f"{self.name}-{width}-{self.shots:02d}.png"), full_page=True)
        if page.evaluate("document.documentElement.scrollWidth") > width:
            wide = page.evaluate(
                """w => [...document.querySelectorAll('.hp-content *')]
                   .filter(e => e.getBoundingClientRect().right > w + 1
                                && ![...e.children].some(c => c.getBoundingClientRect().right > w + 1))
                   .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().width))""",
                width)
            raise AssertionError(f"{page.url} ({page.inner_text('h1')}) overflows {width} px: {wide}")
        text = page.inner_text("body")
        found = sorted(code for code in self.codes if re.search(rf"(?<![\w/.:-]){code}(?![\w/.:-])", text))
        assert not found, f"{page.url} shows step codes {found}"

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def goto(self, path: str):
        response = self.page.goto(self.url(path))
        self.page.wait_for_load_state("domcontentloaded")
        if response is not None and response.ok and self.user is not None:
            self.check_page()
        return response

    def sign_in(self, username: str):
        """Log in through the real login form (the previous person's session is dropped)."""
        from workflows.models import User

        if username not in self._passwords_set:
            user = User.objects.get(username=username)
            user.set_password(PASSWORD)
            user.save()
            self._passwords_set.add(username)
        self.page.context.clear_cookies()
        self.goto("/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state("domcontentloaded")
        assert "/accounts/login/" not in self.page.url, f"{username} could not log in"
        assert self.page.locator("h1", has_text="我的待办").is_visible()
        self.user = username
        return self.page

    def open_task(self, link_text: str):
        """From 我的待办, open the task whose title contains `link_text`."""
        self.goto("/workbench/")
        link = self.page.locator("td a", has_text=link_text)
        assert link.count() == 1, f"{self.user}: expected one task '{link_text}' in 我的待办, found {link.count()}"
        link.click()
        self.page.wait_for_load_state("domcontentloaded")
        assert "/workbench/tasks/" in self.page.url
        assert self.page.locator(".hp-actionbar button[type=submit]").first.is_visible()
        self.check_page()
        self._action = None
        return self.page

    def choose(self, name: str, value: str):
        """Pick a big choice button: the step's action (tapped on submit, then 确认) or an in-form choice."""
        action = self.page.locator(f".hp-actionbar button[name={name}][value='{value}']")
        if action.count():
            self._action = action
        else:
            self.page.check(f"input[name={name}][value='{value}']")

    def submit_task(self, expect_title: str):
        """Tap the chosen action and 确认 (or 提交); the inbox shows the success message."""
        with self.page.expect_navigation():
            if self._action is not None:
                self._action.click()
                self.page.click("dialog.hp-confirm button[value=ok]")
            else:
                self.page.click(".hp-actionbar button[type=submit]:not([name])")
        self._action = None
        self.page.wait_for_load_state("domcontentloaded")
        if "/workbench/tasks/" in self.page.url:  # the form came back with errors
            errors = self.page.locator(".hp-error, .hp-errors").all_inner_texts()
            raise AssertionError(f"{self.user}: task form refused: {errors}")
        assert self.page.url.rstrip("/").endswith("/workbench"), self.page.url
        assert f"已办理：{expect_title}" in self.page.content()

    def do_task(self, link_text: str, fill=None):
        """Open a task from the inbox, fill it (callback gets the page) and submit it."""
        page = self.open_task(link_text)
        if fill is not None:
            fill(page)
        self.submit_task(link_text)
        return page

    def no_task(self, link_text: str) -> bool:
        self.goto("/workbench/")
        return self.page.locator("td a", has_text=link_text).count() == 0

    def text(self) -> str:
        return self.page.inner_text(".hp-content")
