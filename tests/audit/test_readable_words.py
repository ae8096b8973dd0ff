"""Words people read: no step codes, raw ids or English on the pages; names, not usernames."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import time_machine
from django.template.loader import get_template

from decisions.models import Decision
from tests.decisions.helpers import START, attendance, do, schedule, submit, to_awaiting_meeting, vote_all
from tests.elections.helpers import complete, to_election_meeting, today
from workflows.audit.trail import readable_entries
from workflows.models import Unit, User
from workflows.pages import process_timeline
from workflows.tasks import process_for

# Step codes (branch_review), object ids (task:194), engine words (EXCLUSIVE_GATEWAY, Votes In).
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b|\b[a-z]+:\d+\b|\b[A-Z]{2,}_[A-Z_]+\b|Votes In|Experts Answered|\bHUMAN\b")


class _MainText(HTMLParser):
    """The visible text of the page's content area, without scripts, icons and the diagram (its own engineer)."""

    SKIP = {"script", "style", "svg"}

    def __init__(self):
        super().__init__()
        self.parts, self._in_main, self._skip = [], 0, 0
        self._stack = []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        skip = tag in self.SKIP or "material-icons" in classes
        main = "hp-content" in classes
        self._stack.append((tag, skip, main))
        self._skip += skip
        self._in_main += main

    def handle_endtag(self, tag):
        while self._stack:
            name, skip, main = self._stack.pop()
            self._skip -= skip
            self._in_main -= main
            if name == tag:
                break

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_data(self, data):
        if self._in_main and not self._skip:
            self.parts.append(data)


VOID = re.compile(r"<(input|br|hr|img|meta|link|col|source|wbr)\b([^>]*?)/?>", re.I)


def page_text(response) -> str:
    assert response.status_code == 200, response.status_code
    parser = _MainText()
    parser.feed(VOID.sub("", response.content.decode()))
    return " ".join(" ".join(parser.parts).split())


def assert_readable(text: str, usernames=()):
    assert not CODE.findall(text), sorted(set(CODE.findall(text)))
    shown = [name for name in usernames if re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text)]
    assert not shown, shown


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _decision_route(api, org, clock):
    """A decision with expert review through meeting, vote, minutes and implementation."""
    pk = submit(api, org["dangban"], category="major_project", amount="100000")["id"]
    to_awaiting_meeting(api, org, pk, experts=True)
    meeting = schedule(api, org, [pk])
    clock.move_to(meeting.scheduled_at + timedelta(minutes=5))
    assert attendance(api, org, meeting).status_code == 200
    vote_all(api, org, pk, "agree", skip=("weiyuan6",))
    decision = Decision.objects.get(pk=pk)
    waiting = process_timeline(process_for(decision))
    titles = [item["title"] for item in waiting]
    assert "表决" in titles and "待上会" in titles  # human steps and waits
    assert not [t for t in titles if t.isascii()], titles  # never the vote join or a gateway
    vote_all(api, org, pk, "agree")
    do(api, org, pk, "secretary_vote", "shuji", {"vote": "agree", "defer": False, "comment": "同意"})
    do(api, org, meeting, "minutes_draft", "dangban", {"text": "会议纪要正文"})
    do(api, org, meeting, "minutes_approve", "shuji", {"approve": True, "comment": ""})
    do(api, org, pk, "implement", "dangban", {"report": "全部完成", "done": True})
    return decision, meeting


def test_decision_meeting_and_trail_pages_show_no_codes_after_a_full_route(org, api, web, clock):
    decision, meeting = _decision_route(api, org, clock)
    usernames = list(org)
    client = web(org["shenji"])
    pages = (f"/decisions/{decision.pk}/", f"/decisions/meetings/{meeting.pk}/", "/audit/", "/audit/?page=2",
             "/audit/?flow=decision", "/audit/?flow=decision&page=2", "/audit/?flow=meeting")
    for url in pages:
        text = page_text(client.get(url))
        assert "变更" in text
        assert_readable(text, usernames)
    trail = page_text(client.get("/audit/?flow=decision"))
    assert "任务“" in trail and "党办陈" in trail


def test_history_diffs_show_labels_names_and_objects(org, api, clock):
    from decisions.selectors import decision_history

    pk = submit(api, org["dangban"])["id"]
    do(api, org, pk, "branch_review", "sj_b01", {"opinion": "approve", "comment": "支委会同意"})
    entries = readable_entries(decision_history(Decision.objects.get(pk=pk)))
    opinion = next(e for e in entries if e.get("model") == "decisions.opinion")
    changes = {c["label"]: c["new"] for c in opinion["changes_display"]}
    assert changes["意见"] == "同意" and changes["填写人"] == "内科书记" and changes["议题"] == "门诊楼改造项目"
    assert changes["任务"] == "党支部前置研究"
    created = next(e for e in entries if e.get("model") == "decisions.decision" and e["action"] == "created")
    assert {c["label"]: c["new"] for c in created["changes_display"]}["申请专家论证"] == "否"
    assert created["object_display"] == "三重一大议题“门诊楼改造项目”"
    done = next(e for e in entries if e["action"] == "step_completed" and e["object_label"] == "党支部前置研究")
    assert done["object_display"] == "任务“党支部前置研究”" and done["user_name"] == "内科书记"
    assert done["changes_display"] == [
        {"field": "step", "label": "步骤", "old": "党支部前置研究", "new": None},
        {"field": "status", "label": "状态", "old": None, "new": "已完成"},
    ]
    # the API keeps its shape and codes
    history = api(org["shenji"]).get(f"/api/v1/decisions/{pk}/history/").json()
    assert any(e["action"] == "step_completed" and e["changes"]["step"][0] == "branch_review" for e in history)
    assert all("object_display" not in e for e in history)


def test_trail_operator_filter_by_name(org, api, web):
    pk = submit(api, org["dangban"])["id"]
    client = web(org["shenji"])
    by_name = client.get("/audit/", {"user": "党办陈", "model": "decisions.decision"})
    assert by_name.status_code == 200
    assert by_name.context["entries"] and {e["user"] for e in by_name.context["entries"]} == {"dangban"}
    assert "党办陈" in by_name.content.decode() and 'list="hp-trail-operators"' in by_name.content.decode()
    unknown = client.get("/audit/", {"user": "无此人"})
    assert unknown.status_code == 400 and "没有这个用户：无此人。" in unknown.content.decode()
    # two people of the same name: pick the one with the party organisation
    User.objects.create(username="dangban_b01", name="党办陈", unit=Unit.objects.get(code="b01"))
    ambiguous = client.get("/audit/", {"user": "党办陈"})
    assert ambiguous.status_code == 400 and "有多位人员名叫 党办陈" in ambiguous.content.decode()
    picked = client.get("/audit/", {"user": "党办陈（外科党支部）", "model": "decisions.decision"})
    assert picked.status_code == 200 and {e["user"] for e in picked.context["entries"]} == {"dangban"}
    # the API keeps ?user=<username>
    body = api(org["shenji"]).get("/api/v1/audit/", {"user": "dangban", "model": "decisions.decision"}).json()
    assert body["count"] >= 1 and {e["object_id"] for e in body["results"]} == {pk}


def test_error_pages_are_chinese(org, web):
    client = web(org["shenji"])
    forbidden = client.get("/decisions/new/")
    html = forbidden.content.decode()
    assert forbidden.status_code == 403 and "无权访问" in html and "审计孙" in html and "换个账号登录" in html
    assert "Forbidden" not in html and "LOG IN" not in html.upper().replace("登录", "")
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "页面不存在" in missing.content.decode()
    assert "Not Found" not in missing.content.decode()
    assert "系统出错" in get_template("500.html").render({})


def test_auditor_menu_has_no_create_entries(org, web):
    auditor = web(org["shenji"]).get("/decisions/").content.decode()
    assert "申报议题" not in auditor and "议题" in auditor
    elections = web(org["shenji"]).get("/elections/").content.decode()
    assert "发起换届" not in elections and "提出换届请示" not in elections
    office = web(org["dangban"]).get("/decisions/").content.decode()
    assert "申报议题" in office and "党委会" in office


def test_election_and_unit_pages_show_names_and_the_new_term(org, api, web):
    sec, zuzhi = api(org["sj_b01"]), api(org["zuzhi"])
    eid = to_election_meeting(api, org)
    complete(sec, eid, "election_meeting", {
        "held_on": today().isoformat(), "eligible": 15, "present": 13, "ballots_issued": 13,
        "ballots_returned": 13, "invalid": 0, "votes": {"b01_m1": 12, "b01_m2": 11, "b01_m3": 9, "b01_m4": 2}})
    complete(sec, eid, "officer_election", {"secretary": "b01_m1"})
    complete(zuzhi, eid, "result_approval", {"approve": True, "comment": "同意"})
    client = web(org["shenji"])
    page = page_text(client.get(f"/elections/{eid}/"))
    assert_readable(page, [u for u in org if u.startswith("b01_")])
    assert "内科党员1" in page and "方案批复" in page
    assert f"党员大会日期 {today():%Y-%m-%d}（已召开）" in page
    assert_readable(page_text(client.get("/elections/")), list(org))
    unit = page_text(web(org["shuji"]).get("/organisation/units/b01/"))
    new_term = Unit.objects.get(code="b01").current_term
    assert f"本届任期 {new_term.started:%Y-%m-%d} — {new_term.effective_end:%Y-%m-%d}" in unit
    assert "书记 内科党员1" in unit and "内科党员2" in unit
    assert "最近换届" in unit
    assert_readable(unit, list(org))


def test_csrf_failure_page_is_chinese(org):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "shuji", "password": "x"})
    html = response.content.decode()
    assert response.status_code == 403 and "页面已过期" in html and "CSRF" not in html
