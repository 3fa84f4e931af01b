"""Checking an uploaded PDF by its content, never by its name.

A signed endorsement is read by people (National Commissions, jurors, the network's
coordinators), so we accept only what a PDF reader will open: the file must start
with a PDF header, end with a cross-reference pointer and an end-of-file marker,
and that pointer must lead to a cross-reference table or stream inside the file.
Password-protected files (nobody else could open them) and files with scripts or
launch actions in their readable structure are refused. The file is stored under a
name of ours and served only as a download (``application/pdf``, ``nosniff``)."""

import re

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_PDF_BYTES = 10 * 1024 * 1024

_HEADER = re.compile(rb"%PDF-[12]\.[0-9]")
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s*%%EOF\s*$")
_XREF_AT = re.compile(rb"\s*(xref|\d+\s+\d+\s+obj)")
_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch)(?![A-Za-z0-9])")


def check_pdf(data: bytes, field: str) -> None:
    """Refuse ``data`` unless it is a PDF we can pass on; the refusal names ``field``."""
    if not data:
        raise ValidationError({field: _("The file is empty. Choose the signed PDF.")})
    if len(data) > MAX_PDF_BYTES:
        raise ValidationError(
            {
                field: _("The file is larger than %(limit)s. Send a smaller PDF.")
                % {"limit": filesizeformat(MAX_PDF_BYTES)}
            }
        )
    not_pdf = _("This file is not a PDF (whatever its name says). Choose the signed PDF.")
    # The header may follow a little junk (readers allow 1,024 bytes of it); offsets
    # in the file count from the header.
    start = data.find(b"%PDF-", 0, 1024)
    if start < 0 or not _HEADER.match(data, start):
        raise ValidationError({field: not_pdf})
    tail = _STARTXREF.search(data[-2048:].rstrip(b"\x00"))
    if tail is None:
        raise ValidationError({field: _("This PDF is incomplete or damaged. Save it again.")})
    offset = start + int(tail.group(1))
    # Some writers are a few bytes off; readers forgive that, and so do we.
    window = data[max(offset - 16, 0) : offset + 48]
    if offset >= len(data) or not any(
        _XREF_AT.match(window, position) for position in range(0, min(len(window), 33))
    ):
        raise ValidationError({field: _("This PDF is incomplete or damaged. Save it again.")})
    if b"/Encrypt" in data:
        raise ValidationError(
            {field: _("This PDF is protected by a password. Send one that opens without it.")}
        )
    if _ACTIVE.search(data):
        raise ValidationError(
            {field: _("This PDF contains scripts or actions. Print it to a new PDF or scan it.")}
        )
