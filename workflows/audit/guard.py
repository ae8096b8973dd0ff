"""No unaudited bulk writes: audited models refuse `QuerySet.update()` / `bulk_update()`.

Those would change rows without writing history (`UnauditedWriteError`); write each row
with `save()` in a service instead.
"""


class UnauditedWriteError(Exception):
    """QuerySet.update()/bulk_update() on an audited model: it would skip the history."""


def _guarded_queryset_class(queryset_class):
    def update(self, **kwargs):
        raise UnauditedWriteError(
            f"{self.model._meta.label}: QuerySet.update() 会跳过变更历史，请逐条 save()（在服务中）。"
        )

    def bulk_update(self, objs, fields, batch_size=None):
        raise UnauditedWriteError(
            f"{self.model._meta.label}: bulk_update() 会跳过变更历史，请逐条 save()（在服务中）。"
        )

    update.alters_data = True
    update.queryset_only = False
    bulk_update.alters_data = True
    attrs = {
        "update": update,
        "bulk_update": bulk_update,
        "__module__": queryset_class.__module__,
        "__qualname__": queryset_class.__qualname__,
        "_unaudited_writes_guarded": True,
    }
    return type(queryset_class.__name__, (queryset_class,), attrs)


def guard_unaudited_writes(model) -> None:
    """Make update()/bulk_update() raise on every manager of `model` (related managers too).

    Each manager's class is replaced by a same-named subclass whose queryset refuses
    them; it deconstructs to the original class, so migrations do not change.
    """
    guarded: dict[type, type] = {}
    # local_managers are the declared ones; _meta.managers holds the copies in use.
    for manager in [*model._meta.local_managers, *model._meta.managers]:
        manager_class = type(manager)
        if getattr(manager_class, "_unaudited_writes_guarded", False):
            continue
        if manager_class not in guarded:

            def __eq__(self, other, _original=manager_class):  # equal to the unguarded manager
                return isinstance(other, _original) and self._constructor_args == other._constructor_args

            guarded[manager_class] = type(
                manager_class.__name__,
                (manager_class,),
                {
                    "__module__": manager_class.__module__,
                    "__qualname__": manager_class.__qualname__,
                    "_queryset_class": _guarded_queryset_class(manager_class._queryset_class),
                    "_unaudited_writes_guarded": True,
                    "__eq__": __eq__,
                    "__hash__": manager_class.__hash__,
                },
            )
        manager.__class__ = guarded[manager_class]
