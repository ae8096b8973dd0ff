"""REST API v1: GET|POST /{kind}/{id}/comments/ (append-only: no edit or delete)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from workflows.api_base import Pagination
from workflows.materials.api import kind_parameter
from workflows.org.permissions import require_perm
from workflows.tasks.processes import visible_subject

from .selectors import comments_of
from .serializers import CommentPostSerializer, CommentSerializer
from .services import comment_post


class SubjectCommentsView(GenericAPIView):
    """The comments on a decision, meeting or election (whoever may see it); POST adds one."""

    pagination_class = Pagination
    serializer_class = CommentSerializer

    def subject(self):
        return visible_subject(self.request.user, kind=self.kwargs["kind"], pk=self.kwargs["pk"])

    @extend_schema(operation_id="subject_comments_list", parameters=[kind_parameter()],
                   responses={200: CommentSerializer(many=True)})
    def get(self, request, kind, pk):
        page = self.paginate_queryset(comments_of(self.subject()))
        return self.get_paginated_response(CommentSerializer(page, many=True).data)

    @extend_schema(operation_id="subject_comments_post", parameters=[kind_parameter()],
                   request=CommentPostSerializer, responses={201: CommentSerializer})
    def post(self, request, kind, pk):
        subject = self.subject()
        require_perm(request.user, "comments.post", subject)
        payload = CommentPostSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        comment = comment_post(subject=subject, user=request.user, **payload.validated_data)
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
