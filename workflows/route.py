"""How far along its route a process subject is, read from the status its flow's nodes set."""

from __future__ import annotations


class RouteStatusMixin:
    """For a model whose `status` is set by `.Status(...)` on its flow's nodes.

    `ROUTE` lists the statuses in route order; one stage holds the statuses of alternative
    nodes. A status outside the route (withdrawn, cancelled) has reached nothing.
    """

    ROUTE: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def route_stage(cls, status: str) -> int:
        return next((n for n, stage in enumerate(cls.ROUTE) if status in stage), -1)

    def has_reached(self, status: str) -> bool:
        return self.route_stage(self.status) >= self.route_stage(status)
