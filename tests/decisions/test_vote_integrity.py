"""Vote integrity: nobody is swayed by others' votes or opinions, nothing is chosen beforehand,
and the secretary sees the tally before the 末位表态."""

from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError

from decisions import forms
from decisions.counting import progress
from decisions.models import Decision, Vote
from decisions.services.voting import vote_cast

from .helpers import attendance, complete, do, open_tasks, schedule, submit, task_for, to_awaiting_meeting

pytestmark = pytest.mark.django_db

SECRET = "委员一的表决理由"


class _Inputs(HTMLParser):
    """Collects the chosen radio/checkbox inputs and the options a browser would show as chosen
    (explicitly selected, or the first option of a select without a selected one)."""

    def __init__(self):
        super().__init__()
        self.radios, self.checked, self.selected = [], [], []
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") in ("radio", "checkbox"):
            if attrs.get("type") == "radio":
                self.radios.append((attrs.get("name"), attrs.get("value")))
            if "checked" in attrs:
                self.checked.append((attrs.get("name"), attrs.get("value")))
        if tag == "button" and attrs.get("name") and attrs.get("value"):  # a big choice button of the action bar
            self.radios.append((attrs.get("name"), attrs.get("value")))
        if tag == "select":
            self._select = {"name": attrs.get("name"), "first": None, "chosen": None}
        if tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["chosen"] = value

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            chosen = self._select["chosen"] if self._select["chosen"] is not None else self._select["first"]
            if chosen:
                self.selected.append((self._select["name"], chosen))
            self._select = None


def _parse(html):
    parser = _Inputs()
    parser.feed(html)
    return parser


@pytest.fixture
def voting(org, api, clock):
    """An item at a meeting where all 9 members are present and 委员1 has voted."""
    pk = submit(api, org["dangban"])["id"]
    to_awaiting_meeting(api, org, pk)
    meeting = schedule(api, org, [pk])
    clock.move_to(meeting.scheduled_at)
    assert attendance(api, org, meeting).status_code == 200
    do(api, org, pk, "vote", "weiyuan1", {"vote": "disagree", "comment": SECRET})
    return Decision.objects.get(pk=pk)


def _api_votes(api, user, decision):
    return {v["user"]: v["vote"] for v in api(user).get(f"/api/v1/decisions/{decision.pk}/").json()["votes"]}


def _history_votes(api, user, decision):
    entries = api(user).get(f"/api/v1/decisions/{decision.pk}/history/").json()
    return [e for e in entries if e["object"].startswith("vote:")]


def test_member_sees_others_votes_only_after_voting(org, api, web, voting):
    member = org["weiyuan2"]
    assert _api_votes(api, member, voting) == {}
    assert _history_votes(api, member, voting) == []
    meeting_history = api(member).get(f"/api/v1/meetings/{voting.meeting_id}/history/").json()
    assert not [e for e in meeting_history if e["object"].startswith("vote:")]
    page = web(member).get(f"/decisions/{voting.pk}/").content.decode()
    assert SECRET not in page and "data-votes-withheld" in page and "data-vote-progress" not in page
    task = task_for(voting, "vote", member)
    task_page = web(member).get(f"/workbench/tasks/{task.pk}/").content.decode()
    assert SECRET not in task_page and "data-votes-withheld" in task_page

    assert complete(api, member, task, {"vote": "agree", "comment": ""}).status_code == 200
    assert _api_votes(api, member, voting) == {"weiyuan1": "disagree", "weiyuan2": "agree"}
    assert {e["user"] for e in _history_votes(api, member, voting)} == {"weiyuan1", "weiyuan2"}
    page = web(member).get(f"/decisions/{voting.pk}/").content.decode()
    assert SECRET in page and "data-votes-withheld" not in page


def test_own_vote_stays_visible_and_others_wait_for_the_result(org, api, voting):
    assert _api_votes(api, org["weiyuan1"], voting) == {"weiyuan1": "disagree"}
    # the branch secretary may see the item, but the votes only once it is settled
    assert _api_votes(api, org["sj_b01"], voting) == {}
    # the presider, too, until every other member has voted
    assert _api_votes(api, org["shuji"], voting) == {}
    for task in open_tasks(voting, "vote"):
        assert complete(api, task.owner, task, {"vote": "agree", "comment": ""}).status_code == 200
    assert len(_api_votes(api, org["shuji"], voting)) == 8
    assert _api_votes(api, org["sj_b01"], voting) == {}
    do(api, org, voting.pk, "secretary_vote", "shuji", {"vote": "agree", "comment": ""})
    assert len(_api_votes(api, org["sj_b01"], voting)) == 9
    assert len(_history_votes(api, org["sj_b01"], voting)) == 9


@pytest.mark.parametrize("username", ["dangban", "shenji"])
def test_office_and_auditors_see_votes_while_voting(org, api, web, voting, username):
    user = org[username]
    assert _api_votes(api, user, voting) == {"weiyuan1": "disagree"}
    assert [e["user"] for e in _history_votes(api, user, voting)] == ["weiyuan1"]
    page = web(user).get(f"/decisions/{voting.pk}/").content.decode()
    assert SECRET in page and "data-votes-withheld" not in page and "data-vote-progress" in page


def test_secretary_page_shows_the_tally_so_far(org, api, web, voting):
    choices = {"weiyuan2": "agree", "weiyuan3": "agree", "weiyuan4": "agree", "weiyuan5": "agree",
               "weiyuan6": "abstain", "yuanzhang": "abstain", "jiwei": "disagree"}
    for task in open_tasks(voting, "vote"):
        do(api, org, voting.pk, "vote", task.owner.username, {"vote": choices[task.owner.username], "comment": ""})
    task = task_for(voting, "secretary_vote", org["shuji"])
    html = web(org["shuji"]).get(f"/workbench/tasks/{task.pk}/").content.decode()
    assert "末位表态前的表决情况" in html
    assert "<dt>同意</dt><dd>4票</dd>" in html and "<dt>不同意</dt><dd>2票</dd>" in html
    assert "<dt>弃权</dt><dd>2票</dd>" in html and "其他委员均已表决" in html
    assert "实到9人，应到（全体委员）9人" in html and "不少于5票" in html
    assert "书记同意则本议题通过（同意将达5票" in html
    assert SECRET in html
    assert not _parse(html).checked


def test_tally_so_far_names_who_has_not_voted(org, api, voting):
    from decisions.selectors import vote_progress

    counted = vote_progress(voting, voting.meeting)
    assert (counted.agree, counted.disagree, counted.abstain) == (0, 1, 0)
    assert len(counted.not_voted) == 7 and "委员2" in counted.not_voted and "委员1" not in counted.not_voted
    assert (counted.members, counted.present, counted.eligible) == (9, 9, 9)
    assert "尚有7名委员未表决" in counted.outlook


def test_progress_arithmetic():
    def p(votes, **kw):
        return progress(votes, members=9, present=kw.pop("present", 9), eligible=9, not_voted=kw.pop("waiting", []),
                        presider_votes=kw.pop("presider_votes", True))

    assert p(["agree"] * 5 + ["disagree"] * 3).passes_anyway
    four = p(["agree"] * 4 + ["disagree"] * 4)
    assert not four.passes_anyway and four.passes_with_presider and "书记同意则本议题通过" in four.outlook
    three = p(["agree"] * 3 + ["abstain"] * 5)
    assert not three.passes_with_presider and "不能通过" in three.outlook
    assert "书记已回避" in p(["agree"] * 4 + ["disagree"] * 3, presider_votes=False).outlook
    assert p([], waiting=["委员1"]).needed == 5


def test_expert_sees_other_opinions_only_after_answering(org, api, web, clock):
    pk = submit(api, org["dangban"], needs_expert_review=True)["id"]
    do(api, org, pk, "branch_review", "sj_b01", {"opinion": "approve", "comment": "支委会同意"})
    do(api, org, pk, "expert_review", "zhuanjia1", {"opinion": "disagree", "comment": "专家一的论证意见"})
    decision = Decision.objects.get(pk=pk)
    expert = org["zhuanjia2"]

    def experts_seen(user):
        data = api(user).get(f"/api/v1/decisions/{pk}/").json()
        return {o["user"] for o in data["opinions"] if o["step"] == "expert_review"}

    def history_opinion_authors(user):
        entries = api(user).get(f"/api/v1/decisions/{pk}/history/").json()
        return {e["user"] for e in entries if e["object"].startswith("opinion:")}

    assert experts_seen(expert) == set()
    assert history_opinion_authors(expert) == {"sj_b01"}
    task = task_for(decision, "expert_review", expert)
    html = web(expert).get(f"/workbench/tasks/{task.pk}/").content.decode()
    assert "专家一的论证意见" not in html and "支委会同意" in html and "data-opinions-withheld" in html
    for username in ("weiyuan1", "dangban", "shenji"):
        assert experts_seen(org[username]) == {"zhuanjia1"}

    assert complete(api, expert, task, {"opinion": "agree", "comment": "可行"}).status_code == 200
    assert experts_seen(expert) == {"zhuanjia1", "zhuanjia2"}
    assert history_opinion_authors(expert) == {"sj_b01", "zhuanjia1", "zhuanjia2"}
    html = web(expert).get(f"/decisions/{pk}/").content.decode()
    assert "专家一的论证意见" in html and "data-opinions-withheld" not in html


STEP_FORMS = [forms.ReviewForm, forms.OrganizationReviewForm, forms.ExpertReviewForm, forms.RiskAssessmentForm,
              forms.CommunicateForm, forms.AgendaReviewForm, forms.VoteForm, forms.SecretaryVoteForm,
              forms.MinutesApproveForm, forms.DecisionForm]


@pytest.mark.parametrize("form_class", STEP_FORMS, ids=lambda f: f.__name__)
def test_forms_render_nothing_chosen(org, form_class):
    parsed = _parse(form_class().as_div())
    assert parsed.checked == [] and parsed.selected == []
    assert all(value not in ("", None) for _, value in parsed.radios)  # no "请选择" radio
    errors = form_class(data={}).errors
    choice_fields = {name for name, _ in parsed.radios} - {"vote"} if form_class is forms.SecretaryVoteForm else \
        {name for name, _ in parsed.radios}
    assert choice_fields <= set(errors)


def test_step_pages_and_api_require_a_choice(org, api, web, voting):
    task = task_for(voting, "vote", org["weiyuan3"])
    html = web(org["weiyuan3"]).get(f"/workbench/tasks/{task.pk}/").content.decode()
    parsed = _parse(html)
    assert {v for n, v in parsed.radios if n == "vote"} == {"agree", "disagree", "abstain"}
    assert parsed.checked == []
    missing = web(org["weiyuan3"]).post(f"/workbench/tasks/{task.pk}/", {"comment": "x"})
    assert missing.status_code == 400 and "请选择表决意见" in missing.content.decode()
    assert not _parse(missing.content.decode()).checked
    response = complete(api, org["weiyuan3"], task, {"comment": ""})
    assert response.status_code == 400 and "请选择表决意见" in response.json()["errors"]["vote"][0]


def test_communicate_requires_a_choice(org, api, clock):
    pk = submit(api, org["dangban"])["id"]
    do(api, org, pk, "branch_review", "sj_b01", {"opinion": "approve", "comment": ""})
    do(api, org, pk, "risk_assessment", "dangban", {"level": "low", "notes": "低"})
    task = task_for(Decision.objects.get(pk=pk), "communicate")
    response = complete(api, org["shuji"], task, {"notes": "x"})
    assert response.status_code == 400 and "请选择是或否" in response.json()["errors"]["consensus"][0]


def test_cadre_appointment_votes_offer_defer_not_abstain(org, api, web, clock):
    pk = submit(api, org["dangban"], title="任命内科主任", category="cadre_appointment")["id"]
    to_awaiting_meeting(api, org, pk, cadre=True)
    meeting = schedule(api, org, [pk])
    clock.move_to(meeting.scheduled_at)
    assert attendance(api, org, meeting).status_code == 200
    decision = Decision.objects.get(pk=pk)
    task = task_for(decision, "vote", org["weiyuan1"])
    html = web(org["weiyuan1"]).get(f"/workbench/tasks/{task.pk}/").content.decode()
    assert {v for n, v in _parse(html).radios if n == "vote"} == {"agree", "disagree", "defer"}
    assert "缓议" in html and not _parse(html).checked
    refused = complete(api, org["weiyuan1"], task, {"vote": "abstain"})
    assert refused.status_code == 400 and "缓议" in refused.json()["errors"]["vote"][0]
    with pytest.raises(ValidationError):  # the service refuses it too, whatever the entry point
        vote_cast(decision=decision, user=org["weiyuan2"], vote="abstain")
    assert not Vote.objects.filter(decision=decision).exists()
    assert complete(api, org["weiyuan1"], task, {"vote": "defer", "comment": "需进一步考察"}).status_code == 200
    for other in open_tasks(decision, "vote"):
        assert complete(api, other.owner, other, {"vote": "agree", "comment": ""}).status_code == 200
    secretary = task_for(decision, "secretary_vote", org["shuji"])
    html = web(org["shuji"]).get(f"/workbench/tasks/{secretary.pk}/").content.decode()
    assert {v for n, v in _parse(html).radios if n == "vote"} == {"agree", "disagree"}
    assert "<dt>缓议</dt><dd>1票</dd>" in html and "缓议（暂缓表决）" in html
    assert complete(api, org["shuji"], secretary, {"vote": "abstain"}).status_code == 400
    data = complete(api, org["shuji"], secretary, {"vote": "agree", "comment": ""}).json()
    assert data["subject"]["result"] == {"outcome": "passed", "agree": 8, "disagree": 0, "abstain": 0, "defer": 1,
                                         "members": 9, "present": 9}
    assert "缓议1票" in decision.results.get().tally_text


def test_ordinary_item_refuses_defer_vote(org, api, voting):
    task = task_for(voting, "vote", org["weiyuan2"])
    refused = complete(api, org["weiyuan2"], task, {"vote": "defer"})
    assert refused.status_code == 400 and "弃权" in refused.json()["errors"]["vote"][0]
