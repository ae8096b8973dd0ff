"""REST API v1: /{kind}/{id}/attachments/, /attachments/{id}/download/, /attachments/{id}/withdraw/."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.api_base import Pagination
from workflows.org.permissions import require_perm
from workflows.tasks.processes import subject_kinds, visible_subject

from .selectors import attachments_of, get_visible_attachment
from .serializers import AttachmentSerializer, AttachmentUploadSerializer, AttachmentWithdrawSerializer
from .services import attachment_upload, attachment_withdraw
from .views import download_response


def kind_parameter():
    return OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=subject_kinds() or None,
                            description="事项类别：decisions | meetings | elections")


class SubjectAttachmentsView(GenericAPIView):
    """The attachments of a decision, meeting or election (whoever may see it); POST uploads one (multipart)."""

    pagination_class = Pagination
    serializer_class = AttachmentSerializer
    parser_classes = [MultiPartParser, FormParser]

    def subject(self):
        return visible_subject(self.request.user, kind=self.kwargs["kind"], pk=self.kwargs["pk"])

    @extend_schema(operation_id="subject_attachments_list", parameters=[kind_parameter()],
                   responses={200: AttachmentSerializer(many=True)})
    def get(self, request, kind, pk):
        page = self.paginate_queryset(attachments_of(self.subject()))
        return self.get_paginated_response(AttachmentSerializer(page, many=True).data)

    @extend_schema(operation_id="subject_attachments_upload", parameters=[kind_parameter()],
                   request={"multipart/form-data": AttachmentUploadSerializer},
                   responses={201: AttachmentSerializer, 400: OpenApiResponse(description="类型或大小不允许")})
    def post(self, request, kind, pk):
        subject = self.subject()
        require_perm(request.user, "attachments.upload", subject)  # the right first: refused people learn nothing
        payload = AttachmentUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        attachment = attachment_upload(subject=subject, user=request.user, **payload.validated_data)
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentDownloadView(APIView):
    @extend_schema(operation_id="attachment_download",
                   responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        return download_response(get_visible_attachment(request.user, pk))


class AttachmentWithdrawView(APIView):
    @extend_schema(operation_id="attachment_withdraw", request=AttachmentWithdrawSerializer,
                   responses={200: AttachmentSerializer})
    def post(self, request, pk):
        attachment = get_visible_attachment(request.user, pk)
        require_perm(request.user, "attachments.withdraw", attachment)
        payload = AttachmentWithdrawSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        attachment = attachment_withdraw(attachment=attachment, user=request.user, **payload.validated_data)
        return Response(AttachmentSerializer(attachment).data)
