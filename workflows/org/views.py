"""Pages of the organisation: units with their terms, committees and people; 延期换届."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.views import View
from django.views.generic import DetailView, ListView
from viewflow.urls import Application

from ..exceptions import errors_to_form
from ..models import Unit, User
from ..pages import detail_page_with_errors
from ..serializers import committee_of
from . import terms as org_services
from .forms import TermPostponeForm
from .permissions import require_perm
from .roles import Role


class UnitListView(LoginRequiredMixin, ListView):
    template_name = "workflows/unit_list.html"
    paginate_by = 30

    def get_queryset(self):
        user = self.request.user
        qs = Unit.objects.select_related("parent").annotate(
            member_count=Count("people", filter=Q(people__is_active=True) & ~Q(people__membership="none")),
            full_count=Count("people", filter=Q(people__is_active=True, people__membership="full")),
        )
        if not user.has_perm("workflows.oversee_organisation"):
            qs = qs.filter(pk__in=user.role_grants.filter(unit__isnull=False).values("unit"))
        params = self.request.GET
        if params.get("kind"):
            qs = qs.filter(kind=params["kind"])
        if params.get("parent"):
            qs = qs.filter(parent__code=params["parent"])
        if params.get("q"):
            qs = qs.filter(Q(name__icontains=params["q"]) | Q(code__icontains=params["q"]))
        return qs.order_by("kind", "code")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["general_branches"] = Unit.objects.filter(kind=Unit.Kind.GENERAL_BRANCH).order_by("code")
        context["kinds"] = Unit.Kind.choices
        context["query"] = self.request.GET.copy()
        context["query"].pop("page", None)
        return context


class UnitDetailView(LoginRequiredMixin, DetailView):
    template_name = "workflows/unit_detail.html"
    slug_field = "code"
    slug_url_kwarg = "code"
    model = Unit

    def get_object(self, queryset=None):
        unit = super().get_object(queryset)
        require_perm(self.request.user, "workflows.see_unit", unit, hide=True)
        return unit

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = self.object
        context["terms"] = unit.terms.order_by("-started")
        context["children"] = unit.children.order_by("code")
        context["people"] = unit.people.filter(is_active=True).order_by("membership", "name", "pk")
        context["current_term"] = unit.current_term
        # The last approved election (it started the current term); workflows never imports elections.
        context["last_election"] = (
            unit.elections.exclude(new_term=None).order_by("-held_on", "-pk").first()
            if hasattr(unit, "elections") else None
        )
        context["officers"] = committee_of(unit)
        context["secretary"] = (
            User.objects.filter(role_grants__role=Role.PARTY_SECRETARY, is_active=True).first()
            if unit.kind == Unit.Kind.COMMITTEE else unit.secretary
        )
        context["may_lead"] = self.request.user.has_perm("workflows.lead_unit", unit)
        if context["current_term"] and self.request.user.has_perm("workflows.postpone_term", unit):
            context["postpone_form"] = kwargs.get("postpone_form") or TermPostponeForm()
        from ..audit.trail import history_tab_entries, may_read_trail

        if may_read_trail(self.request.user):  # auditors: the unit's change history
            context["history"] = history_tab_entries(unit, unit.terms.all(), unit.rolegrant_set.all())
        return context


class TermPostponeView(LoginRequiredMixin, View):
    """POST: record the committee's approval to postpone the unit's election."""

    def post(self, request, code):
        unit = get_object_or_404(Unit, code=code)
        require_perm(request.user, "workflows.see_unit", unit, hide=True)
        require_perm(request.user, "workflows.postpone_term", unit)
        term = unit.current_term
        if term is None:
            raise Http404
        form = TermPostponeForm(data=request.POST)
        if form.is_valid():
            try:
                org_services.term_postpone(term=term, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                errors_to_form(form, error)
        if not form.is_valid():
            return detail_page_with_errors(UnitDetailView, request, unit, postpone_form=form)
        messages.success(request, f"已登记延期换届至 {form.cleaned_data['until']:%Y-%m-%d}。")
        return HttpResponseRedirect(reverse("organisation:unit", args=[code]))


class OrganisationApp(Application):
    """组织机构: units, terms and people."""

    title = "组织机构"
    icon = "account_tree"
    app_name = "organisation"
    menu_template_name = "workflows/app_menu.html"
    menu_links = [("organisation:units", "党组织", "account_tree")]

    units_path = path("", UnitListView.as_view(), name="units")
    unit_path = path("units/<slug:code>/", UnitDetailView.as_view(), name="unit")
    postpone_path = path("units/<slug:code>/postpone/", TermPostponeView.as_view(), name="postpone")
