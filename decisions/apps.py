from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = "三重一大决策"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.urls import reverse

        from workflows.materials.registry import register_attachment_steps
        from workflows.tasks import register_flow

        from . import demo, rules, selectors  # noqa: F401  (rules and demo register themselves)
        from .attachments import (
            DECISION_STEPS,
            MEETING_STEPS,
            decision_upload_steps,
            meeting_pack_uploaded,
            meeting_upload_steps,
        )
        from .flows import DecisionFlow, MeetingFlow
        from .models import Decision, Meeting
        from .serializers import decision_data, meeting_data
        from .views import decision_task_page, meeting_task_page

        register_flow(DecisionFlow, model=Decision, serialize=lambda obj, request: decision_data(obj, request.user),
                      page=decision_task_page, url=lambda decision: reverse("decisions:detail", args=[decision.pk]),
                      started_by="proposer", search=["title"], view_perm="decisions.see_decision",
                      kind="decisions", visible=selectors.get_visible_decision)
        register_flow(MeetingFlow, model=Meeting, serialize=lambda obj, request: meeting_data(obj),
                      page=meeting_task_page, url=lambda meeting: reverse("decisions:meeting", args=[meeting.pk]),
                      started_by="created_by", search=["title"], view_perm="decisions.see_meeting",
                      kind="meetings", visible=selectors.get_visible_meeting)
        register_attachment_steps(Decision, labels=DECISION_STEPS, open_steps=decision_upload_steps)
        register_attachment_steps(Meeting, labels=MEETING_STEPS, open_steps=meeting_upload_steps,
                                  uploaded=meeting_pack_uploaded)
