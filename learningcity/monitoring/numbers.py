"""Numbers as the reader writes them, for pages and charts alike.

Every number on a monitoring page goes through Django's localisation (as
``floatformat`` does), so one row never mixes "3.5" and "3,5"."""

from django.utils import formats


def localised(value: float, places: int, *, grouping: bool = False) -> str:
    """``value`` with ``places`` decimals, in the active language's notation."""
    return formats.number_format(value, places, use_l10n=True, force_grouping=grouping)


def trimmed(text: str) -> str:
    """Without needless zeros after the decimal separator ("2,50" → "2,5", "3,00" → "3")."""
    separator = str(formats.get_format("DECIMAL_SEPARATOR"))
    if separator not in text:
        return text
    return text.rstrip("0").rstrip(separator)


def plain_number(value: float) -> str:
    """A whole number as such, otherwise with up to two decimals."""
    if float(value).is_integer():
        return localised(value, 0)
    return trimmed(localised(value, 2))
