"""Office pages: deliveries that did not arrive (with 重试), and a unit's group robots."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import ListView

from ..exceptions import Conflict, errors_to_form
from ..models import Unit
from ..org.permissions import require_perm
from ..org.views import UnitDetailView
from ..pages import detail_page_with_errors
from .channels import unit_channels_set
from .forms import UnitChannelsForm
from .models import Channel, Delivery

UNDELIVERED = (Delivery.Status.FAILED, Delivery.Status.PENDING)
STATUS_FILTERS = {"": UNDELIVERED, "failed": (Delivery.Status.FAILED,), "pending": (Delivery.Status.PENDING,),
                  "delivered": (Delivery.Status.DELIVERED,)}


def deliveries(*, status: str = "", channel: str = ""):
    qs = Delivery.objects.filter(status__in=STATUS_FILTERS.get(status, UNDELIVERED))
    if channel in Channel.values:
        qs = qs.filter(channel=channel)
    return qs.select_related("recipient", "unit", "retried_by").order_by("-created", "-pk")


class DeliveryListView(LoginRequiredMixin, ListView):
    """发送记录: failed and waiting deliveries (office staff), newest first."""

    template_name = "notifications/deliveries.html"
    paginate_by = 30

    def get_queryset(self):
        require_perm(self.request.user, "workflows.manage_deliveries")
        return deliveries(status=self.request.GET.get("status", ""), channel=self.request.GET.get("channel", ""))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statuses"] = [("", "未送达（全部）"), ("failed", "发送失败"), ("pending", "等待重试"),
                               ("delivered", "已送达")]
        context["channels"] = Channel.choices
        context["query"] = self.request.GET.copy()
        context["query"].pop("page", None)
        return context


class DeliveryRetryView(LoginRequiredMixin, View):
    """POST: queue a failed delivery again (sent by the next send_outbox run)."""

    def post(self, request, pk):
        require_perm(request.user, "workflows.manage_deliveries")
        from .outbox import delivery_retry

        delivery = get_object_or_404(Delivery, pk=pk)
        try:
            delivery_retry(delivery=delivery, user=request.user)
        except Conflict as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "已重新排队，将在一分钟内再次发送。")
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("notifications:deliveries")
        return HttpResponseRedirect(target)


class UnitChannelsView(LoginRequiredMixin, View):
    """POST from the unit page: set the unit's 企业微信/钉钉 group robots (office staff)."""

    def post(self, request, code):
        unit = get_object_or_404(Unit, code=code)
        require_perm(request.user, "workflows.see_unit", unit, hide=True)
        require_perm(request.user, "workflows.set_unit_channels", unit)
        form = UnitChannelsForm(data=request.POST)
        if form.is_valid():
            try:
                unit_channels_set(unit=unit, user=request.user, **form.service_kwargs())
            except ValidationError as error:
                errors_to_form(form, error)
        if not form.is_valid():
            return detail_page_with_errors(UnitDetailView, request, unit, channels_form=form)
        messages.success(request, "已保存群机器人通知设置。")
        return HttpResponseRedirect(reverse("organisation:unit", args=[code]) + "#channels")
