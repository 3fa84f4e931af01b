"""Personal data of the participation app, for "Download my data" and "Delete my
account". Ballots are not personal data here: they hold no link to anyone, so neither
the export nor the erasure can touch them; the export says only in which budgets the
person voted."""

from typing import Any

from learningcity.core.audit import record_event
from learningcity.core.models import User

from .models import (
    Comment,
    Debate,
    Follow,
    HasVoted,
    NotificationSettings,
    Proposal,
    Support,
    Verification,
)


def export_participation_of(user: User) -> dict[str, Any]:
    return {
        "participation": {
            "proposals": [
                {
                    "process": p.process.slug,
                    "title": p.title,
                    "body": p.body,
                    "created_at": p.created_at.isoformat(),
                }
                for p in Proposal.objects.filter(author=user).select_related("process")
            ],
            "supports": list(
                Support.objects.filter(user=user).values_list("proposal_id", flat=True)
            ),
            "debates": list(Debate.objects.filter(author=user).values_list("title", flat=True)),
            "comments": list(Comment.objects.filter(author=user).values_list("body", flat=True)),
            "voted_in_budgets": [
                f"{v.budget.process.slug}/{v.budget.slug}"
                for v in HasVoted.objects.filter(user=user).select_related("budget__process")
            ],
            "census_verified_in": list(
                Verification.objects.filter(user=user).values_list("city__slug", flat=True)
            ),
            "follows": Follow.objects.filter(user=user).count(),
            "notification_emails": NotificationSettings.objects.filter(user=user)
            .values_list("email", flat=True)
            .first()
            or "daily",
        }
    }


def erase_participation_of(user: User) -> None:
    """Proposals, debates and comments are part of a public record: they stay, without
    their author. Supports, follows and verifications go with the account (cascade);
    "has voted" rows go too, so the count of ballots stays right and nothing is left."""
    count = Proposal.objects.filter(author=user).update(author=None)
    count += Debate.objects.filter(author=user).update(author=None)
    count += Comment.objects.filter(author=user).update(author=None)
    record_event(None, "participation.contributions_unlinked", count=count)
