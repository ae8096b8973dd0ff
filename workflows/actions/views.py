"""Pages of the task actions: the forms behind the task page's actions area, 抄送我的, 我的委托, 加签 answers."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.views.generic import TemplateView
from viewflow.urls.base import ViewsetMeta
from viewflow.workflow.models import Process, Task

from ..exceptions import Conflict
from ..lists import PAGE_SIZE
from ..pages import ServiceFormView
from ..tasks import flow_code_of, open_tasks, registered_flows, task_title
from ..tasks.stepbar import step_bar
from .cc import copies_for, may_copy, task_cc
from .common import TooSoon, people_by_username, require_writer, subject_url
from .consult import consultation_answer, consultations_of, may_consult, task_consult
from .delegation import delegation_cancel, delegation_create, delegation_state, delegations_of
from .forms import AnswerForm, ConsultForm, CopyForm, DelegationForm, ReassignForm, UrgeForm
from .models import Consultation, Delegation
from .reassign import may_hand_on, task_reassign
from .urge import may_urge, process_urge


class _ActionPage(ServiceFormView):
    """A form that runs one service; errors next to the fields (400), conflicts back with their message,
    asked again too soon: 429 with the message above the form."""

    template_name = "task_actions/action_form.html"
    heading = ""
    submit_label = "提交"

    def back_url(self) -> str:
        return reverse("workbench:inbox")

    def conflict_url(self) -> str:
        return self.back_url()

    def post(self, request, *args, **kwargs):
        require_writer(request.user)  # auditors: 403 before any validation
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(heading=self.heading, submit_label=self.submit_label, back_url=self.back_url())
        return context

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except TooSoon as soon:
            form.add_error(None, soon.message)
            return self.render_to_response(self.get_context_data(form=form), status=429)


class _TaskActionPage(_ActionPage):
    may = None  # may(user, task) -> bool

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.task = get_object_or_404(Task.objects.select_related("process", "owner"), pk=kwargs["pk"],
                                      flow_task_type="HUMAN")
        if not type(self).may(request.user, self.task):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def back_url(self) -> str:
        return reverse("workbench:task", args=[self.task.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=task_title(self.task), step_bar=step_bar(self.task.process))
        return context


class ReassignPage(_TaskActionPage):
    heading, submit_label, may = "转办", "确认转办", staticmethod(may_hand_on)
    form_class = ReassignForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "task": self.task}

    def perform(self, form):
        to = people_by_username([form.cleaned_data["to"]], field="to")[0]
        task_reassign(task=self.task, user=self.request.user, to=to, reason=form.cleaned_data["reason"])
        return f"已转办给 {to}：{task_title(self.task)}", reverse("workbench:inbox")


class ConsultPage(_TaskActionPage):
    heading, submit_label, may = "加签（征求意见）", "发送", staticmethod(may_consult)
    form_class = ConsultForm

    def perform(self, form):
        people = people_by_username(form.cleaned_data["to"], field="to")
        task_consult(task=self.task, user=self.request.user, people=people, question=form.cleaned_data["question"])
        return f"已向 {'、'.join(str(p) for p in people)} 征求意见。", self.back_url()


class CopyPage(_TaskActionPage):
    heading, submit_label, may = "抄送", "抄送", staticmethod(may_copy)
    form_class = CopyForm

    def perform(self, form):
        people = people_by_username(form.cleaned_data["to"], field="to")
        task_cc(task=self.task, user=self.request.user, to=people, note=form.cleaned_data["note"])
        return f"已抄送给 {'、'.join(str(p) for p in people)}。", self.back_url()


class UrgePage(_ActionPage):
    """催办 every open step of a process (the step bar's 催办 button)."""

    heading, submit_label = "催办", "发送催办"
    form_class = UrgeForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.process = get_object_or_404(Process, pk=kwargs["pk"])
        self.tasks = list(open_tasks(self.process).filter(flow_task_type="HUMAN").select_related("process"))
        if not self.tasks or not may_urge(request.user, self.tasks[0]):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def back_url(self) -> str:
        return subject_url(self.tasks[0])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=task_title(self.tasks[0]), step_bar=step_bar(self.process))
        return context

    def perform(self, form):
        urges = process_urge(process=self.process, user=self.request.user, message=form.cleaned_data["message"])
        people = {name for urge in urges for name in urge.recipients}
        return f"已催办（{len(people)} 人）。", self.back_url()


class ConsultationPage(_ActionPage):
    """The asked person's page: the question, the subject link, and the answer."""

    template_name = "task_actions/consultation.html"
    heading, submit_label = "加签意见", "提交意见"
    form_class = AnswerForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.consultation = get_object_or_404(
            Consultation.objects.select_related("task", "task__process", "asked_by"), pk=kwargs["pk"],
            person=request.user)
        return super().dispatch(request, *args, **kwargs)

    def back_url(self) -> str:
        return reverse("workbench:consultation", args=[self.consultation.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        task = self.consultation.task
        context.update(consultation=self.consultation, title=task_title(task), subject_url=subject_url(task),
                       is_open=self.consultation.status == Consultation.Status.OPEN,
                       others=consultations_of(self.request.user).exclude(pk=self.consultation.pk)[:10])
        return context

    def perform(self, form):
        consultation_answer(consultation=self.consultation, user=self.request.user, answer=form.cleaned_data["answer"])
        return "已提交加签意见。", self.back_url()


class DelegationsPage(_ActionPage):
    """我的委托: name a delegate for a period, see and cancel mine, see who delegated to me."""

    template_name = "task_actions/delegations.html"
    heading, submit_label = "我的委托", "登记委托"
    form_class = DelegationForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def back_url(self) -> str:
        return reverse("workbench:delegations")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = [{"d": d, "state": delegation_state(d), "mine": d.principal_id == self.request.user.pk}
                for d in delegations_of(self.request.user)[:50]]
        context["rows"] = rows
        return context

    def perform(self, form):
        data = form.cleaned_data
        delegate = people_by_username([data["delegate"]], field="delegate")[0]
        delegation_create(user=self.request.user, delegate=delegate, starts=data["starts"], ends=data["ends"],
                          reason=data["reason"])
        return f"已委托 {delegate}（{data['starts']:%m-%d} 至 {data['ends']:%m-%d}）。", self.back_url()


class DelegationCancelPage(LoginRequiredMixin, TemplateView):
    def post(self, request, pk):
        delegation = get_object_or_404(Delegation, pk=pk, principal=request.user)
        try:
            delegation_cancel(delegation=delegation, user=request.user)
        except Conflict as conflict:
            messages.error(request, conflict.message)
        else:
            messages.success(request, "已撤销委托。")
        return HttpResponseRedirect(reverse("workbench:delegations"))


class CopiedToMePage(LoginRequiredMixin, TemplateView):
    """抄送我的: what was copied to me, newest first, filterable by flow and name."""

    template_name = "task_actions/cc_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        copies = copies_for(self.request.user, flow=params.get("flow") or None, text=(params.get("q") or "").strip())
        page = Paginator(copies, PAGE_SIZE).get_page(params.get("page"))
        query = params.copy()
        query.pop("page", None)
        flows = registered_flows()
        context.update(
            page_obj=page, paginator=page.paginator, is_paginated=page.has_other_pages(), query=query,
            flows=[(code, entry.flow_class.process_title) for code, entry in flows.items() if entry.started_by],
            rows=[{"copy": c, "title": task_title(c.task), "flow_title": flows[flow_code_of(c.task)].flow_class.process_title,
                   "url": subject_url(c.task)} for c in page.object_list],
        )
        return context


class TaskActionPaths(metaclass=ViewsetMeta):
    """The pages above, mixed into the workbench (`WorkbenchApp`), so their URL names are `workbench:...`."""

    reassign_path = path("tasks/<int:pk>/reassign/", ReassignPage.as_view(), name="reassign")
    consult_path = path("tasks/<int:pk>/consult/", ConsultPage.as_view(), name="consult")
    cc_task_path = path("tasks/<int:pk>/cc/", CopyPage.as_view(), name="cc_task")
    urge_path = path("processes/<int:pk>/urge/", UrgePage.as_view(), name="urge")
    consultation_path = path("consultations/<int:pk>/", ConsultationPage.as_view(), name="consultation")
    cc_path = path("cc/", CopiedToMePage.as_view(), name="cc")
    delegations_path = path("delegations/", DelegationsPage.as_view(), name="delegations")
    delegation_cancel_path = path("delegations/<int:pk>/cancel/", DelegationCancelPage.as_view(),
                                  name="delegation_cancel")
