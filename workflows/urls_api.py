"""API routes of the shared plumbing."""

from django.urls import path

from . import api

urlpatterns = [
    path("auth/token/", api.AuthTokenView.as_view(), name="api-auth-token"),
    path("auth/logout/", api.LogoutView.as_view(), name="api-auth-logout"),
    path("me/", api.MeView.as_view(), name="api-me"),
    path("units/<slug:code>/", api.UnitDetailView.as_view(), name="api-unit"),
    path("units/<slug:code>/terms/", api.UnitTermsView.as_view(), name="api-unit-terms"),
    path("units/<slug:code>/terms/postpone/", api.TermPostponeView.as_view(), name="api-unit-term-postpone"),
    path("tasks/", api.TaskListView.as_view(), name="api-tasks"),
    path("tasks/<int:pk>/claim/", api.TaskClaimView.as_view(), name="api-task-claim"),
    path("tasks/<int:pk>/complete/", api.TaskCompleteView.as_view(), name="api-task-complete"),
]
