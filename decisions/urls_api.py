from django.urls import path

from . import api, api_stats, api_urgent

urlpatterns = [
    path("decisions/", api.DecisionListView.as_view(), name="api-decisions"),
    path("decisions/urgent/", api_urgent.UrgentReportView.as_view(), name="api-decision-urgent"),
    path("decisions/<int:pk>/", api.DecisionDetailView.as_view(), name="api-decision"),
    path("decisions/<int:pk>/withdraw/", api.DecisionWithdrawView.as_view(), name="api-decision-withdraw"),
    path("decisions/<int:pk>/close-expert-review/", api.DecisionCloseExpertReviewView.as_view(),
         name="api-decision-close-expert-review"),
    path("decisions/<int:pk>/history/", api.DecisionHistoryView.as_view(), name="api-decision-history"),
    path("stats/decisions/", api_stats.DecisionStatsView.as_view(), name="api-stats-decisions"),
    path("stats/tasks/", api_stats.TaskStatsView.as_view(), name="api-stats-tasks"),
    path("stats/terms/", api_stats.TermStatsView.as_view(), name="api-stats-terms"),
    path("meetings/", api.MeetingListView.as_view(), name="api-meetings"),
    path("meetings/<int:pk>/", api.MeetingDetailView.as_view(), name="api-meeting"),
    path("meetings/<int:pk>/leave/", api.MeetingLeaveView.as_view(), name="api-meeting-leave"),
    path("meetings/<int:pk>/history/", api.MeetingHistoryView.as_view(), name="api-meeting-history"),
    path("meetings/<int:pk>/minutes.docx", api.MeetingMinutesDocxView.as_view(), name="api-meeting-minutes-docx"),
    path("meetings/<int:pk>/minutes/corrections/", api.MinutesCorrectionView.as_view(),
         name="api-meeting-minutes-corrections"),
]
