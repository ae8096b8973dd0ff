"""Which models get audited history.

Every domain model declares `history = audited_history()`; viewflow's Process and Task
(the workflow steps) are registered here when workflows.models is imported.
"""

from django.db.models.signals import post_init
from simple_history.manager import HistoryDescriptor
from simple_history.models import HistoricalRecords

from .chain import ChainedHistory
from .guard import guard_unaudited_writes

# viewflow task types of gateways that choose their way the moment they are created (If, Switch).
DECIDED_AT_ONCE = frozenset({"EXCLUSIVE_GATEWAY", "SWITCH"})


class AuditedHistoricalRecords(HistoricalRecords):
    """HistoricalRecords that also guards the audited model against unaudited bulk writes.

    History rows only for real changes: a save that changes none of the tracked fields since
    the object was loaded or last saved (or only touches untracked ones, like `last_login` at
    every login) writes no history record. The comparison uses a snapshot taken when the
    instance is created or loaded, so it costs no query.
    """

    def _tracked_values(self, instance) -> dict | None:
        """The tracked fields' values as loaded, or None when some are deferred (never load them here)."""
        loaded = instance.__dict__
        names = [f.attname for f in self.fields_included(type(instance))]
        if any(name not in loaded for name in names):
            return None
        return {name: loaded[name] for name in names}

    def _remember(self, sender, instance, **kwargs):
        instance._audit_snapshot = self._tracked_values(instance)

    def post_save(self, instance, created, using=None, **kwargs):
        if created and getattr(instance, "flow_task_type", None) in DECIDED_AT_ONCE:
            return  # a gateway is created and decided in one go: its one row is the decided state
        update_fields = kwargs.get("update_fields")
        if not created and update_fields and set(update_fields) <= set(self.excluded_fields):
            return
        current = self._tracked_values(instance)
        if not created and current is not None and getattr(instance, "_audit_snapshot", None) == current:
            return
        super().post_save(instance, created, using=using, **kwargs)
        instance._audit_snapshot = current

    def finalize(self, sender, **kwargs):
        already = hasattr(sender._meta, "simple_history_manager_attribute")
        super().finalize(sender, **kwargs)
        if not already and hasattr(sender._meta, "simple_history_manager_attribute"):
            plain = sender.__dict__.get(self.manager_name)
            if isinstance(plain, HistoryDescriptor):
                setattr(sender, self.manager_name, _CachedHistoryDescriptor(plain))
            guard_unaudited_writes(sender)
            post_init.connect(self._remember, sender=sender, weak=False,
                              dispatch_uid=f"audit_snapshot_{sender._meta.label_lower}")


class _CachedHistoryDescriptor(HistoryDescriptor):
    """simple-history builds a new manager class on every `obj.history` (each history row written asks for it
    once); build it once per model instead."""

    def __init__(self, plain: HistoryDescriptor):
        super().__init__(plain.model, manager=plain.manager_class, queryset=plain.queryset_class)
        self._manager = self.manager_class.from_queryset(self.queryset_class)

    def __get__(self, instance, owner):
        return self._manager(self.model, instance)


def audited_history(**kwargs) -> HistoricalRecords:
    """The HistoricalRecords every audited model uses (hash-chained, reason as text)."""
    kwargs.setdefault("bases", [ChainedHistory])
    return AuditedHistoricalRecords(**kwargs)


# --- workflow steps: viewflow's Process and Task get history too ---------------------------


def _register_workflow_history() -> None:
    """Record every change of viewflow's processes and tasks (started, assigned, done, by whom).

    The history models live in this app (`workflows.HistoricalProcess`/`HistoricalTask`).
    Called while workflows.models is imported, after viewflow's models are loaded.
    """
    import simple_history
    from viewflow.workflow.models import Process, Task

    for model in (Process, Task):
        if hasattr(model._meta, "simple_history_manager_attribute"):
            continue
        simple_history.register(
            model,
            app="workflows",
            manager_name="history",
            bases=[ChainedHistory],
            records_class=AuditedHistoricalRecords,
        )


_register_workflow_history()
