"""A branch election (三上三下) done entirely in the browser, ending in a new term and a new secretary."""

import pytest
from django.utils import timezone

from workflows.models import add_years

from .helpers import Browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ELECTION = "内科党支部换届选举"
CANDIDATES = ["wy_b01", "b01_m1", "b01_m2", "b01_m3"]  # 3 seats need at least 4 candidates (差额 20%)


def pk(username):
    from workflows.models import User

    return User.objects.get(username=username).pk


def pick(page, field, username):
    """Tick a person in a people picker (its boxes carry user ids)."""
    page.check(f"input[name={field}][value='{pk(username)}']")


def test_branch_election_from_request_to_new_term(org, page, live_server):
    from elections.models import Election, Recommendation

    b = Browser(page, live_server, name="election")
    today = timezone.localdate()

    # --- 一上: the branch secretary asks for the election ----------------------------------------
    b.sign_in("sj_b01")
    b.goto("/elections/new/")
    assert page.locator("h1", has_text="换届请示（一上）").is_visible()
    page.select_option("#id_unit", "b01")
    page.fill("#id_planned_date", today.isoformat())
    page.fill("#id_seats", "2")  # 15 full members: a committee of 3-7 is required
    page.click("form.hp-form button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    assert "委员职数应为3至7名" in b.text()
    assert not Election.objects.exists()
    page.fill("#id_seats", "3")
    page.click("form.hp-form button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    election = Election.objects.get()
    detail_url = f"/elections/{election.pk}/"
    assert page.url.endswith(detail_url)
    assert "换届请示已提交，等待组织部门批复。" in b.text()
    assert "请示批复" in page.locator(".hp-dl").inner_text()

    # --- 一下: organization staff approve ------------------------------------------------------------
    b.sign_in("zuzhi")

    def approve(p):
        b.choose("approve", "true")
        p.fill("#id_comment", "同意换届。")

    b.do_task(f"请示批复：{ELECTION}", approve)

    # --- members recommend online -------------------------------------------------------------------
    for member, nominees in (("b01_m1", ["wy_b01", "b01_m1", "b01_m2"]), ("b01_m4", ["wy_b01", "b01_m3"])):
        b.sign_in(member)
        b.goto(detail_url)
        assert "民主推荐" in page.locator(".hp-dl").inner_text()
        page.locator("a", has_text="参加民主推荐").click()
        page.wait_for_load_state("domcontentloaded")
        assert page.locator("h1", has_text="民主推荐：内科党支部").is_visible()
        page.fill("#id_nominees_search", "内科委员")  # type-to-filter: only matching people stay visible
        assert page.locator(".hp-picker__item:visible").count() == 1
        page.fill("#id_nominees_search", "")
        for name in nominees:
            pick(page, "nominees", name)
        page.click("form.hp-form button[type=submit]")
        page.wait_for_load_state("domcontentloaded")
        assert page.url.endswith(detail_url)
        assert "推荐已提交。" in b.text()
        mine = page.locator(".hp-muted", has_text="我已推荐：").inner_text()
        assert sorted(mine.removeprefix("我已推荐：").split("、")) == sorted(nominees)
    assert Recommendation.objects.filter(election=election, active=True).count() == 2

    # A probationary member may not recommend.
    b.sign_in("b01_y1")
    b.goto(detail_url)
    assert page.locator("a", has_text="参加民主推荐").count() == 0

    # --- 二上: the secretary reports the preliminary candidates --------------------------------------
    b.sign_in("sj_b01")

    def nominate(p):
        assert "民主推荐汇总" in p.content()
        for name in CANDIDATES:
            pick(p, "candidates", name)
        p.fill(f"#id_tally_{pk('b01_m3')}", "6")
        p.fill(f"#id_tally_{pk('b01_m2')}", "4")

    b.do_task(f"民主推荐：{ELECTION}", nominate)

    # --- 二下: organization staff approve the list ----------------------------------------------------
    b.sign_in("zuzhi")

    def review(p):
        for name in CANDIDATES:  # nothing preselected: each candidate is decided on purpose
            assert not p.locator(f"input[name=review_{pk(name)}][value=pass]").is_checked()
            b.choose(f"review_{pk(name)}", "pass")
        assert "内科委员（" in p.content()

    b.do_task(f"候选人审查：{ELECTION}", review)
    b.goto(detail_url)
    assert page.locator(".hp-badge--done", has_text="通过").count() == len(CANDIDATES)

    # --- 三上: the election plan (差额: 4 candidates for 3 seats) -----------------------------------
    b.sign_in("sj_b01")

    def plan(p):
        for name in CANDIDATES:
            assert p.locator(f"input[name=candidates][value='{pk(name)}']").is_checked()
        p.fill("#id_meeting_date", today.isoformat())
        pick(p, "scrutineers", "b01_m4")
        for name in ("b01_m5", "b01_m6"):
            pick(p, "counters", name)
        p.fill("#id_method_text", "无记名投票，差额选举，得票超过实到会党员半数的始得当选。")

    # Dropping to 3 candidates (no 差额) is refused with a Chinese message.
    b.open_task(f"选举方案：{ELECTION}")
    plan(page)
    page.uncheck(f"input[name=candidates][value='{pk('b01_m3')}']")
    page.click("form.hp-form button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    assert "候选人应比应选名额多20%以上，至少 4 名" in b.text()
    b.do_task(f"选举方案：{ELECTION}", plan)

    # --- 三下: organization staff approve the plan ----------------------------------------------------
    b.sign_in("zuzhi")
    b.do_task(f"方案批复：{ELECTION}", lambda p: b.choose("approve", "true"))

    # --- 党员大会: one valid round fills the three seats --------------------------------------------
    b.sign_in("sj_b01")

    def meeting(p):
        assert p.input_value("#id_eligible") == "15"
        p.fill("#id_present", "14")
        p.fill("#id_ballots_issued", "14")
        p.fill("#id_ballots_returned", "14")
        p.fill("#id_invalid", "0")
        for name, votes in (("wy_b01", 13), ("b01_m1", 11), ("b01_m2", 9), ("b01_m3", 5)):
            p.fill(f"#id_votes_{name}", str(votes))

    b.do_task(f"党员大会选举：{ELECTION}", meeting)
    b.goto(detail_url)
    text = b.text()
    assert "第 1 轮选举" in text and "应选名额已全部选出。" in text
    assert page.locator(".hp-badge--done", has_text="当选").count() == 3

    def officers(p):
        pick(p, "secretary", "wy_b01")

    b.do_task(f"选举书记、副书记：{ELECTION}", officers)

    # --- organization staff approve the result: the new term begins -----------------------------------
    b.sign_in("zuzhi")
    b.do_task(f"选举结果报批：{ELECTION}", lambda p: b.choose("approve", "true"))
    b.goto(detail_url)
    assert "已完成" in page.locator(".hp-dl").inner_text()
    assert "内科委员" in page.locator(".hp-dl").inner_text()
    timeline = page.locator(".hp-timeline").inner_text()
    assert "选举结果报批" in timeline and "办理中" not in timeline

    b.goto("/organisation/units/b01/")
    assert page.locator("xpath=//dl[@class='hp-dl']/dt[text()='书记']/following-sibling::dd[1]").inner_text() == "内科委员"
    committee = page.locator("xpath=//dl[@class='hp-dl']/dt[text()='支部委员']/following-sibling::dd[1]").inner_text()
    assert sorted(committee.split("、")) == sorted(["内科委员", "内科党员1", "内科党员2"])
    terms = page.locator("section.hp-card", has_text="任期记录").locator("tbody tr")
    assert terms.count() == 2
    new_term = terms.nth(0).inner_text()
    assert today.isoformat() in new_term and add_years(today, 3).isoformat() in new_term and "在任" in new_term
    old_term = terms.nth(1).inner_text()
    assert "2024-01-10" in old_term and "已届满换届" in old_term

    response = page.request.get(b.url("/api/v1/units/b01/"))
    assert response.status == 200
    unit = response.json()
    assert unit["secretary"] == "wy_b01"
    assert unit["term_started"] == today.isoformat()
    assert unit["term_ends"] == add_years(today, 3).isoformat()
    assert unit["committee"] == ["b01_m1", "b01_m2", "wy_b01"]

    history = page.request.get(b.url(f"/api/v1/elections/{election.pk}/history/")).json()
    entries = history["results"] if isinstance(history, dict) else history
    seen = {(e["user"], e["reason"]) for e in entries}
    for who, reason in (("sj_b01", "换届请示"), ("b01_m4", "民主推荐"), ("sj_b01", "党员大会选举"),
                        ("zuzhi", "选举结果报批")):
        assert (who, reason) in seen, (who, reason, seen)

    # The new secretary now leads the branch; the old one no longer does.
    b.sign_in("wy_b01")
    b.goto("/elections/new/")
    assert page.locator("#id_unit option[value=b01]").count() == 1
    b.sign_in("sj_b01")
    response = b.goto("/elections/new/")
    assert response.status == 403
    page.screenshot(path="/tmp/shot-election-finished.png", full_page=True)
