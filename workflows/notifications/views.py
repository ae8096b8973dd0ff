"""Pages of in-app notifications (the bell) and the reminder log."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import ListView
from viewflow.urls import Application

from ..models import Notification, Reminder, Unit
from ..org.permissions import require_perm
from . import reminders  # noqa: F401 (registers the workflows.read_reminders rule)
from .office_views import DeliveryListView, DeliveryRetryView, UnitChannelsView


def notifications_of(user):
    return Notification.objects.filter(user=user).order_by("-created", "-pk")


def mark_read(*, user, notification_id=None) -> int:
    """Mark one of the user's notifications (or all of them) read; return how many changed."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())  # Notification is not an audited model


def reminder_log(*, unit_code=None, kind=None):
    qs = Reminder.objects.select_related("unit").order_by("-sent_at", "-pk")
    if unit_code:
        qs = qs.filter(unit__code=unit_code)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "workflows/notifications_list.html"
    paginate_by = 20

    def get_queryset(self):
        qs = notifications_of(self.request.user)
        if self.request.GET.get("unread"):
            qs = qs.filter(read_at__isnull=True)
        return qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query"] = self.request.GET.copy()
        context["query"].pop("page", None)
        return context


class NotificationReadView(LoginRequiredMixin, View):
    """POST: mark one notification read and follow its link (or all, without a pk)."""

    def post(self, request, pk=None):
        if pk is None:
            mark_read(user=request.user)
            return HttpResponseRedirect(reverse("notifications:list"))
        notification = get_object_or_404(Notification, pk=pk, user=request.user)
        mark_read(user=request.user, notification_id=notification.pk)
        target = notification.url if request.POST.get("follow") else ""
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return HttpResponseRedirect(target)
        return HttpResponseRedirect(request.POST.get("next") or reverse("notifications:list"))


class ReminderLogView(LoginRequiredMixin, ListView):
    template_name = "workflows/reminders_list.html"
    paginate_by = 30

    def get_queryset(self):
        require_perm(self.request.user, "workflows.read_reminders")
        return reminder_log(unit_code=self.request.GET.get("unit") or None, kind=self.request.GET.get("kind") or None)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kinds"] = Reminder.Kind.choices
        context["units"] = Unit.objects.exclude(kind=Unit.Kind.COMMITTEE).order_by("code")
        context["query"] = self.request.GET.copy()
        context["query"].pop("page", None)
        return context


class NotificationsApp(Application):
    """通知: my notifications and the reminder log."""

    title = "通知提醒"
    icon = "notifications"
    app_name = "notifications"
    menu_template_name = "workflows/app_menu.html"
    menu_links = [
        ("notifications:list", "我的通知", "notifications"),
        ("notifications:reminders", "提醒记录", "alarm"),
        ("notifications:deliveries", "发送记录", "outgoing_mail", "workflows.manage_deliveries"),
    ]

    list_path = path("", NotificationListView.as_view(), name="list")
    read_all_path = path("read/", NotificationReadView.as_view(), name="read_all")
    read_path = path("<int:pk>/read/", NotificationReadView.as_view(), name="read")
    reminders_path = path("reminders/", ReminderLogView.as_view(), name="reminders")
    deliveries_path = path("deliveries/", DeliveryListView.as_view(), name="deliveries")
    retry_path = path("deliveries/<int:pk>/retry/", DeliveryRetryView.as_view(), name="retry")
    channels_path = path("units/<slug:code>/channels/", UnitChannelsView.as_view(), name="unit_channels")
