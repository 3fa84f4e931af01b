"""Census verification: the city uploads its census (CSV: ``identifier,birth_year,
district``); each identifier is kept only as an HMAC-SHA256 with a secret key
(``PARTICIPATION_CENSUS_KEY``, falling back to one derived from ``SECRET_KEY``), the
file itself is read in memory and never stored. A resident then types their
identifier and birth year; a match records a ``Verification`` (logged in the audit,
without the identifier) that permissions read for age and district."""

import csv
import hashlib
import hmac
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcity.core.audit import record_event
from learningcity.core.models import City, District, User
from learningcity.core.tenancy import for_city

from .models import CensusEntry, Verification

MAX_BYTES = 20 * 1024 * 1024
MAX_ERRORS = 20


def _key() -> bytes:
    configured = getattr(settings, "PARTICIPATION_CENSUS_KEY", "")
    if configured:
        return str(configured).encode()
    return hashlib.sha256(b"participation-census:" + settings.SECRET_KEY.encode()).digest()


def hash_identifier(city: City, identifier: str) -> str:
    normalised = "".join(identifier.split()).upper()
    return hmac.new(_key(), f"{city.pk}:{normalised}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class CensusFault:
    line: int
    column: str
    message: str


def upload_census(*, actor: User, city: City, data: bytes) -> tuple[int, list[CensusFault]]:
    """Replace the city's census with the file's rows: all of them, or none when a row
    has a fault (then the faults, line and column, at most ``MAX_ERRORS``)."""
    if len(data) > MAX_BYTES:
        return 0, [CensusFault(0, "file", _("The file is larger than 20 MB."))]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return 0, [CensusFault(0, "file", _("The file is not UTF-8 text. Save it as CSV UTF-8."))]
    reader = csv.DictReader(io.StringIO(text))
    needed = ["identifier", "birth_year", "district"]
    if reader.fieldnames is None or any(c not in reader.fieldnames for c in needed):
        return 0, [
            CensusFault(
                1,
                "header",
                _("The first line must name the columns identifier, birth_year, district."),
            )
        ]
    districts = {d.slug: d for d in for_city(District, city)}
    this_year = timezone.localdate().year
    faults: list[CensusFault] = []
    rows: dict[str, CensusEntry] = {}
    for row in reader:
        line = reader.line_num
        identifier = (row.get("identifier") or "").strip()
        year_text = (row.get("birth_year") or "").strip()
        district_slug = (row.get("district") or "").strip()
        if not identifier:
            faults.append(CensusFault(line, "identifier", _("The identifier is empty.")))
        try:
            year = int(year_text)
            if not this_year - 130 <= year <= this_year:
                raise ValueError
        except ValueError:
            year = 0
            faults.append(CensusFault(line, "birth_year", _("Write a year of birth such as 1984.")))
        district = districts.get(district_slug)
        if district_slug and district is None:
            faults.append(
                CensusFault(line, "district", _("No district of this city has this short name."))
            )
        if identifier:
            digest = hash_identifier(city, identifier)
            if digest in rows:
                faults.append(CensusFault(line, "identifier", _("This identifier appears twice.")))
            rows[digest] = CensusEntry(
                city=city, identifier_hash=digest, birth_year=year, district=district
            )
        if len(faults) >= MAX_ERRORS:
            break
    if faults:
        return 0, faults
    if not rows:
        return 0, [CensusFault(0, "file", _("The file has no rows."))]
    with transaction.atomic():
        CensusEntry.objects.filter(city=city).delete()
        CensusEntry.objects.bulk_create(list(rows.values()), batch_size=2000)
        record_event(actor, "participation.census_uploaded", city=city, rows=len(rows))
    return len(rows), []


def verify_resident(*, actor: User, city: City, identifier: str, birth_year: int) -> Verification:
    digest = hash_identifier(city, identifier or "")
    entry = CensusEntry.objects.filter(city=city, identifier_hash=digest).first()
    if entry is None or entry.birth_year != birth_year:
        record_event(actor, "participation.verification_failed", city=city)
        raise ValidationError(
            _(
                "We found no census entry with this identifier and year of birth. Check both, "
                "or ask the city to check the census."
            )
        )
    try:
        with transaction.atomic():
            Verification.objects.filter(city=city, user=actor).delete()
            verification = Verification.objects.create(
                city=city,
                user=actor,
                identifier_hash=digest,
                birth_year=entry.birth_year,
                district=entry.district,
            )
            record_event(actor, "participation.verified", city=city)
    except IntegrityError:
        raise ValidationError(
            _("Another account has already been verified with this identifier.")
        ) from None
    return verification
