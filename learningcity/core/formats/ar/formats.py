"""Arabic date formats Django leaves to the English defaults ("N j, Y, P" with a Latin
comma). Only what Django's own ``ar`` module lacks is set here; the rest is Django's.
Templates show dates with the named formats (``|date:"DATETIME_FORMAT"``) so that
each language gets its own punctuation."""

DATETIME_FORMAT = "l j F Y، H:i"
SHORT_DATETIME_FORMAT = "d‏/m‏/Y، H:i"
