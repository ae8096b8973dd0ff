"""API shapes of attachments (spec/api.md "Added in the second round")."""

from rest_framework import serializers

from .models import Attachment


class AttachmentSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    withdrawn_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    frozen = serializers.BooleanField(read_only=True, help_text="所属步骤已办结：附件定稿，只能撤回（文件与哈希保留）。")

    class Meta:
        model = Attachment
        fields = ["id", "title", "filename", "size", "content_type", "sha256", "uploaded_by", "uploaded_at",
                  "withdrawn", "step", "frozen", "withdrawn_by", "withdrawn_at", "withdraw_reason"]
        read_only_fields = fields


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PDF、doc/docx、xls/xlsx、ppt/pptx、JPG、PNG；按内容识别类型。",
                                 error_messages={"required": "请选择要上传的文件。", "invalid": "请上传文件。",
                                                 "empty": "文件是空的，请重新选择。"})
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    step = serializers.CharField(required=False, allow_blank=True, max_length=40,
                                 help_text="所属环节（可不填：当前可上传的第一个环节）。")


class AttachmentWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, error_messages={
        "required": "请填写撤回理由。", "blank": "请填写撤回理由。"})
