"""``learningcity send-reminders``: email everyone with a seat in a session that starts
within 24 hours. Safe to run as often as you like (every hour, say): each person gets
one reminder per session."""

from typing import Any

from django.core.management.base import BaseCommand

from learningcity.catalogue.services import send_reminders


class Command(BaseCommand):
    help = "Send reminder emails for sessions starting in the next 24 hours (once each)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_reminders()
        self.stdout.write(f"Reminders sent: {sent}")
