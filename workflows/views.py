"""Pages of the shared plumbing: the task inbox, the generic task page, the organisation."""

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.views import View
from django.views.generic import ListView, TemplateView
from viewflow.urls import Application
from viewflow.workflow.models import Task

from . import tasks as task_service
from .actions import views as actions
from .actions.page import task_actions
from .exceptions import Conflict, FormInvalid, errors_to_form
from .lists import DoneListView, StartedListView
from .materials.selectors import materials_context
from .pages import process_page_context
from .tasks.nodes import Step


class InboxView(LoginRequiredMixin, ListView):
    template_name = "workflows/inbox.html"
    paginate_by = 20

    def get_queryset(self):
        qs = task_service.filter_tasks(
            task_service.open_tasks_for(self.request.user),
            flow=self.request.GET.get("flow") or None,
            step=self.request.GET.get("step") or None,
        )
        if self.request.GET.get("overdue"):
            qs = qs.filter(schedule__due_at__lt=timezone.now())
        return qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        context["rows"] = [
            {
                "task": task,
                "title": task_service.task_title(task),
                "flow": task_service.flow_code_of(task),
                "due": task_service.task_due(task),
                "overdue": (task_service.task_due(task) or now) < now,
                "mine": task.owner_id == self.request.user.pk,
            }
            for task in context["object_list"]
        ]
        context["flows"] = [
            (code, entry.flow_class.process_title) for code, entry in task_service.registered_flows().items()
        ]
        context["step_groups"] = step_choices(self.request.GET.get("flow") or None)
        context["query"] = self.request.GET.copy()
        context["query"].pop("page", None)
        return context


def step_choices(flow_code=None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The human steps of the registered flows (of one flow if given): [(flow title, [(step name, title)])]."""
    groups = []
    for code, entry in sorted(task_service.registered_flows().items()):
        if flow_code and code != flow_code:
            continue
        order = list(vars(entry.flow_class))  # declaration order = diagram order
        nodes = sorted((n for n in entry.flow_class.instance.nodes() if isinstance(n, Step)),
                       key=lambda n: order.index(n.name) if n.name in order else len(order))
        steps = [(node.name, str(node.task_title or node.name)) for node in nodes]
        if steps:
            groups.append((str(entry.flow_class.process_title), steps))
    return groups


def _task_for_page(request, pk):
    task = get_object_or_404(Task.objects.select_related("process", "owner", "schedule"), pk=pk,
                             flow_task_type="HUMAN")
    if task.status in task_service.OPEN_STATUSES and not task_service.may_act_on(request.user, task):
        raise PermissionDenied
    if task.status not in task_service.OPEN_STATUSES and task.owner_id != request.user.pk:
        raise Http404
    return task


class TaskPageView(LoginRequiredMixin, TemplateView):
    """Any human step of any flow: the step bar and the step's form first, then the subject, earlier steps
    and the diagram (folded)."""

    template_name = "workflows/task_page.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.task = _task_for_page(request, kwargs["pk"])
        self.step = task_service.step_of(self.task)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        task, step = self.task, self.step
        if form is None:
            form = step.form_class(task=task, user=self.request.user)
        context.update(
            task=task,
            step=step,
            form=form,
            title=task_service.task_title(task),
            due=task_service.task_due(task),
            is_open=task.status in task_service.OPEN_STATUSES,
            **process_page_context(task.process),
            **choice_buttons(form),
        )
        page = task_service.registered_flows()[task_service.flow_code_of(task)].page
        if page is not None:
            context.update(page(task=task, user=self.request.user))
        context.update(task_actions(task, self.request.user))
        if task.process.artifact is not None:  # the subject's 附件 (upload when this step takes files) and 讨论
            context.update(materials_context(task.process.artifact, self.request.user))
        return context

    def post(self, request, *args, **kwargs):
        try:
            task_service.task_complete(task=self.task, user=request.user, data=_form_data(request))
        except FormInvalid as invalid:
            return self.render_to_response(self.get_context_data(form=invalid.form), status=400)
        except Conflict as conflict:
            messages.error(request, conflict.message)
            return HttpResponseRedirect(reverse("workbench:inbox"))
        except ValidationError as error:
            form = self.step.form_class(data=_form_data(request), task=self.task, user=request.user)
            form.is_valid()
            errors_to_form(form, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, f"已办理：{task_service.task_title(self.task)}")
        return HttpResponseRedirect(reverse("workbench:inbox"))


_MAX_BUTTONS = 5
_MAX_BUTTON_LABEL = 8
# The choice that completes a step (表决, 意见, 签发, 列入议程, 达成一致): shown in the action bar.
ACTION_FIELDS = ("vote", "opinion", "approve", "accept", "consensus")


def _button_choices(field) -> list | None:
    """The (value, label) options of a single choice field short enough to show as big buttons."""
    widget = field.widget
    is_choice = isinstance(field, django_forms.ChoiceField) and not isinstance(
        field, (django_forms.MultipleChoiceField, django_forms.ModelChoiceField))
    if getattr(widget, "allow_multiple_selected", False):  # CheckboxSelectMultiple is a RadioSelect too
        return None
    if not (is_choice and isinstance(widget, django_forms.Select)) and not isinstance(widget, django_forms.RadioSelect):
        return None
    choices = [(str(v), str(label)) for v, label in getattr(widget, "choices", []) if v not in ("", None)]
    if not 2 <= len(choices) <= _MAX_BUTTONS or any(len(label) > _MAX_BUTTON_LABEL for _, label in choices):
        return None
    return choices


def choice_buttons(form) -> dict:
    """How a step form is laid out: short single choices show as big buttons, none preselected.

    The first such choice named in ACTION_FIELDS is the step's action: its buttons submit the form (after
    a confirm dialog) from the bar at the bottom. Returns `step_fields` (the other visible fields, each
    with its `buttons` or None), `action_field` and `action_buttons`.
    """
    rows, action, action_buttons = [], None, []
    for bound in form.visible_fields():
        choices = _button_choices(bound.field)
        chosen = str(bound.value()) if form.is_bound and choices else None
        buttons = [{"value": v, "label": label, "checked": chosen == v} for v, label in choices or []]
        if action is None and choices and bound.name in ACTION_FIELDS:
            action, action_buttons = bound, buttons
        else:
            rows.append({"field": bound, "buttons": buttons or None})
    return {"step_fields": rows, "action_field": action, "action_buttons": action_buttons}


def _form_data(request):
    """POST data with multi-valued keys kept as lists (like a JSON payload)."""
    data = {}
    for key in request.POST:
        if key == "csrfmiddlewaretoken":
            continue
        values = request.POST.getlist(key)
        data[key] = values if len(values) > 1 else values[0]
    return data


class TaskClaimView(LoginRequiredMixin, View):
    def post(self, request, pk):
        task = get_object_or_404(Task, pk=pk, flow_task_type="HUMAN")
        try:
            task_service.task_claim(task=task, user=request.user)
        except Conflict as conflict:
            messages.error(request, conflict.message)
            return HttpResponseRedirect(reverse("workbench:inbox"))
        return HttpResponseRedirect(reverse("workbench:task", args=[task.pk]))


class HomeView(LoginRequiredMixin, View):
    def get(self, request):
        return HttpResponseRedirect(reverse("workbench:inbox"))


class WorkbenchApp(actions.TaskActionPaths, Application):
    """工作台: my tasks."""

    title = "工作台"
    icon = "inbox"
    app_name = "workbench"
    menu_template_name = "workflows/app_menu.html"
    menu_links = [
        ("workbench:inbox", "我的待办", "assignment"),
        ("workbench:done", "我的已办", "task_alt"),
        ("workbench:started", "我发起的", "outbox"),
        ("workbench:cc", "抄送我的", "forward_to_inbox"),
        ("workbench:delegations", "我的委托", "event_busy"),
    ]

    inbox_path = path("", InboxView.as_view(), name="inbox")
    done_path = path("done/", DoneListView.as_view(), name="done")
    started_path = path("started/", StartedListView.as_view(), name="started")
    task_path = path("tasks/<int:pk>/", TaskPageView.as_view(), name="task")
    claim_path = path("tasks/<int:pk>/claim/", TaskClaimView.as_view(), name="claim")
