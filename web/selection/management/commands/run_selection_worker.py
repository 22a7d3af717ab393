"""`manage.py run_selection_worker`: execute the queued selection runs (ranking, network,
settlement), oldest first. Use it when ``ECODISTRICT_TASKS_INLINE`` is off (production): the
web process only queues the runs and this worker, on the same or another machine, runs them."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ecodistrict_web.selection import services
from ecodistrict_web.selection.models import SelectionRun


class Command(BaseCommand):
    help = "Execute the queued selection runs (ranking, exchange network, settlement)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Run what is queued now, then exit."
        )
        parser.add_argument(
            "--sleep", type=float, default=2.0, help="Seconds between looks at the queue."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        def report(run: SelectionRun) -> None:
            self.stdout.write(
                f"run {run.pk} ({run.kind}, {run.district_name}): {run.status} "
                f"in {run.duration_s:.2f} s"
            )

        while True:
            done = services.run_queued(on_run=report)
            if options["once"]:
                self.stdout.write(f"{done} run(s) executed.")
                return
            time.sleep(max(0.1, options["sleep"]))
