"""Steps `make bench` and `make load` share: printing, timing, the demo hospital as the base data set."""

import time

from django.core.management import call_command
from django.utils import timezone


def print_row(label, value):
    print(f"{label:<45} {value}")


def timed(label, func):
    start = time.perf_counter()
    result = func()
    print(f"{label:<45} {time.perf_counter() - start:8.3f} s")
    return result


def setup_base():
    call_command("migrate", verbosity=0)
    from workflows.org.demo_hospital import build_demo_org
    from workflows.org.importer import import_org

    data = build_demo_org(timezone.localdate())
    timed("import_org demo hospital (first run)", lambda: import_org(data=data, source="bench"))
    timed("import_org demo hospital (unchanged)", lambda: import_org(data=data, source="bench"))

    from workflows.demo import demo_hooks

    today = timezone.localdate()
    timed("demo processes (decisions, meetings, elections)", lambda: [hook(today) for hook in demo_hooks()])
