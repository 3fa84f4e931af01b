"""Core's template filters: ``{% load core_tags %}``.

- ``{{ text|markdown }}``: Markdown rendered and sanitised (core.richtext).
- ``{{ city|country }}``: the city's country in the reader's language (CLDR).
- ``{{ "GB"|country_name }}``: a country code's name in the reader's language.
- ``{{ event.action|event_label }}``: an audit event's label in plain words.
- ``{{ city|description }}``: the city's description in the reader's language.
- ``{{ session.starts_at|when }}``: a date and time in the reader's language (CLDR);
  ``|when:"medium"`` (short weekday), ``|when:"short"`` (no weekday), ``|when:"date"``.
- ``{% slot "catalogue.opportunity" opportunity %}``: what later apps add there
  (core.slots)."""

from typing import Any

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from ..audit import event_label as _event_label
from ..countries import country_name as _country_name
from ..dates import format_when
from ..richtext import render_markdown
from ..slots import render_slot

register = template.Library()


@register.filter(is_safe=True)
def markdown(text: Any) -> SafeString:
    return render_markdown(str(text or ""))


@register.filter
def country_name(code: Any) -> str:
    return _country_name(str(code or ""))


@register.filter
def country(city: Any) -> str:
    """A city's country: the CLDR name of its code, else the name it was saved with."""
    return _country_name(getattr(city, "country_code", ""), default=getattr(city, "country", ""))


@register.filter
def event_label(action: Any) -> str:
    return _event_label(str(action or ""))


@register.filter
def description(city: Any) -> str:
    return str(city.description_in(get_language() or ""))


@register.filter(expects_localtime=True)
def when(value: Any, style: str = "full") -> str:
    """Like ``|date``, converted to the current time zone first (``{% timezone %}``),
    but in the reader's language's own word order and punctuation."""
    return format_when(value, str(style))


@register.simple_tag(takes_context=True)
def slot(context: template.Context, name: str, *args: Any) -> SafeString:
    return render_slot(name, context.get("request"), *args)
