from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "elections"
    verbose_name = "支部换届"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.urls import reverse

        from workflows.notifications import reminders
        from workflows.tasks import register_flow

        from . import demo, rules  # noqa: F401 (registers rules and the demo hook)
        from .flows import ElectionFlow
        from .models import Election
        from .serializers import election_data
        from .views import election_task_page

        register_flow(ElectionFlow, model=Election, serialize=lambda obj, request: election_data(obj),
                      page=election_task_page, url=lambda election: reverse("elections:detail", args=[election.pk]),
                      started_by="requested_by", search=["unit__name"], select_related=["unit"])
        reminders.register_term_election_check(_terms_with_election)


def _terms_with_election(term_ids) -> set[int]:
    """Terms whose election has started (running or done): their 换届 reminders stop."""
    from .models import Election

    return set(
        Election.objects.filter(term_id__in=list(term_ids))
        .exclude(status=Election.Status.CANCELLED)
        .values_list("term_id", flat=True)
    )
