"""Pages of the 三重一大 decisions and 党委会 meetings (steps use the generic task page)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.views import View
from django.views.generic import ListView, TemplateView
from viewflow.urls import Application

from workflows.exceptions import Conflict
from workflows.materials.selectors import materials_context
from workflows.org.permissions import require_perm
from workflows.pages import ServiceFormView, process_page_context
from workflows.tasks import process_for
from workflows.tasks.processes import active_nodes

from . import api as decisions_api
from . import selectors, services
from .dashboard import DashboardView, OpenTaskListView
from .forms import DecisionForm, LeaveRequestForm, MeetingForm, WithdrawForm
from .minutes_docx import minutes_content
from .models import Decision, Meeting
from .models.meeting import LeaveRequest
from .route_forms import UrgentReportForm
from .serializers import decision_data
from .services.meeting import may_change, meeting_leave_request, meeting_reschedule
from .services.urgent import decision_urgent_report
from .stats import OUTCOME_LABELS


class DecisionListView(LoginRequiredMixin, ListView):
    template_name = "decisions/decision_list.html"
    paginate_by = 20

    def get_queryset(self):
        params = self.request.GET
        return selectors.filter_decisions(
            selectors.visible_decisions(self.request.user),
            status=params.get("status"), category=params.get("category"), q=params.get("q"),
            year=params.get("year"), outcome=params.get("outcome"),
        ).order_by("-created", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            statuses=Decision.Status.choices, categories=Decision.Category.choices,
            outcomes=list(OUTCOME_LABELS.items()), years=selectors.decision_years(),
            may_propose=self.request.user.has_perm("decisions.propose"),
            query=self.request.GET.copy(),
        )
        context["query"].pop("page", None)
        return context


class DecisionCreateView(ServiceFormView):
    template_name = "decisions/decision_form.html"
    form_class = DecisionForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_perm(request.user, "decisions.propose")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        decision = services.decision_submit(user=self.request.user, **form.cleaned_data)
        return f"已申报议题：{decision.title}", reverse("decisions:detail", args=[decision.pk])


class UrgentReportCreateView(DecisionCreateView):
    """事后报告登记 by office staff."""

    template_name = "decisions/urgent_form.html"
    form_class = UrgentReportForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_perm(request.user, "workflows.run_office")
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        decision = decision_urgent_report(user=self.request.user, **form.cleaned_data)
        return f"已登记事后报告，待书记、院长确认：{decision.title}", reverse("decisions:detail", args=[decision.pk])


class DecisionDetailView(LoginRequiredMixin, TemplateView):
    template_name = "decisions/decision_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        decision = selectors.get_visible_decision(self.request.user, kwargs["pk"])
        process = process_for(decision)
        user = self.request.user
        context.update(selectors.decision_materials(decision, user))
        context.update(process_page_context(process, selectors.decision_history(decision, user)))
        context.update(materials_context(decision, user))
        context.update(
            data=decision_data(decision, user),
            may_withdraw=(decision.status in Decision.WITHDRAWABLE
                          and self.request.user.has_perm("decisions.withdraw", decision)),
            withdraw_form=WithdrawForm(),
            may_close_experts=(decision.status == Decision.Status.EXPERT_REVIEW
                               and self.request.user.has_perm("workflows.run_office")),
            meetings=decision.meetings.order_by("scheduled_at"),
        )
        return context


class DecisionWithdrawView(LoginRequiredMixin, View):
    def post(self, request, pk):
        decision = selectors.get_visible_decision(request.user, pk)
        require_perm(request.user, "decisions.withdraw", decision)
        form = WithdrawForm(data=request.POST)
        if not form.is_valid():
            messages.error(request, "请填写撤回理由。")
        else:
            try:
                services.decision_withdraw(decision=decision, user=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, "议题已撤回。")
            except Conflict as conflict:
                messages.error(request, conflict.message)
            except PermissionDenied:
                raise
        return HttpResponseRedirect(reverse("decisions:detail", args=[pk]))


class DecisionCloseExpertReviewView(LoginRequiredMixin, View):
    def post(self, request, pk):
        decision = selectors.get_visible_decision(request.user, pk)
        try:
            services.decision_expert_review_close(decision=decision, user=request.user)
            messages.success(request, "已关闭专家论证，逾期未答复的专家已记录。")
        except Conflict as conflict:
            messages.error(request, conflict.message)
        return HttpResponseRedirect(reverse("decisions:detail", args=[pk]))


class MeetingListView(LoginRequiredMixin, ListView):
    template_name = "decisions/meeting_list.html"
    paginate_by = 20

    def get_queryset(self):
        require_perm(self.request.user, "decisions.see_meeting", hide=True)
        return selectors.visible_meetings(self.request.user).order_by("-scheduled_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_schedule"] = self.request.user.has_perm("decisions.schedule_meeting")
        return context


class MeetingCreateView(ServiceFormView):
    template_name = "decisions/meeting_form.html"
    form_class = MeetingForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_perm(request.user, "decisions.schedule_meeting")
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        meeting = services.meeting_schedule(user=self.request.user, **form.cleaned_data)
        return f"已发出会议通知：{meeting.title}", reverse("decisions:meeting", args=[meeting.pk])


class MeetingDetailView(LoginRequiredMixin, TemplateView):
    template_name = "decisions/meeting_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        meeting = selectors.get_visible_meeting(user, kwargs["pk"])
        process = process_for(meeting)
        context.update(selectors.meeting_materials(meeting))
        context.update(process_page_context(process, selectors.meeting_history(meeting, self.request.user)))
        context.update(materials_context(meeting, user))
        open_for_changes = may_change(meeting)
        context.update(
            current_steps=_current_steps(process),
            may_reschedule=open_for_changes and user.has_perm("decisions.schedule_meeting"),
            may_request_leave=open_for_changes and selectors.committee_members().filter(pk=user.pk).exists(),
            my_leave=LeaveRequest.objects.filter(meeting=meeting, member=user).first(),
            leave_requests=meeting.leave_requests.select_related("member"),
        )
        return context


class MeetingRescheduleView(ServiceFormView):
    """改期/调整议程 of a meeting not yet held; every member is notified again."""

    template_name = "decisions/meeting_reschedule.html"
    form_class = MeetingForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.meeting = selectors.get_visible_meeting(request.user, kwargs["pk"])
            require_perm(request.user, "decisions.schedule_meeting")
            if not may_change(self.meeting):
                messages.error(request, "会议已开始或已结束，不能再改期或调整议程。")
                return HttpResponseRedirect(reverse("decisions:meeting", args=[self.meeting.pk]))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.meeting}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "meeting": self.meeting}

    def conflict_url(self):
        return reverse("decisions:meeting", args=[self.meeting.pk])

    def perform(self, form):
        meeting = meeting_reschedule(meeting=self.meeting, user=self.request.user, **form.cleaned_data)
        return f"已更新会议并重新通知全体委员：{meeting.title}", reverse("decisions:meeting", args=[meeting.pk])


class MeetingLeaveView(ServiceFormView):
    """A committee member's 请假 in answer to the notice."""

    template_name = "decisions/meeting_leave.html"
    form_class = LeaveRequestForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.meeting = selectors.get_visible_meeting(request.user, kwargs["pk"])
            if not selectors.committee_members().filter(pk=request.user.pk).exists():
                raise PermissionDenied("只有党委委员可以请假。")
            if not may_change(self.meeting):
                messages.error(request, "会议已开始，不能再请假；如有需要请联系党委办公室登记。")
                return HttpResponseRedirect(reverse("decisions:meeting", args=[self.meeting.pk]))
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        leave = LeaveRequest.objects.filter(meeting=self.meeting, member=self.request.user).first()
        return {"reason": leave.reason} if leave else {}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "meeting": self.meeting}

    def conflict_url(self):
        return reverse("decisions:meeting", args=[self.meeting.pk])

    def perform(self, form):
        meeting_leave_request(meeting=self.meeting, user=self.request.user, reason=form.cleaned_data["reason"])
        return "已提交请假，党委办公室登记出席时将记为缺席。", reverse("decisions:meeting", args=[self.meeting.pk])


class MeetingMinutesDocxView(LoginRequiredMixin, View):
    def get(self, request, pk):
        meeting = selectors.get_visible_meeting(request.user, pk)
        try:
            return decisions_api.minutes_response(meeting)
        except Conflict as conflict:
            messages.error(request, conflict.message)
            return HttpResponseRedirect(reverse("decisions:meeting", args=[pk]))


class DecisionsApp(Application):
    title = "三重一大"
    icon = "gavel"
    app_name = "decisions"
    menu_template_name = "workflows/app_menu.html"
    # (url name, label, icon[, permission the target needs]): links the user may not follow are not shown.
    menu_links = [
        ("decisions:list", "议题", "list_alt"),
        ("decisions:new", "申报议题", "add_circle", "decisions.propose"),
        ("decisions:urgent_new", "事后报告", "bolt", "workflows.run_office"),
        ("decisions:meetings", "党委会", "groups", "decisions.see_meeting"),
        ("decisions:dashboard", "统计看板", "insights", "decisions.see_dashboard"),
    ]

    list_path = path("", DecisionListView.as_view(), name="list")
    new_path = path("new/", DecisionCreateView.as_view(), name="new")
    urgent_new_path = path("urgent/new/", UrgentReportCreateView.as_view(), name="urgent_new")
    detail_path = path("<int:pk>/", DecisionDetailView.as_view(), name="detail")
    withdraw_path = path("<int:pk>/withdraw/", DecisionWithdrawView.as_view(), name="withdraw")
    close_experts_path = path("<int:pk>/close-expert-review/", DecisionCloseExpertReviewView.as_view(),
                              name="close_experts")
    dashboard_path = path("dashboard/", DashboardView.as_view(), name="dashboard")
    open_tasks_path = path("dashboard/tasks/", OpenTaskListView.as_view(), name="open_tasks")
    meetings_path = path("meetings/", MeetingListView.as_view(), name="meetings")
    meeting_new_path = path("meetings/new/", MeetingCreateView.as_view(), name="meeting_new")
    meeting_path = path("meetings/<int:pk>/", MeetingDetailView.as_view(), name="meeting")
    meeting_reschedule_path = path("meetings/<int:pk>/reschedule/", MeetingRescheduleView.as_view(),
                                   name="meeting_reschedule")
    meeting_leave_path = path("meetings/<int:pk>/leave/", MeetingLeaveView.as_view(), name="meeting_leave")
    minutes_docx_path = path("meetings/<int:pk>/minutes.docx", MeetingMinutesDocxView.as_view(), name="minutes_docx")


def _current_steps(process) -> list[str]:
    """Titles of the steps the meeting is at now (会议纪要起草, ...)."""
    return [str(node.task_title) for node in active_nodes(process) if node.task_title] if process else []


# --- the subject part of the generic task page (registered in apps.py) ----------------------


def decision_task_page(*, task, user) -> dict:
    decision = Decision.objects.get(pk=task.process.artifact_object_id)
    context = {"subject_template": "decisions/_decision_subject.html", **selectors.decision_materials(decision, user)}
    context["secretary_vote_step"] = task.flow_task.name == "secretary_vote"
    if context["secretary_vote_step"] and context.get("vote_progress"):
        context["step_summary_template"] = "decisions/_vote_progress.html"  # above the form, not folded away
    return context


def meeting_task_page(*, task, user) -> dict:
    meeting = Meeting.objects.get(pk=task.process.artifact_object_id)
    context = {"subject_template": "decisions/_meeting_subject.html", **selectors.meeting_materials(meeting)}
    step = task.flow_task.name if task.flow_task else ""
    context["current_steps"] = _current_steps(task.process)
    if step == "attendance":
        context["leave_requests"] = meeting.leave_requests.select_related("member")
    if step == "minutes_approve" and context["minutes"] is not None:
        context["minutes_preview"] = minutes_content(meeting)
        context["step_summary_template"] = "decisions/_minutes_preview.html"  # read before signing
    return context
