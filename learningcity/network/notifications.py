"""E-mails of the membership lifecycle, to the city in its language of communication
with the network: the decision on an application, and reminders of the biennial
report. Plain text with a simple HTML version; links start with ``SITE_URL``
(``core.http.absolute_url``)."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from learningcity.core.http import absolute_url
from learningcity.core.models import City, Role, RoleGrant

from .models import CityProfile, MembershipApplication, MembershipReport
from .vocabulary import CommunicationLanguage

logger = logging.getLogger(__name__)


def city_language(city: City) -> str:
    """The city's language of communication with the network (its profile's)."""
    profile = CityProfile.objects.filter(city=city).first()
    language = profile.communication_language if profile else ""
    return language if language in CommunicationLanguage.values else str(settings.LANGUAGE_CODE)


def city_recipients(city: City, *more: str) -> list[str]:
    """The city's coordinators and its contact person for the network (once each)."""
    addresses = list(
        RoleGrant.objects.filter(
            city=city, role=Role.CITY_COORDINATOR, user__is_active=True
        ).values_list("user__email", flat=True)
    )
    profile = CityProfile.objects.filter(city=city).first()
    if profile is not None and profile.contact_email:
        addresses.append(profile.contact_email)
    addresses += [address for address in more if address]
    unique: dict[str, str] = {}
    for address in addresses:
        unique.setdefault(address.strip().lower(), address.strip())
    return list(unique.values())


def _send(template: str, context: dict[str, object], language: str, to: list[str]) -> bool:
    with translation.override(language):
        context = {**context, "site_name": settings.SITE_NAME, "LANGUAGE_CODE": language}
        subject = render_to_string(f"network/emails/{template}_subject.txt", context)
        text = render_to_string(f"network/emails/{template}.txt", context)
        html = render_to_string(f"network/emails/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=to,
        headers={"Content-Language": language},
    )
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception:
        logger.exception("could not send the network e-mail %s", template)
        return False
    return True


def send_decision_email(application_id: int) -> bool:
    """Tell the city the network's decision, in the language it applied in."""
    application = (
        MembershipApplication.objects.select_related("city", "call", "applied_by")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        return False
    city = application.city
    to = city_recipients(city, application.applied_by.email if application.applied_by else "")
    if not to:
        return False
    report = city.membership_reports.filter(status="due").order_by("due_on").first()
    url = reverse("network:application", args=[application.public_id])
    return _send(
        "decision",
        {
            "application": application,
            "city": city,
            "admitted": application.status == "admitted",
            "first_report_due": report.due_on if report else None,
            "url": absolute_url(url),
        },
        application.language,
        to,
    )


def send_report_reminder(report: MembershipReport, stage: int) -> int:
    """Remind the city of its report (``stage`` 0: overdue). Returns the addresses
    it went to (0: not sent)."""
    city = report.city
    to = city_recipients(city)
    if not to:
        return 0
    url = reverse("network:report", args=[city.slug, report.pk])
    sent = _send(
        "report_reminder",
        {"report": report, "city": city, "overdue": stage == 0, "url": absolute_url(url)},
        city_language(city),
        to,
    )
    return len(to) if sent else 0
