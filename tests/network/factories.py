from typing import Any

from learningcity.network import services

BASE = {
    "title": "Literacy circles in public libraries",
    "summary": "Volunteers run weekly reading circles for adults.",
    "problem": "Many adults cannot read a bus timetable.",
    "actions": "Libraries opened evening circles with trained volunteers.",
    "results": "Three hundred adults took part in the first year.",
    "themes": ["eq-vulnerable", "kflc-community"],
    "sdgs": ["4"],
    "language": "en",
}


def practice_data(**changes: Any) -> dict[str, Any]:
    return {**BASE, **changes}


def published_practice(city, reviewer, **changes: Any):
    practice = services.create_practice(actor=None, city=city, data=practice_data(**changes))
    services.submit_practice(actor=None, practice=practice)
    return services.review_practice(
        actor=reviewer, practice=practice, decision="publish", recompute=False
    )
