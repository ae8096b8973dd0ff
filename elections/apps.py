from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "elections"
    verbose_name = "支部换届"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from workflows.notifications import reminders

        from . import demo, rules, steps  # noqa: F401 (registers rules and the demo hook)

        steps.register()
        reminders.register_term_election_check(_terms_with_election)


def _terms_with_election(term_ids) -> set[int]:
    """Terms whose election has started (running or done): their 换届 reminders stop."""
    from .models import Election

    return set(
        Election.objects.filter(term_id__in=list(term_ids))
        .exclude(status=Election.Status.CANCELLED)
        .values_list("term_id", flat=True)
    )
