from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "elections"
    verbose_name = "支部换届"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.urls import reverse

        from workflows.materials.registry import register_attachment_steps
        from workflows.notifications import reminders
        from workflows.tasks import register_flow

        from . import demo, rules  # noqa: F401 (registers rules and the demo hook)
        from .attachments import ELECTION_STEPS, election_upload_steps
        from .flows import ElectionFlow
        from .models import Election
        from .selectors import get_visible_election, terms_with_election
        from .serializers import election_data
        from .views import election_task_page

        register_flow(ElectionFlow, model=Election, serialize=lambda obj, request: election_data(obj),
                      page=election_task_page, url=lambda election: reverse("elections:detail", args=[election.pk]),
                      started_by="requested_by", search=["unit__name"], select_related=["unit"],
                      view_perm="elections.view", kind="elections", visible=get_visible_election)
        register_attachment_steps(Election, labels=ELECTION_STEPS, open_steps=election_upload_steps)
        reminders.register_term_election_check(terms_with_election)
