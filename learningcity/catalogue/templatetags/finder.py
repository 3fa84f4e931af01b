"""Template helpers of the finder's pages: schema.org JSON-LD and share links."""

import html
import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlencode

from django import template
from django.utils.formats import number_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from learningcity.catalogue.models import (
    TARGET_GROUPS,
    TOPICS,
    Cost,
    Format,
    Opportunity,
    OpportunityKind,
    Session,
)
from learningcity.catalogue.schedule import Occurrence

register = template.Library()

# The currency of a fee, by the city's country (ISO 3166 → ISO 4217).
CURRENCIES = {
    "AU": "AUD", "BR": "BRL", "CN": "CNY", "CO": "COP", "EG": "EGP", "FI": "EUR",
    "GR": "EUR", "IE": "EUR", "JO": "JOD", "KR": "KRW", "NG": "NGN", "PH": "PHP",
    "RW": "RWF",
}  # fmt: skip
SCHEMA_DAYS = {
    "MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday",
    "SA": "Saturday", "SU": "Sunday",
}  # fmt: skip
FREQUENCIES = {"DAILY": "D", "WEEKLY": "W", "MONTHLY": "M", "YEARLY": "Y"}
COURSE_MODES: dict[str, str] = {
    Format.IN_PERSON: "onsite",
    Format.MOBILE: "onsite",
    Format.ONLINE: "online",
    Format.HYBRID: "blended",
}
ATTENDANCE: dict[str, str] = {
    Format.IN_PERSON: "OfflineEventAttendanceMode",
    Format.MOBILE: "OfflineEventAttendanceMode",
    Format.ONLINE: "OnlineEventAttendanceMode",
    Format.HYBRID: "MixedEventAttendanceMode",
}

# Characters that could end the <script> element or confuse an HTML parser, as JSON
# escapes (the same set Django's json_script uses).
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def opportunity_json_ld(
    opportunity: Opportunity, upcoming: list[tuple[Session, list[Occurrence]]], url: str
) -> SafeString:
    """A <script type="application/ld+json"> describing the opportunity: a schema.org
    Course (with its course instances) or an Event."""
    data = structured_data(opportunity, upcoming, url)
    text = json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


def structured_data(
    opportunity: Opportunity, upcoming: list[tuple[Session, list[Occurrence]]], url: str
) -> dict[str, Any]:
    common: dict[str, Any] = {
        "@context": "https://schema.org",
        "name": opportunity.title,
        "description": opportunity.description or opportunity.title,
        "url": url,
        "inLanguage": opportunity.languages,
        "isAccessibleForFree": opportunity.cost == Cost.FREE,
        "about": [str(label) for label in TOPICS.labels(opportunity.topics)],
        "offers": _offer(opportunity, url),
    }
    groups = TARGET_GROUPS.labels(opportunity.target_groups)
    if groups:
        common["audience"] = {"@type": "Audience", "audienceType": ", ".join(map(str, groups))}
    organisation = {"@type": "Organization", "name": opportunity.provider.name}
    if opportunity.provider.website:
        organisation["url"] = opportunity.provider.website
    if opportunity.kind == OpportunityKind.COURSE:
        return {
            **common,
            "@type": "Course",
            "provider": organisation,
            "educationalLevel": opportunity.get_level_display(),
            "hasCourseInstance": [
                _course_instance(opportunity, session, dates) for session, dates in upcoming
            ],
        }
    event: dict[str, Any] = {
        **common,
        "@type": "EducationEvent" if opportunity.kind != OpportunityKind.EVENT else "Event",
        "organizer": organisation,
        "eventAttendanceMode": f"https://schema.org/{ATTENDANCE[opportunity.format]}",
        "eventStatus": "https://schema.org/EventScheduled",
        "location": _location(opportunity, upcoming[0][0] if upcoming else None),
    }
    if upcoming:
        session, dates = upcoming[0]
        event["startDate"] = dates[0].starts_at.isoformat()
        event["endDate"] = dates[0].ends_at.isoformat()
        if session.recurrence:
            event["eventSchedule"] = _schedule(session, dates[0])
    return event


def _offer(opportunity: Opportunity, url: str) -> dict[str, Any]:
    offer: dict[str, Any] = {
        "@type": "Offer",
        "url": url,
        "availability": "https://schema.org/InStock",
    }
    if opportunity.cost == Cost.FREE:
        offer["price"] = "0"
    elif opportunity.fee is not None:
        offer["price"] = str(opportunity.fee)
    currency = CURRENCIES.get(opportunity.city.country_code)
    if currency and "price" in offer:
        offer["priceCurrency"] = currency
    return offer


def _location(opportunity: Opportunity, session: Session | None) -> dict[str, Any] | list[Any]:
    site = (session.site if session else None) or opportunity.site
    places: list[dict[str, Any]] = []
    if site is not None:
        place: dict[str, Any] = {"@type": "Place", "name": site.name}
        if site.address:
            place["address"] = {
                "@type": "PostalAddress",
                "streetAddress": site.address,
                "addressLocality": opportunity.city.name,
                "addressCountry": opportunity.city.country_code,
            }
        if site.latitude is not None and site.longitude is not None:
            place["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": site.latitude,
                "longitude": site.longitude,
            }
        places.append(place)
    if opportunity.format in (Format.ONLINE, Format.HYBRID) or not places:
        virtual: dict[str, Any] = {"@type": "VirtualLocation"}
        if session is not None and session.live_url:
            virtual["url"] = session.live_url
        places.append(virtual)
    return places[0] if len(places) == 1 else places


def _course_instance(
    opportunity: Opportunity, session: Session, dates: list[Occurrence]
) -> dict[str, Any]:
    instance: dict[str, Any] = {
        "@type": "CourseInstance",
        "courseMode": COURSE_MODES[opportunity.format],
        "startDate": dates[0].starts_at.isoformat(),
        "endDate": dates[0].ends_at.isoformat(),
        "location": _location(opportunity, session),
    }
    if session.recurrence:
        instance["courseSchedule"] = _schedule(session, dates[0])
    return instance


def _schedule(session: Session, first: Occurrence) -> dict[str, Any]:
    """An RRULE as a schema.org Schedule (frequency, days, count or end)."""
    parts = dict(
        part.partition("=")[::2] for part in session.recurrence.upper().split(";") if "=" in part
    )
    schedule: dict[str, Any] = {
        "@type": "Schedule",
        "startDate": first.starts_at.date().isoformat(),
        "startTime": first.starts_at.strftime("%H:%M"),
        "endTime": first.ends_at.strftime("%H:%M"),
        "scheduleTimezone": str(first.starts_at.tzinfo),
    }
    frequency = FREQUENCIES.get(parts.get("FREQ", ""))
    if frequency:
        schedule["repeatFrequency"] = f"P{parts.get('INTERVAL', '1')}{frequency}"
    codes = [day[-2:] for day in parts.get("BYDAY", "").split(",")]  # "1MO" → "MO"
    days = [SCHEMA_DAYS[code] for code in codes if code in SCHEMA_DAYS]
    if days:
        schedule["byDay"] = [f"https://schema.org/{day}" for day in days]
    if parts.get("COUNT", "").isdigit():
        schedule["repeatCount"] = int(parts["COUNT"])
    until = parts.get("UNTIL", "")
    if until[:8].isdigit():
        schedule["endDate"] = f"{until[:4]}-{until[4:6]}-{until[6:8]}"
    return schedule


# The three tags below build HTML in Python rather than in template tags: a results
# page has about a hundred checkboxes and twenty results, and this keeps its
# rendering quick (see bench/bench_finder.py). Every value is escaped with
# ``html.escape``, which escapes what Django's ``escape`` does, at C speed.


@register.simple_tag
def facet_groups(groups: list[dict[str, Any]], match_all_hint: str) -> SafeString:
    """Every facet folded in its own <details>: a legend, a hint for facets that
    match every value ticked, and the checkboxes."""
    hint = f'<p class="hint">{html.escape(match_all_hint)}</p>'
    parts = []
    for group in groups:
        label = html.escape(str(group["label"]))
        parts.append(
            f"\n<details{' open' if group['open'] else ''}><summary>{label}</summary>\n"
            f'<fieldset><legend class="visually-hidden">{label}</legend>\n'
            f"{hint if group['all'] else ''}\n"
            f"{facet_options(group)}</fieldset></details>\n"
        )
    return mark_safe("".join(parts))


@register.simple_tag
def chip_items(chips: list[dict[str, str]], remove: str) -> SafeString:
    """The choices made, each a link that drops it."""
    hidden = f'<span class="visually-hidden">{conditional_escape(remove)}</span>'
    return mark_safe(
        "".join(
            f'<li><a href="{conditional_escape(chip["url"])}">{conditional_escape(chip["label"])} '
            f'<span aria-hidden="true">×</span>{hidden}</a></li>'
            for chip in chips
        )
    )


@register.simple_tag
def datalist_options(values: Iterable[str]) -> SafeString:
    """<option>s of a <datalist>: values only."""
    return mark_safe("".join(f'<option value="{html.escape(value)}">' for value in values))


@register.simple_tag
def facet_options(group: dict[str, Any]) -> SafeString:
    """One facet's checkboxes, each with its label and count."""
    name = html.escape(group["name"])
    rows = [
        f'<div class="check"><input type="checkbox" id="{option["id"]}" name="{name}" '
        f'value="{html.escape(option["value"])}"{" checked" if option["checked"] else ""}> '
        f'<label for="{option["id"]}">{html.escape(option["label"])} '
        f'<span class="count">({option["count"]})</span></label></div>'
        for option in group["options"]
    ]
    return mark_safe("\n".join(rows))


@register.simple_tag
def select_options(choices: list[tuple[str, Any]], selected: str) -> SafeString:
    """<option>s of a select, the ``selected`` value marked."""
    return mark_safe(
        "".join(
            f'<option value="{html.escape(value)}"{" selected" if value == selected else ""}>'
            f"{html.escape(str(label))}</option>"
            for value, label in choices
        )
    )


@register.simple_tag
def result_items(rows: list[dict[str, Any]], no_date: str) -> SafeString:
    """The results' list items: title, summary and provider of each. One tag for the
    twenty rows rather than a template loop: the loop's lookups were a tenth of the
    page's rendering."""
    return mark_safe(
        "".join(
            f'<li class="result"><h3><a href="{html.escape(row["url"])}">'
            f"{html.escape(row['opportunity'].title)}</a></h3>\n"
            f"{result_summary(row, no_date)}\n"
            f'<p class="muted">{html.escape(row["opportunity"].provider.name)}</p></li>\n'
            for row in rows
        )
    )


@register.simple_tag
def result_summary(row: dict[str, Any], no_date: str) -> SafeString:
    """The two lines under a result's title: what it is, and when and where."""
    cost = html.escape(row["cost"])
    what = [html.escape(row["kind"]), html.escape(row["format"])]
    what.append(f"<strong>{cost}</strong>" if row["free"] else cost)
    if row["languages"]:
        what.append(html.escape(row["languages"]))
    if row["starts"]:
        when = [f'<time datetime="{row["starts_iso"]}">{html.escape(row["starts"])}</time>']
    else:
        when = [html.escape(no_date)]
    place = row["place"]
    if place is not None:
        where = f"{place.name}, {row['district'].name}" if row["district"] else place.name
        when.append(html.escape(where))
    if row["distance"]:
        away = gettext("%(distance)s away") % {"distance": row["distance"]}
        when.append(html.escape(away))
    return mark_safe(f'<p class="meta">{" · ".join(what)}</p>\n<p>{" · ".join(when)}</p>')


@register.simple_tag
def fee(opportunity: Opportunity) -> str:
    """The fee with its currency, in the visitor's number format: "60,000 COP"."""
    if opportunity.fee is None:
        return ""
    places = 0 if opportunity.fee == opportunity.fee.to_integral_value() else 2
    amount = number_format(opportunity.fee, decimal_pos=places, force_grouping=True)
    return f"{amount} {CURRENCIES.get(opportunity.city.country_code, '')}".strip()


@register.simple_tag
def share_links(url: str, title: str) -> list[tuple[str, str]]:
    """(service name, address) pairs for sharing a page: plain links, no trackers."""
    text = f"{title} {url}"
    return [
        ("Email", f"mailto:?subject={quote(title)}&body={quote(url)}"),
        ("WhatsApp", "https://wa.me/?" + urlencode({"text": text})),
        ("Telegram", "https://t.me/share/url?" + urlencode({"url": url, "text": title})),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
        ("X", "https://x.com/intent/post?" + urlencode({"url": url, "text": title})),
    ]
