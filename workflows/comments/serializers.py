from rest_framework import serializers

from .models import Comment


class CommentSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "user", "text", "at"]
        read_only_fields = fields


class CommentPostSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000, error_messages={
        "required": "请填写讨论内容。", "blank": "请填写讨论内容。", "max_length": "讨论内容不能超过2000字。"})
