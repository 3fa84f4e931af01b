"""Template filters of the plan pages: numbers and money in the reader's notation,
statuses in words."""

import math
from collections import OrderedDict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.urls import reverse
from django.utils import dateformat
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import get_language, gettext

from learningcity.monitoring.numbers import localised, plain_number

from ..models import ActionStatus
from ..versions import status_label

register = template.Library()


@register.filter
def num(value: Any) -> str:
    """A value as the reader writes it ("2,5" in French), "—" when there is none:
    whole numbers as such, otherwise up to two decimals (as monitoring's
    ``plain_number``, without grouping), written here directly because a targets
    table has hundreds of them."""
    if value is None or value == "":
        return "—"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    text = repr(number)
    if "e" in text or not math.isfinite(number) or number < 0:
        return plain_number(number)  # rare: let Django's formatting decide
    whole, _dot, decimals = text.partition(".")
    # Django's number_format cuts (does not round) a float's decimals.
    decimals = "" if number.is_integer() else decimals[:2].rstrip("0")
    if not decimals:
        return whole
    return whole + str(get_format("DECIMAL_SEPARATOR")) + decimals


@register.filter
def trend(slope: Any) -> str:
    """Change per year with its sign: "+1.5 a year"."""
    if slope is None:
        return "—"
    change = num(round(float(slope), 2) or 0.0)  # no "-0"
    sign = "+" if change != "0" and slope > 0 else ""
    return gettext("%(change)s a year") % {"change": sign + change}


@register.filter
def money(amount: Any, currency: Any = "") -> str:
    if amount is None or amount == "":
        return "—"
    try:
        number = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    places = 0 if number == number.to_integral_value() else 2
    return f"{localised(float(number), places, grouping=True)} {currency or ''}".strip()


@register.filter
def action_status(value: Any) -> str:
    return status_label(value)


@register.filter
def area_label(name: Any) -> str:
    """Shipped KFLC wording in the reader's language (see monitoring.kflc_strings)."""
    return gettext(str(name)) if name else ""


# The public page's long lists are written here rather than in template loops: the
# Django template engine spends about a millisecond per row of this size, and the page
# has fifty actions; plain formatting keeps the page within its time budget. Every
# value is escaped.


# The cells of a published action that never change (title, goal, partner, dates,
# budget) are formatted once per version and language and kept by the process (the
# last few versions); status and last update are added per request.
_STATIC_CELLS: "OrderedDict[tuple[Any, ...], dict[int, str]]" = OrderedDict()
_STATIC_VERSIONS = 12


def _static_cells(key: tuple[Any, ...]) -> dict[int, str]:
    cells = _STATIC_CELLS.get(key)
    if cells is None:
        cells = _STATIC_CELLS[key] = {}
        while len(_STATIC_CELLS) > _STATIC_VERSIONS:
            _STATIC_CELLS.popitem(last=False)
    return cells


@register.simple_tag
def action_rows(rows: Iterable[Any], city_slug: str, version: Any) -> SafeString:
    base = reverse("plans:public", args=[city_slug]) + "actions/"
    short = str(get_format("SHORT_DATE_FORMAT"))
    language = get_language()
    cache = _static_cells(
        (version.pk, version.published_at.isoformat(), language, city_slug, short)
    )
    labels = {value: escape(str(label)) for value, label in ActionStatus.choices}
    out = []
    for row in rows:
        item = row.item
        cells = cache.get(row.id)
        if cells is None:
            cells = cache[row.id] = (
                f'<th scope="row"><a href="{base}{int(row.id)}/">{escape(row.title)}</a>'
                f'<br><span class="muted">{escape(row.goal_title)}</span></th>'
                f"<td>{escape(item['responsible'])}</td>"
                f"<td>{dateformat.format(row.start, short)}–"
                f"{dateformat.format(row.end, short)}</td>"
                f'<td class="num">{escape(money(item.get("budget"), item.get("currency")))}</td>'
            )
        updated = ""
        if row.last_update:
            when = dateformat.format(localtime(row.last_update), short)
            words = escape(gettext("updated %(date)s") % {"date": when})
            updated = f'<br><span class="muted">{words}</span>'
        status = escape(row.status)
        out.append(
            f'<tr>{cells}<td><span class="plan-status plan-status-{status}">'
            f"{labels.get(row.status, status)}</span>{updated}</td></tr>"
        )
    return mark_safe("\n".join(out))


@register.simple_tag
def target_rows(
    targets: Iterable[Any], show_goal: bool, edit_url: str = "", version: Any = None
) -> SafeString:
    """Rows of the targets table; ``edit_url`` (the desk) ends with ``targets/``. With a
    published ``version``, the cells that never change are formatted once."""
    cache: dict[int, str] = {}
    if version is not None:
        cache = _static_cells(
            ("targets", version.pk, version.published_at.isoformat(), get_language(), show_goal)
        )
    out = []
    for assessed in targets:
        target, progress = assessed.target, assessed.progress
        name = escape(area_label(target["indicator_name"]))
        static = cache.get(int(target["id"]))
        if static is None:
            static = _target_static(assessed, name, show_goal)
            if version is not None:
                cache[int(target["id"])] = static
        latest = (
            f"{num(progress.latest.value)} ({progress.latest.year})" if progress.latest else "—"
        )
        cells = [
            static,
            f'<td class="num">{latest}</td>',
            f'<td class="num">{num(progress.expected)}</td>',
            f'<td class="num">{escape(trend(progress.slope))}</td>',
            f'<td><span class="plan-status plan-status-{escape(assessed.status)}">'
            f"{escape(assessed.status_label)}</span></td>",
        ]
        if edit_url:
            cells.append(
                f'<td><a href="{escape(edit_url)}{int(target["id"])}/">{escape(gettext("Change"))}'
                f'<span class="visually-hidden"> {name}</span></a></td>'
            )
        out.append("<tr>" + "".join(cells) + "</tr>")
    return mark_safe("\n".join(out))


def _target_static(assessed: Any, name: str, show_goal: bool) -> str:
    target = assessed.target
    unit = target.get("unit")
    shown_unit = f' <span class="muted">({escape(area_label(unit))})</span>' if unit else ""
    goal = f"<td>{escape(assessed.goal_title)}</td>" if show_goal else ""
    return (
        f'<th scope="row">{name}{shown_unit}</th>{goal}'
        f'<td class="num">{num(target["baseline_value"])} ({int(target["baseline_year"])})</td>'
        f'<td class="num">{num(target["target_value"])} ({int(target["target_year"])})</td>'
    )
