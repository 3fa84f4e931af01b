"""``learningcity seed-demo [--size small|large] [--seed N]``."""

import importlib
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from learningcity.core.demo import DEMO_PASSWORD, seed_core


class Command(BaseCommand):
    help = "Build deterministic, clearly labelled demo data (replaces earlier demo data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=["small", "large"], default="small")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, size: str, seed: int, **options: Any) -> None:
        with transaction.atomic():
            context = seed_core(size, seed, self.stdout.write)  # type: ignore[arg-type]
            for config in apps.get_app_configs():
                if config.name == "learningcity.core" or not config.name.startswith(
                    "learningcity."
                ):
                    continue
                try:
                    module = importlib.import_module(f"{config.name}.demo")
                except ModuleNotFoundError as error:
                    if error.name != f"{config.name}.demo":
                        raise
                    continue
                module.seed_demo(context)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Demo accounts:"))
        for user in context.accounts.values():
            self.stdout.write(f"  {user.email:<45} {user.display_name}")
        self.stdout.write(f"  password for every demo account: {DEMO_PASSWORD}")
