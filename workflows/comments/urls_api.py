from django.urls import re_path

from workflows.tasks.processes import subject_kinds

from . import api

_KINDS = "|".join(subject_kinds()) or "-"

urlpatterns = [
    re_path(rf"^(?P<kind>{_KINDS})/(?P<pk>[0-9]+)/comments/$", api.SubjectCommentsView.as_view(),
            name="api-subject-comments"),
]
