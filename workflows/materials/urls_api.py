"""API routes of attachments; the subject kinds come from the flows registered with a `kind`."""

from django.urls import path, re_path

from workflows.tasks.processes import subject_kinds

from . import api

_KINDS = "|".join(subject_kinds()) or "-"

urlpatterns = [
    re_path(rf"^(?P<kind>{_KINDS})/(?P<pk>[0-9]+)/attachments/$", api.SubjectAttachmentsView.as_view(),
            name="api-subject-attachments"),
    path("attachments/<int:pk>/download/", api.AttachmentDownloadView.as_view(), name="api-attachment-download"),
    path("attachments/<int:pk>/withdraw/", api.AttachmentWithdrawView.as_view(), name="api-attachment-withdraw"),
]
