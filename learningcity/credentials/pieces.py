"""What the credentials app shows on core and catalogue pages (slots)."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from learningcity.core.models import City

from .models import IssuedCredential, UnitDecision


def my_learning(request: HttpRequest | None, city: City) -> str:
    """On "My learning": the person's credentials and recognised units in this city,
    with the way to their learner record."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return ""
    credentials = IssuedCredential.objects.filter(holder=user, achievement__city=city).count()
    recognised = UnitDecision.objects.filter(
        application__applicant=user,
        application__city=city,
        outcome=UnitDecision.Outcome.RECOGNISED,
    ).count()
    return render_to_string(
        "credentials/piece_my_learning.html",
        {"city": city, "credentials": credentials, "recognised": recognised},
        request=request,
    )
