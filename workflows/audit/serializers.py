"""Schema of the auditors' API shapes (trail entries, compliance items)."""

from rest_framework import serializers

from ..serializers import HistoryEntrySerializer


class TrailEntrySerializer(HistoryEntrySerializer):
    """A history entry plus the ids an auditor needs to check the chain."""

    history_id = serializers.IntegerField()
    model = serializers.CharField(help_text="e.g. decisions.vote")
    object_id = serializers.CharField()
    user_name = serializers.CharField(allow_null=True, allow_blank=True)
    record_hash = serializers.CharField(allow_blank=True)


class CheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    ok = serializers.BooleanField(allow_null=True)
    state = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)


class ComplianceItemSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="decision | election | term")
    kind_label = serializers.CharField(allow_blank=True)
    id = serializers.IntegerField()
    title = serializers.CharField(allow_blank=True)
    status = serializers.CharField(allow_blank=True)
    unit = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)
    compliant = serializers.BooleanField()
    failures = serializers.IntegerField()
    checks = CheckSerializer(many=True)
    failing_checks = serializers.ListField(child=serializers.CharField(), help_text="codes of the failing checks")
