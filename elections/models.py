"""三上三下 branch elections: the election, recommendations, candidates, rounds and votes.

Business rules (seats, 差额, quorum, majorities) live in `elections.rules_core` (pure functions)
and `elections.services`; the models hold the records and a few named questions the flow asks.
Votes, tallies and recommendations are never edited after their step: a new record supersedes
the old one (`active=False` on the old, history kept).

Decisions where domain.md leaves room (documented here and tested):
- Seats: a unit with >= 7 full members elects a committee of 3-7 seats. A smaller branch has no
  committee: seats = 1 (secretary only) or 2 with `elect_deputy` (secretary and deputy).
- A returned 换届请示 ends the process (status `cancelled`); the branch files a new request.
  A returned plan goes back to `election_plan`; a returned result back to `officer_election`.
- 差额 applies to the 初步人选 and to the approved list too (>= ceil(seats * 1.2)), so the plan
  can always be made; every candidate must be approved or struck (with a reason) at review.
- 监票人/计票人 are party members of the unit and not candidates.
- Present < 4/5 of eligible is refused (400): the meeting may not vote. Inconsistent ballot
  counts (issued > present, returned > issued) record a void round and reopen the step.
- Seat reduction (减额) instead of another round: only after a shortfall (not a tie) of at
  most one seat, to exactly the number elected, never below 3 for a committee (1 otherwise,
  2 when a deputy is elected), agreed by more than half of those present; recorded on the
  election (`seats_reduced_from`, reason) and the round's outcome.
- On approval the secretary gets `branch_secretary`, the other elected members (and the deputy)
  `branch_committee_member`; previous holders lose theirs (history kept).
"""

from __future__ import annotations

import math

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from workflows.audit import audited_history
from workflows.route import RouteStatusMixin

# A committee has 3-5 seats as a rule, never more than 7; a branch with fewer than
# MIN_MEMBERS_FOR_COMMITTEE full members elects only a secretary (and maybe a deputy).
MIN_MEMBERS_FOR_COMMITTEE = 7
MIN_COMMITTEE_SEATS = 3
MAX_COMMITTEE_SEATS = 7
CANDIDATE_SURPLUS = 1.2  # 差额: candidates >= ceil(seats * 1.2)


def min_candidates(seats: int) -> int:
    # round before ceil so that 5 * 1.2 == 6 is not taken for 6.000000001
    return math.ceil(round(seats * CANDIDATE_SURPLUS, 6))


class Election(RouteStatusMixin, models.Model):
    """One 换届选举 of a unit, replacing its current term."""

    class Status(models.TextChoices):
        REQUEST = "request", _("换届请示")
        REQUEST_APPROVAL = "request_approval", _("请示批复")
        NOMINATE = "nominate", _("民主推荐")
        CANDIDATE_REVIEW = "candidate_review", _("候选人审查")
        ELECTION_PLAN = "election_plan", _("选举方案")
        PLAN_APPROVAL = "plan_approval", _("方案批复")
        ELECTION_MEETING = "election_meeting", _("党员大会选举")
        OFFICER_ELECTION = "officer_election", _("选举书记、副书记")
        RESULT_APPROVAL = "result_approval", _("选举结果报批")
        FINISHED = "finished", _("已完成")
        CANCELLED = "cancelled", _("已退回/取消")

    CLOSED_STATUSES = (Status.FINISHED, Status.CANCELLED)
    # The statuses along the route, as the flow's nodes set them (compliance asks `has_reached`).
    ROUTE = (
        (Status.REQUEST,), (Status.REQUEST_APPROVAL,), (Status.NOMINATE,), (Status.CANDIDATE_REVIEW,),
        (Status.ELECTION_PLAN,), (Status.PLAN_APPROVAL,), (Status.ELECTION_MEETING,), (Status.OFFICER_ELECTION,),
        (Status.RESULT_APPROVAL,), (Status.FINISHED,),
    )

    unit = models.ForeignKey(
        "workflows.Unit", verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="elections"
    )
    term = models.ForeignKey(
        "workflows.Term", verbose_name=_("被换届的任期"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="elections",
    )
    new_term = models.ForeignKey(
        "workflows.Term", verbose_name=_("新一届任期"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.REQUEST)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("请示人"), on_delete=models.PROTECT, related_name="+"
    )
    planned_date = models.DateField(_("计划选举日期"))
    seats = models.PositiveSmallIntegerField(_("委员职数"), validators=[MinValueValidator(1)])
    requested_seats = models.PositiveSmallIntegerField(_("请示委员职数"), validators=[MinValueValidator(1)])
    elect_deputy = models.BooleanField(_("选举副书记"), default=False)
    meeting_date = models.DateField(_("党员大会日期"), null=True, blank=True)
    method_text = models.TextField(_("选举办法"), blank=True)
    held_on = models.DateField(_("选举日期"), null=True, blank=True)
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("书记"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("副书记"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    seats_reduced_from = models.PositiveSmallIntegerField(_("原委员职数（减额前）"), null=True, blank=True)
    seats_reduced_reason = models.CharField(_("减少职数理由"), max_length=300, blank=True)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = audited_history()

    class Meta:
        verbose_name = _("支部换届选举")
        verbose_name_plural = _("支部换届选举")
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=~Q(status__in=["finished", "cancelled"]),
                name="one_running_election_per_unit",
            ),
        ]

    def __str__(self):
        return f"{self.unit.name}换届选举"

    # --- questions the flow asks -----------------------------------------------------

    @property
    def is_running(self) -> bool:
        return self.status not in self.CLOSED_STATUSES

    @property
    def has_committee(self) -> bool:
        """True when the unit elects a committee, False when only a secretary (and deputy)."""
        return self.seats > 2 or (self.seats == 2 and not self.elect_deputy)

    @property
    def min_seats(self) -> int:
        return MIN_COMMITTEE_SEATS if self.has_committee else 1

    def last_review(self, step: str):
        return self.reviews.filter(step=step).order_by("-pk").first()

    def is_approved_at(self, step: str) -> bool:
        review = self.last_review(step)
        return bool(review and review.approve)

    def is_request_approved(self) -> bool:
        return self.is_approved_at("request_approval")

    def is_plan_approved(self) -> bool:
        return self.is_approved_at("plan_approval")

    def is_result_approved(self) -> bool:
        return self.is_approved_at("result_approval")

    def seats_filled(self) -> int:
        return RoundVote.objects.filter(round__election=self, round__valid=True, elected=True).count()

    def needs_another_round(self) -> bool:
        """Seats are still open after the last round (none agreed to be cut)."""
        return self.seats_filled() < self.seats

    # --- derived reads -----------------------------------------------------------------

    def active_candidates(self):
        return self.candidates.filter(active=True).select_related("user").order_by("-recommendations", "pk")

    def final_candidates(self):
        return self.active_candidates().filter(final=True)

    def elected_users(self):
        from workflows.models import User

        return User.objects.filter(
            round_votes__round__election=self, round_votes__round__valid=True, round_votes__elected=True
        ).distinct()


class ElectionReview(models.Model):
    """An approve/return decision of organization staff at one step (一下, 二下, 三下, 报批)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="reviews")
    step = models.CharField(_("步骤"), max_length=20)
    approve = models.BooleanField(_("同意"))
    comment = models.TextField(_("意见"), blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审批人"), on_delete=models.PROTECT,
                                 related_name="+")
    created = models.DateTimeField(_("时间"), auto_now_add=True)
    history = audited_history()

    class Meta:
        verbose_name = _("换届审批意见")
        verbose_name_plural = _("换届审批意见")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.step} {'同意' if self.approve else '退回'}"


class Recommendation(models.Model):
    """One full member's online recommendation (民主推荐); a new one supersedes the old."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="recommendations")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("推荐人"), on_delete=models.PROTECT,
                               related_name="+")
    nominees = models.JSONField(_("被推荐人（用户名）"), default=list)
    active = models.BooleanField(_("有效"), default=True)
    supersedes = models.OneToOneField(
        "self", verbose_name=_("取代"), null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    created = models.DateTimeField(_("时间"), auto_now_add=True)
    history = audited_history()

    class Meta:
        verbose_name = _("民主推荐")
        verbose_name_plural = _("民主推荐")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "member"], condition=Q(active=True), name="one_active_recommendation_per_member"
            ),
        ]

    def __str__(self):
        return f"{self.member} → {', '.join(self.nominees)}"


class PaperTally(models.Model):
    """A count of paper recommendations for one nominee, entered by the secretary."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="paper_tallies")
    nominee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("被推荐人"), on_delete=models.PROTECT,
                                related_name="+")
    count = models.PositiveIntegerField(_("纸质推荐票数"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT,
                                   related_name="+")
    created = models.DateTimeField(_("时间"), auto_now_add=True)
    history = audited_history()

    class Meta:
        verbose_name = _("纸质推荐汇总")
        verbose_name_plural = _("纸质推荐汇总")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["election", "nominee"], name="one_paper_tally_per_nominee")]

    def __str__(self):
        return f"{self.nominee}: {self.count}"


class Candidate(models.Model):
    """A person on the 初步人选 list; approved or struck at review; final when on the ballot."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidates")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("人选"), on_delete=models.PROTECT,
                             related_name="election_candidacies")
    recommendations = models.PositiveIntegerField(_("推荐票数"), default=0)
    approved = models.BooleanField(_("审查通过"), null=True, blank=True)
    struck_reason = models.CharField(_("不予通过理由"), max_length=300, blank=True)
    final = models.BooleanField(_("正式候选人"), default=False)
    active = models.BooleanField(_("有效"), default=True)
    history = audited_history()

    class Meta:
        verbose_name = _("候选人")
        verbose_name_plural = _("候选人")
        ordering = ["-recommendations", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["election", "user"], condition=Q(active=True),
                                    name="one_active_candidacy_per_person"),
        ]

    def __str__(self):
        return str(self.user)


class ElectionOfficial(models.Model):
    """A 监票人 (scrutineer) or 计票人 (counter) of the members' meeting."""

    class Role(models.TextChoices):
        SCRUTINEER = "scrutineer", _("监票人")
        COUNTER = "counter", _("计票人")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="officials")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("人员"), on_delete=models.PROTECT,
                             related_name="+")
    role = models.CharField(_("职责"), max_length=20, choices=Role.choices)
    active = models.BooleanField(_("有效"), default=True)
    history = audited_history()

    class Meta:
        verbose_name = _("监票人/计票人")
        verbose_name_plural = _("监票人/计票人")
        ordering = ["role", "pk"]

    def __str__(self):
        return f"{self.get_role_display()} {self.user}"


class ElectionRound(models.Model):
    """One ballot of the members' meeting (第一轮选举, 另行选举 ...)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("轮次"))
    held_on = models.DateField(_("选举日期"))
    seats_to_fill = models.PositiveSmallIntegerField(_("应选名额"))
    eligible = models.PositiveIntegerField(_("应到会（有表决权）"))
    present = models.PositiveIntegerField(_("实到会"))
    ballots_issued = models.PositiveIntegerField(_("发出选票"))
    ballots_returned = models.PositiveIntegerField(_("收回选票"))
    invalid = models.PositiveIntegerField(_("无效票"), default=0)
    valid = models.BooleanField(_("本轮有效"), default=True)
    void_reason = models.CharField(_("无效原因"), max_length=300, blank=True)
    outcome = models.CharField(_("结果说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT,
                                    related_name="+")
    created = models.DateTimeField(_("时间"), auto_now_add=True)
    history = audited_history()

    class Meta:
        verbose_name = _("选举轮次")
        verbose_name_plural = _("选举轮次")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["election", "number"], name="unique_round_number")]

    def __str__(self):
        return f"第{self.number}轮"


class RoundVote(models.Model):
    """Votes one candidate received in one round."""

    round = models.ForeignKey(ElectionRound, on_delete=models.CASCADE, related_name="votes")
    candidate = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("候选人"), on_delete=models.PROTECT,
                                  related_name="round_votes")
    votes = models.PositiveIntegerField(_("得票"))
    elected = models.BooleanField(_("当选"), default=False)
    history = audited_history()

    class Meta:
        verbose_name = _("得票")
        verbose_name_plural = _("得票")
        ordering = ["-votes", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "candidate"], name="one_vote_row_per_candidate")]

    def __str__(self):
        return f"{self.candidate}: {self.votes}"
