"""延期换届: the committee's approval recorded by organization staff, at most one year."""

import pytest

from workflows.models import Notification, Term


def term_b01():
    return Term.objects.get(unit__code="b01", status="current")


@pytest.mark.django_db
def test_organization_staff_record_a_postponement(org, api):
    response = api(org["zuzhi"]).post("/api/v1/units/b01/terms/postpone/",
                                      {"until": "2027-06-30", "reason": "党委会2026年第5次会议批准：科室合并调整"},
                                      format="json")
    assert response.status_code == 200, response.content
    assert response.json()["postponed_until"] == "2027-06-30"
    term = term_b01()
    assert term.effective_end.isoformat() == "2027-06-30"
    record = term.history.latest()
    assert record.history_user == org["zuzhi"] and "党委批准延期换届" in record.history_change_reason
    told = set(Notification.objects.filter(kind="term_postponed").values_list("user__username", flat=True))
    assert {"sj_b01", "zuzhi", "shuji"} <= told


@pytest.mark.django_db
@pytest.mark.parametrize(("payload", "field", "text"), [
    ({"until": "2028-03-01", "reason": "理由"}, "until", "不超过一年"),
    ({"until": "2026-12-01", "reason": "理由"}, "until", "须晚于当前届满日期"),
    ({"until": "2027-03-01", "reason": "  "}, "reason", "请填写延期理由"),
    ({"until": "明年", "reason": "理由"}, "until", "日期格式"),
])
def test_bad_postponement_is_refused_and_nothing_written(org, api, payload, field, text):
    response = api(org["zuzhi"]).post("/api/v1/units/b01/terms/postpone/", payload, format="json")
    assert response.status_code == 400
    assert text in response.json()["errors"][field][0]
    assert term_b01().postponed_until is None and term_b01().history.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "status"), [("sj_b01", 403), ("shenji", 403), ("sj_b02", 404), ("b01_m1", 403)])
def test_others_may_not_postpone(org, api, username, status):
    response = api(org[username]).post("/api/v1/units/b01/terms/postpone/",
                                       {"until": "2027-06-30", "reason": "理由"}, format="json")
    assert response.status_code == status
    assert term_b01().postponed_until is None


@pytest.mark.django_db
def test_postponement_in_the_browser_form(org, web):
    page = web(org["zuzhi"])
    assert "登记延期</button>" in page.get("/organisation/units/b01/").content.decode()
    bad = page.post("/organisation/units/b01/postpone/", {"until": "2029-01-01", "reason": "理由"})
    assert bad.status_code == 400 and "不超过一年" in bad.content.decode()
    ok = page.post("/organisation/units/b01/postpone/", {"until": "2027-05-01", "reason": "党委批准"})
    assert ok.status_code == 302
    assert term_b01().postponed_until.isoformat() == "2027-05-01"
    assert "登记延期</button>" not in web(org["sj_b01"]).get("/organisation/units/b01/").content.decode()
