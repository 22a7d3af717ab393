"""`python manage.py run_report_worker`: run the queued report requests.

Where ``ECODISTRICT_TASKS_INLINE`` is false (production), this worker runs beside the web server
and generates the reports people ask for; ``--once`` runs what is queued and exits (for cron).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ecodistrict_web.reports.services import run_queued_requests


class Command(BaseCommand):
    help = "Generate the queued report requests (positioning, district, open data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds between two polls (default 5)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            done = run_queued_requests()
            if done:
                self.stdout.write(f"{done} report request(s) run")
            if options["once"]:
                return
            time.sleep(max(0.5, options["interval"]))
