"""Page routes of attachments (under /materials/)."""

from django.urls import path

from . import views

app_name = "materials"
urlpatterns = [
    path("<slug:kind>/<int:pk>/upload/", views.AttachmentUploadView.as_view(), name="upload"),
    path("attachments/<int:pk>/download/", views.AttachmentDownloadView.as_view(), name="download"),
    path("attachments/<int:pk>/withdraw/", views.AttachmentWithdrawView.as_view(), name="withdraw"),
]
