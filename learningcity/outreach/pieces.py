"""What the catalogue's pages show from this app, through core's slots (core.slots):
on an opportunity held at a mobile-library stop, a link to the stop's timetable.
Registered in ``OutreachConfig.ready()``."""

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from learningcity.catalogue.models import Opportunity, SiteKind
from learningcity.core.tenancy import for_city

from .models import Visit


def stop_timetable(request: HttpRequest | None, opportunity: Opportunity) -> str:
    """Nothing (and no query) unless the opportunity's place is a stop; then one."""
    site = opportunity.site
    if site is None or site.kind != SiteKind.MOBILE_LIBRARY_STOP:
        return ""
    city = opportunity.city
    if not for_city(Visit, city).filter(site=site, ends_at__gte=timezone.now()).exists():
        return ""
    return render_to_string("outreach/_at_stop.html", {"city": city, "site": site}, request=request)
