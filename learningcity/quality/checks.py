"""What a comment may not contain, said plainly: HTML, and contact details (an
e-mail address or a phone number) that would tell the provider who wrote it.

Comments are plain text, shown escaped; HTML is refused rather than silently
stripped, so the person sees exactly what will be shown. A name cannot be found by a
pattern: the city's moderation is there for that."""

import re

from django.utils.translation import gettext as _

MAX_COMMENT_CHARS = 1000

_HTML = re.compile(r"<\s*/?\s*[a-zA-Z!?][^<>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A run of digits, spaces, dots, dashes and brackets, with an optional leading "+".
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d\s().\-/]{5,}\d(?!\w)")
_DATE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")
MIN_PHONE_DIGITS = 7


def comment_problem(text: str) -> str | None:
    """Why ``text`` cannot be saved as a comment, naming what to remove; None if fine."""
    if len(text) > MAX_COMMENT_CHARS:
        return _("Keep your comment under %(limit)s characters (it has %(count)s).") % {
            "limit": MAX_COMMENT_CHARS,
            "count": len(text),
        }
    found = _HTML.search(text)
    if found:
        return _("Comments are plain text. Please remove “%(code)s”: it looks like HTML code.") % {
            "code": found.group(0)
        }
    found = _EMAIL.search(text)
    if found:
        return _(
            "Please remove the e-mail address “%(address)s”. Comments are shared without "
            "names or contact details, so that nobody can tell who wrote them."
        ) % {"address": found.group(0)}
    phone = _phone_number(text)
    if phone:
        return _(
            "Please remove the phone number “%(number)s”. Comments are shared without "
            "names or contact details, so that nobody can tell who wrote them."
        ) % {"number": phone}
    return None


def _phone_number(text: str) -> str | None:
    for match in _PHONE.finditer(text):
        candidate = match.group(0).strip(" .-/()")
        digits = sum(char.isdigit() for char in candidate)
        if digits >= MIN_PHONE_DIGITS and not _DATE.match(candidate):
            return candidate
    return None
