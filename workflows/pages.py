"""What the HTML pages of every app share: the service form page, a detail page again with errors,
and what subject and task pages show of their process (step bar, timeline with notes and comments, diagram)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.views.generic import FormView
from viewflow.workflow.models import Task

from . import tasks as task_service
from .actions.timeline import task_notes
from .comments.selectors import with_comments
from .exceptions import Conflict, errors_to_form
from .tasks.diagram import process_diagram_svg
from .tasks.stepbar import step_bar


def detail_page_with_errors(view_class, request, obj, **forms):
    """A DetailView page again (400) with bound forms: errors next to their fields, the input kept."""
    view = view_class()
    view.setup(request, **{view_class.slug_url_kwarg: getattr(obj, view_class.slug_field)})
    view.object = obj
    response = view.render_to_response(view.get_context_data(object=obj, **forms))
    response.status_code = 400
    return response


class ServiceFormView(LoginRequiredMixin, FormView):
    """A page whose valid form runs one service (`perform(form)` -> (success message, next url)).

    A service's ValidationError goes next to the fields (400, input kept); a Conflict goes back to
    `conflict_url()` with its message; an invalid form is a 400.
    """

    def perform(self, form) -> tuple[str, str]:
        raise NotImplementedError

    def conflict_url(self) -> str:
        return self.request.path

    def form_valid(self, form):
        try:
            message, url = self.perform(form)
        except ValidationError as error:
            errors_to_form(form, error)
            return self.form_invalid(form)
        except Conflict as conflict:
            messages.error(self.request, conflict.message)
            return HttpResponseRedirect(self.conflict_url())
        messages.success(self.request, message)
        return HttpResponseRedirect(url)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


def process_page_context(process, history=None) -> dict:
    """What every subject and task page shows of its process: step bar, timeline, diagram, and the
    readable history when given."""
    from .audit.trail import readable_entries

    context = {
        "process": process,
        "timeline": with_comments(process_timeline(process), process.artifact) if process else [],
        "diagram": process_diagram_svg(process) if process else "",
        "step_bar": step_bar(process),
    }
    if history is not None:
        context["history"] = readable_entries(history)
    return context


def process_timeline(process):
    """The human steps and waits (待上会, 会议表决) of a process, oldest first, by their Chinese titles.

    Routing nodes (gateways, splits, joins), the start and the end are engine detail and never shown.
    """
    from .tasks.nodes import Handle

    tasks = (
        Task.objects.filter(process=process, flow_task_type__in=["HUMAN", "FUNCTION"])
        .select_related("owner")
        .order_by("created", "pk")
    )
    tasks = [t for t in tasks
             if t.flow_task is not None and (t.flow_task_type == "HUMAN" or isinstance(t.flow_task, Handle))]
    notes = task_notes(t.pk for t in tasks)
    return [
        {
            "notes": notes.get(t.pk, []),
            "title": str(t.flow_task.task_title),
            "code": t.flow_task.name,
            "status": task_service.API_STATUS.get(t.status, str(t.status).lower()),
            "owner": t.owner,
            "created": t.created,
            "finished": t.finished,
            "human": t.flow_task_type == "HUMAN",
        }
        for t in tasks
    ]
