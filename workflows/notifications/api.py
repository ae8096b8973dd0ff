"""REST API v1: my notifications, the reminder log and a unit's group-robot channels."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import Notification, Reminder, Unit
from ..org.permissions import require_perm
from .channels import channels_of, clean_secret, clean_webhook, unit_channels_set
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


class UnitChannelsInSerializer(serializers.Serializer):
    wecom_webhook = serializers.CharField(allow_blank=True, max_length=500,
                                          help_text="企业微信群机器人 Webhook（https），空为不推送")
    dingtalk_webhook = serializers.CharField(allow_blank=True, max_length=500,
                                             help_text="钉钉群机器人 Webhook（https），空为不推送")
    dingtalk_secret = serializers.CharField(required=False, allow_blank=True, max_length=200, write_only=True,
                                            help_text="钉钉加签密钥：不传则不变，空字符串为清除")

    def _clean(self, clean, *args):
        try:
            return clean(*args)
        except DjangoValidationError as error:
            raise serializers.ValidationError(next(iter(error.message_dict.values()))) from None

    def validate_wecom_webhook(self, value):
        return self._clean(clean_webhook, "wecom_webhook", value)

    def validate_dingtalk_webhook(self, value):
        return self._clean(clean_webhook, "dingtalk_webhook", value)

    def validate_dingtalk_secret(self, value):
        return self._clean(clean_secret, value)


class UnitChannelsSerializer(serializers.Serializer):
    unit = serializers.CharField(source="unit.code")
    wecom_webhook = serializers.CharField()
    dingtalk_webhook = serializers.CharField()
    dingtalk_secret_set = serializers.SerializerMethodField()
    dingtalk_secret_hint = serializers.CharField(help_text="密钥末四位（从不返回完整密钥）")

    def get_dingtalk_secret_set(self, obj) -> bool:
        return bool(obj.dingtalk_secret)


class UnitChannelsView(APIView):
    """A unit's 企业微信/钉钉 group robots (office staff): GET, PUT {"wecom_webhook","dingtalk_webhook"}."""

    def _unit(self, request, code):
        unit = get_object_or_404(Unit, code=code)
        require_perm(request.user, "workflows.see_unit", unit, hide=True)
        require_perm(request.user, "workflows.set_unit_channels", unit)
        return unit

    @extend_schema(operation_id="unit_channels_read", responses={200: UnitChannelsSerializer})
    def get(self, request, code):
        return Response(UnitChannelsSerializer(channels_of(self._unit(request, code))).data)

    @extend_schema(operation_id="unit_channels_set", request=UnitChannelsInSerializer,
                   responses={200: UnitChannelsSerializer})
    def put(self, request, code):
        unit = self._unit(request, code)
        payload = UnitChannelsInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        channels = unit_channels_set(unit=unit, user=request.user, wecom_webhook=data["wecom_webhook"],
                                     dingtalk_webhook=data["dingtalk_webhook"],
                                     dingtalk_secret=data.get("dingtalk_secret"))
        return Response(UnitChannelsSerializer(channels).data)


urlpatterns = [
    path("notifications/", NotificationListView.as_view(), name="api-notifications"),
    path("notifications/read/", NotificationReadAllView.as_view(), name="api-notifications-read-all"),
    path("notifications/<int:pk>/read/", NotificationReadView.as_view(), name="api-notification-read"),
    path("reminders/", ReminderListView.as_view(), name="api-reminders"),
    path("units/<slug:code>/channels/", UnitChannelsView.as_view(), name="api-unit-channels"),
]
