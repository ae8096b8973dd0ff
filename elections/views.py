"""Pages of the 三上三下 branch elections."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import ListView, TemplateView
from viewflow.urls import Application

from workflows.exceptions import Conflict, errors_to_form
from workflows.materials.selectors import materials_context
from workflows.models import Unit
from workflows.org.permissions import require_perm
from workflows.pages import process_page_context
from workflows.tasks import may_act_on, open_tasks, process_for

from . import services
from .forms import ElectionRequestForm, RecommendationForm
from .models import Election
from .selectors import (
    election_history,
    election_materials,
    get_visible_election,
    my_recommendation,
    overview_rows,
    term_overview,
    visible_elections,
)


class ElectionListView(LoginRequiredMixin, ListView):
    template_name = "elections/list.html"
    paginate_by = 20

    def get_queryset(self):
        qs = visible_elections(self.request.user).order_by("-created", "-pk")
        if self.request.GET.get("status"):
            qs = qs.filter(status=self.request.GET["status"])
        if self.request.GET.get("unit"):
            qs = qs.filter(unit__code=self.request.GET["unit"])
        return qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statuses"] = Election.Status.choices
        context["may_request"] = bool(_requestable_units(self.request.user))
        context["may_overview"] = self.request.user.has_perm("elections.overview")
        context["query"] = self.request.GET.copy()
        context["query"].pop("page", None)
        return context


def _requestable_units(user):
    units = Unit.objects.filter(kind__in=[Unit.Kind.BRANCH, Unit.Kind.GENERAL_BRANCH], active=True).order_by("code")
    if user.has_perm("elections.review"):
        return list(units)
    return [u for u in units.filter(rolegrant__user=user, rolegrant__role="branch_secretary")
            if user.has_perm("elections.request", u)]


class ElectionRequestView(LoginRequiredMixin, TemplateView):
    """一上 换届请示: the form that starts an election."""

    template_name = "elections/new.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.units = _requestable_units(request.user)
            if not self.units:
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        initial = {"seats": 3}
        if self.request.GET.get("unit") in {u.code for u in self.units}:  # 发起换届 from the overview
            initial["unit"] = self.request.GET["unit"]
        context["form"] = form or ElectionRequestForm(units=self.units, initial=initial)
        return context

    def post(self, request):
        form = ElectionRequestForm(data=request.POST, units=self.units)
        if form.is_valid():
            try:
                election = services.election_request(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                errors_to_form(form, error)
            except Conflict as conflict:
                form.add_error(None, conflict.message)
            else:
                messages.success(request, "换届请示已提交，等待组织部门批复。")
                return HttpResponseRedirect(reverse("elections:detail", args=[election.pk]))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ElectionDetailView(LoginRequiredMixin, TemplateView):
    template_name = "elections/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        election = get_visible_election(user, kwargs["pk"])
        process = process_for(election)
        context.update(election_materials(
            election, with_counts=user.has_perm("elections.review") or user.has_perm("elections.lead", election)))
        context.update(process_page_context(process, election_history(election, with_ids=True)))
        context.update(materials_context(election, user))
        context.update(
            my_tasks=[t for t in open_tasks(process).filter(flow_task_type="HUMAN").order_by("pk")
                      if may_act_on(user, t)],
            may_recommend=election.status == Election.Status.NOMINATE and user.has_perm("elections.recommend", election),
            my_recommendation=my_recommendation(election, user),
        )
        return context


class RecommendationView(LoginRequiredMixin, TemplateView):
    """民主推荐: a full member recommends up to `seats` members (a new one replaces the old)."""

    template_name = "elections/recommend.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.election = get_visible_election(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        current = my_recommendation(self.election, self.request.user)
        names = dict(self.election.unit.people.filter(username__in=current.nominees).values_list("username", "name")
                     ) if current else {}
        context.update(
            election=self.election,
            current=current,
            current_names=[names.get(n) or n for n in current.nominees] if current else [],
            is_open=self.election.status == Election.Status.NOMINATE,
            form=form or RecommendationForm(election=self.election,
                                            initial={"nominees": current.nominees if current else []}),
        )
        return context

    def post(self, request, pk):
        services.check_may_try_recommending(request.user, self.election)
        form = RecommendationForm(data=request.POST, election=self.election)
        if form.is_valid():
            try:
                services.recommendation_submit(election=self.election, user=request.user,
                                               nominees=form.cleaned_data["nominees"])
            except ValidationError as error:
                errors_to_form(form, error)
            except Conflict as conflict:
                form.add_error(None, conflict.message)
            else:
                messages.success(request, "推荐已提交。")
                return HttpResponseRedirect(reverse("elections:detail", args=[pk]))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class TermOverviewView(LoginRequiredMixin, TemplateView):
    """换届一览: every branch and general branch, term end, days left, election status."""

    template_name = "elections/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        require_perm(self.request.user, "elections.overview")
        today = timezone.localdate()
        params = self.request.GET
        units = term_overview(today=today, parent_code=params.get("parent") or None, due=bool(params.get("due")),
                              band=params.get("band") or None)
        page = Paginator(units, 30).get_page(params.get("page"))
        page.object_list = overview_rows(page.object_list, today)
        for row in page.object_list:  # 发起换届: due, nothing running, and the user may request
            row["may_request"] = ((row["overdue"] or row["soon"]) and row["election"] is None
                                  and self.request.user.has_perm("elections.request", row["unit"]))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            rows=page.object_list, page_obj=page, paginator=page.paginator, is_paginated=page.has_other_pages(),
            query=query, general_branches=Unit.objects.filter(kind=Unit.Kind.GENERAL_BRANCH).order_by("code"),
            today=today,
        )
        return context


class ElectionsApp(Application):
    title = "支部换届"
    icon = "how_to_vote"
    app_name = "elections"
    menu_template_name = "workflows/app_menu.html"
    menu_links = [
        ("elections:list", "换届选举", "how_to_vote"),
        ("elections:overview", "换届一览", "event_note", "elections.overview"),
    ]

    list_path = path("", ElectionListView.as_view(), name="list")
    new_path = path("new/", ElectionRequestView.as_view(), name="new")
    overview_path = path("overview/", TermOverviewView.as_view(), name="overview")
    detail_path = path("<int:pk>/", ElectionDetailView.as_view(), name="detail")
    recommend_path = path("<int:pk>/recommend/", RecommendationView.as_view(), name="recommend")


def election_task_page(*, task, user) -> dict:
    """The subject part of the generic task page (registered in apps.py)."""
    return {"subject_template": "elections/_subject.html", **election_materials(task.process.artifact)}
