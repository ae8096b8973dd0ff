"""API routes of elections."""

from django.urls import path

from . import api

urlpatterns = [
    path("elections/", api.ElectionListView.as_view(), name="api-elections"),
    path("elections/<int:pk>/", api.ElectionDetailView.as_view(), name="api-election"),
    path("elections/<int:pk>/recommendations/", api.ElectionRecommendationView.as_view(),
         name="api-election-recommendations"),
    path("elections/<int:pk>/history/", api.ElectionHistoryView.as_view(), name="api-election-history"),
]
