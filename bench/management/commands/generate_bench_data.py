"""`manage.py generate_bench_data --size 100000` (settings bench.settings): a province-sized data set."""

from django.core.management.base import BaseCommand, CommandError

from bench.generate import generate


class Command(BaseCommand):
    help = "Add SIZE generated decisions, with their branches, people, running processes and history."

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, default=20000, help="decisions to add (default 20000)")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, size, seed, **options):
        if size < 1:
            raise CommandError("--size 须为正整数。")
        try:
            result = generate(size, seed=seed, report=self.stdout.write)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{result.decisions} decisions, {result.open_tasks} open tasks, {result.branches} branches, "
            f"{result.people} people, {result.history_rows} history rows in {result.seconds:.1f} s")
