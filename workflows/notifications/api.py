"""REST API v1: my notifications and the reminder log (spec/api.md "Reminders and notifications")."""

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import Notification, Reminder
from ..org.permissions import require_perm
from .views import mark_read, notifications_of, reminder_log


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created", "read", "read_at"]

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class ReminderSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Reminder
        fields = ["unit", "kind", "recipients", "sent_at", "target", "period"]


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="how many notifications were marked read")


class NotificationListView(ListAPIView):
    """My in-app notifications, newest first (`?unread=1` for unread only)."""

    serializer_class = NotificationSerializer

    def get_queryset(self):
        qs = notifications_of(self.request.user)
        if self.request.query_params.get("unread"):
            qs = qs.filter(read_at__isnull=True)
        return qs


class NotificationReadView(APIView):
    """Mark one of my notifications read."""

    @extend_schema(operation_id="notification_read", request=None, responses={200: NotificationSerializer})
    def post(self, request, pk):
        notification = get_object_or_404(Notification, pk=pk, user=request.user)
        mark_read(user=request.user, notification_id=notification.pk)
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification).data)


class NotificationReadAllView(APIView):
    """Mark all my notifications read."""

    @extend_schema(operation_id="notifications_read_all", request=None, responses={200: MarkedSerializer})
    def post(self, request):
        return Response({"marked": mark_read(user=request.user)})


class ReminderListView(ListAPIView):
    """Reminders sent (`?unit=<code>`, `?kind=`): organization staff, party secretary, auditors."""

    serializer_class = ReminderSerializer

    def get_queryset(self):
        require_perm(self.request.user, "workflows.read_reminders")
        params = self.request.query_params
        return reminder_log(unit_code=params.get("unit") or None, kind=params.get("kind") or None)


urlpatterns = [
    path("notifications/", NotificationListView.as_view(), name="api-notifications"),
    path("notifications/read/", NotificationReadAllView.as_view(), name="api-notifications-read-all"),
    path("notifications/<int:pk>/read/", NotificationReadView.as_view(), name="api-notification-read"),
    path("reminders/", ReminderListView.as_view(), name="api-reminders"),
]
