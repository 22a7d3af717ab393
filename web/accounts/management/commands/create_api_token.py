"""``manage.py create_api_token USERNAME [--name NAME]``: a personal API token, printed once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecodistrict_web.accounts.models import User
from ecodistrict_web.accounts.services import create_api_token


class Command(BaseCommand):
    help = "Create a personal API token for a user and print it (it is shown only this once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="a name to recognise it by")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user named {options['username']!r}")
        new = create_api_token(user, options["name"])
        self.stdout.write(new.secret)
