from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = "三重一大决策"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.urls import reverse

        from workflows.tasks import register_flow

        from . import demo, rules  # noqa: F401  (rules and demo register themselves)
        from .flows import DecisionFlow, MeetingFlow
        from .models import Decision, Meeting
        from .serializers import decision_data, meeting_data
        from .views import decision_task_page, meeting_task_page

        register_flow(DecisionFlow, model=Decision, serialize=lambda obj, request: decision_data(obj, request.user),
                      page=decision_task_page, url=lambda decision: reverse("decisions:detail", args=[decision.pk]),
                      started_by="proposer", search=["title"], view_perm="decisions.see_decision")
        register_flow(MeetingFlow, model=Meeting, serialize=lambda obj, request: meeting_data(obj),
                      page=meeting_task_page, url=lambda meeting: reverse("decisions:meeting", args=[meeting.pk]),
                      started_by="created_by", search=["title"], view_perm="decisions.see_meeting")
