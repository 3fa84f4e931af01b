"""A festival's figures: events, providers, places, people who joined and who
attended, in total and by district and by target group. Counts only: no person is
named, so the figures can be public once the festival is over.

"Joined" counts places taken (confirmed or attended) in the festival's sessions; a
repeating session is one enrolment whatever the number of its festival dates."""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from learningcity.catalogue.models import SEAT_STATUSES, TARGET_GROUPS, Enrolment, TargetGroup

from .models import Festival, FestivalEvent


@dataclass
class Line:
    name: str
    events: int = 0
    joined: int = 0
    attended: int = 0
    sessions: set[int] = field(default_factory=set)

    @property
    def attendance_percent(self) -> int | None:
        return round(100 * self.attended / self.joined) if self.joined else None


@dataclass
class Figures:
    events: int
    providers: int
    places: int
    joined: int
    attended: int
    by_district: list[Line]
    by_group: list[Line]


def festival_figures(festival: Festival) -> Figures:
    per_session = list(
        FestivalEvent.objects.filter(festival=festival)
        .order_by()
        .values("session_id", "district__name", "target_groups", "entry__provider_id", "site_id")
        .annotate(count=Count("id"))
    )
    session_ids = {row["session_id"] for row in per_session}
    enrolled = {
        row["session_id"]: row
        for row in Enrolment.objects.filter(session_id__in=session_ids)
        .order_by()
        .values("session_id")
        .annotate(
            joined=Count("id", filter=Q(status__in=SEAT_STATUSES)),
            attended=Count("id", filter=Q(status="attended")),
        )
    }
    districts: dict[str, Line] = {}
    groups: dict[str, Line] = {}
    group_names = dict(TargetGroup.choices)
    for row in per_session:
        district = row["district__name"] or _("Online or no place given")
        keys = [str(group_names[value]) for value in TARGET_GROUPS.to_values(row["target_groups"])]
        for table, names in ((districts, [district]), (groups, keys or [_("Everyone")])):
            for name in names:
                line = table.setdefault(name, Line(name))
                line.events += row["count"]
                if row["session_id"] not in line.sessions:
                    line.sessions.add(row["session_id"])
                    counts: Any = enrolled.get(row["session_id"], {})
                    line.joined += int(counts.get("joined", 0))
                    line.attended += int(counts.get("attended", 0))
    totals: defaultdict[str, int] = defaultdict(int)
    for totalled in enrolled.values():
        totals["joined"] += int(totalled["joined"])
        totals["attended"] += int(totalled["attended"])
    return Figures(
        events=sum(row["count"] for row in per_session),
        providers=len({row["entry__provider_id"] for row in per_session}),
        places=len({row["site_id"] for row in per_session if row["site_id"]}),
        joined=totals["joined"],
        attended=totals["attended"],
        by_district=sorted(districts.values(), key=lambda line: (-line.events, line.name)),
        by_group=sorted(groups.values(), key=lambda line: (-line.events, line.name)),
    )


def _cell(value: object) -> str:
    """Text a spreadsheet would run as a formula is written as text."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def figures_csv(figures: Figures) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["breakdown", "name", "events", "joined", "attended"])
    writer.writerow(["total", "", figures.events, figures.joined, figures.attended])
    writer.writerow(["providers", "", figures.providers, "", ""])
    writer.writerow(["places", "", figures.places, "", ""])
    for breakdown, lines in (("district", figures.by_district), ("group", figures.by_group)):
        for line in lines:
            writer.writerow([breakdown, _cell(line.name), line.events, line.joined, line.attended])
    return buffer.getvalue()
