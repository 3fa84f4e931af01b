"""The pabulib ``.pb`` format (https://pabulib.org/format): read with a check of every
line, and write back.

A file has three sections, each a line with its name and then ``;``-separated rows::

    META
    key;value
    budget;1000
    vote_type;approval
    PROJECTS
    project_id;cost;name
    1;400;Reading garden
    VOTES
    voter_id;vote
    v1;1,2

``parse_pb`` refuses a file that pabutools would misread or crash on, with a
``PabulibError`` naming the line and the field to change: a missing section or
column, a cost or budget that is not a number, a vote naming a project that is not in
the file, a repeated project or voter id, counts in META that disagree with the rows.
``write_pb(parse_pb(text))`` keeps every field, so a file round-trips.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from fractions import Fraction

SECTIONS = ("meta", "projects", "votes")
VOTE_TYPES = ("approval", "choose-1", "ordinal", "cumulative", "scoring")
# The parser reads a field written "none" as missing; a name must not be that word.
_NONE = "none"


class PabulibError(ValueError):
    """A fault in a ``.pb`` file; ``line`` is 1-based (0 when the whole file is at fault)."""

    def __init__(self, line: int, field_name: str, message: str) -> None:
        self.line = line
        self.field = field_name
        self.message = message
        where = f"line {line}, " if line else ""
        super().__init__(f"{where}{field_name}: {message}")


@dataclass(frozen=True)
class ProjectRow:
    project_id: str
    cost: Fraction
    fields: dict[str, str] = field(default_factory=dict)  # other columns, as written


@dataclass(frozen=True)
class VoteRow:
    voter_id: str
    vote: tuple[str, ...]  # project ids, in the order written
    fields: dict[str, str] = field(default_factory=dict)  # other columns (age, points…)


@dataclass
class Election:
    meta: dict[str, str]
    projects: list[ProjectRow]
    votes: list[VoteRow]
    project_columns: list[str] = field(default_factory=list)  # beyond project_id, cost
    vote_columns: list[str] = field(default_factory=list)  # beyond voter_id, vote

    @property
    def budget(self) -> Fraction:
        return parse_number(self.meta["budget"])

    @property
    def vote_type(self) -> str:
        return self.meta.get("vote_type", "approval")

    def cost_of(self, project_ids: list[str]) -> Fraction:
        costs = {p.project_id: p.cost for p in self.projects}
        return sum((costs[i] for i in project_ids), Fraction(0))


# A plain integer or decimal, with at most a two-digit exponent (``format_number``
# writes one for tiny fractions). Anything else, such as "1e999999999" (which makes
# Fraction build a number of a billion digits and hangs the worker), is refused.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,2})?")
NUMBER_MAX_LENGTH = 40


def parse_number(text: str) -> Fraction:
    """A number as pabulib writes it ("1000", "2.5", "2,5"); ValueError otherwise."""
    cleaned = text.strip().replace(",", ".")
    if len(cleaned) > NUMBER_MAX_LENGTH or not _PLAIN_NUMBER.fullmatch(cleaned):
        raise ValueError(text)
    return Fraction(cleaned)


def format_number(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return repr(float(value)) if Fraction(float(value)) == value else str(float(value))


def _row_text(row: list[str]) -> list[str]:
    return [cell.strip() for cell in row]


def parse_pb(text: str) -> Election:
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text), delimiter=";")
    section = ""
    seen_sections: list[str] = []
    meta: dict[str, str] = {}
    meta_lines: dict[str, int] = {}
    project_header: list[str] = []
    vote_header: list[str] = []
    projects: list[ProjectRow] = []
    project_index: dict[str, int] = {}
    votes: list[VoteRow] = []
    voters: set[str] = set()
    expect_header = False
    try:
        for raw in reader:
            line = reader.line_num
            row = _row_text(raw)
            if not row or (len(row) == 1 and not row[0]):
                continue
            if len(row) == 1 and row[0].lower() in SECTIONS:
                name = row[0].lower()
                if name in seen_sections:
                    raise PabulibError(line, name.upper(), "this section appears twice")
                expected = SECTIONS[len(seen_sections)] if len(seen_sections) < 3 else ""
                if name != expected:
                    raise PabulibError(
                        line,
                        name.upper(),
                        f"sections must come in the order META, PROJECTS, "
                        f"VOTES; expected {expected.upper()} here",
                    )
                seen_sections.append(name)
                section = name
                expect_header = True
                continue
            if not section:
                raise PabulibError(line, "META", "the file must start with a line 'META'")
            if expect_header:
                expect_header = False
                if section == "meta":
                    if row[:2] != ["key", "value"]:
                        raise PabulibError(line, "META", "the header must be 'key;value'")
                elif section == "projects":
                    project_header = _project_header(line, row)
                else:
                    vote_header = _vote_header(line, row)
                continue
            if section == "meta":
                if len(row) != 2:
                    raise PabulibError(
                        line,
                        "META",
                        f"a META row has 2 fields (key;value), this one has {len(row)}",
                    )
                key, value = row
                if key in meta:
                    raise PabulibError(line, key, "this key appears twice in META")
                meta[key] = value
                meta_lines[key] = line
            elif section == "projects":
                project = _project_row(line, row, project_header)
                if project.project_id in project_index:
                    raise PabulibError(
                        line, "project_id", f"project {project.project_id!r} appears twice"
                    )
                project_index[project.project_id] = len(projects)
                projects.append(project)
            else:
                vote = _vote_row(line, row, vote_header, project_index)
                if vote.voter_id in voters:
                    raise PabulibError(line, "voter_id", f"voter {vote.voter_id!r} appears twice")
                voters.add(vote.voter_id)
                votes.append(vote)
    except csv.Error as exc:
        raise PabulibError(
            reader.line_num, "file", f"not readable as ';'-separated text ({exc})"
        ) from None
    for name in SECTIONS:
        if name not in seen_sections:
            raise PabulibError(0, name.upper(), f"the file has no {name.upper()} section")
    _check_meta(meta, meta_lines, len(projects), len(votes))
    return Election(
        meta=meta,
        projects=projects,
        votes=votes,
        project_columns=_others(project_header, "cost"),
        vote_columns=_others(vote_header, "vote"),
    )


def _project_header(line: int, row: list[str]) -> list[str]:
    if not row or row[0] != "project_id":
        raise PabulibError(line, "PROJECTS", "the header's first column must be 'project_id'")
    if "cost" not in row:
        raise PabulibError(line, "PROJECTS", "the header has no 'cost' column")
    _unique_columns(line, row, "PROJECTS")
    return row


def _vote_header(line: int, row: list[str]) -> list[str]:
    if not row or row[0] != "voter_id":
        raise PabulibError(line, "VOTES", "the header's first column must be 'voter_id'")
    if "vote" not in row:
        raise PabulibError(line, "VOTES", "the header has no 'vote' column")
    _unique_columns(line, row, "VOTES")
    return row


def _unique_columns(line: int, row: list[str], section: str) -> None:
    for column in row:
        if not column:
            raise PabulibError(line, section, "a column in the header has no name")
        if row.count(column) > 1:
            raise PabulibError(line, section, f"the column {column!r} appears twice")


def _cells(line: int, row: list[str], header: list[str], section: str) -> dict[str, str]:
    if len(row) != len(header):
        raise PabulibError(
            line, section, f"this row has {len(row)} fields but the header has {len(header)}"
        )
    return dict(zip(header, row, strict=True))


def _project_row(line: int, row: list[str], header: list[str]) -> ProjectRow:
    cells = _cells(line, row, header, "PROJECTS")
    project_id = cells["project_id"]
    if not project_id or project_id.lower() == _NONE:
        raise PabulibError(line, "project_id", "the project has no id")
    if "," in project_id:
        raise PabulibError(line, "project_id", "a project id cannot contain a comma")
    try:
        cost = parse_number(cells["cost"])
    except (ValueError, ZeroDivisionError):
        raise PabulibError(line, "cost", f"{cells['cost']!r} is not a number") from None
    if cost < 0:
        raise PabulibError(line, "cost", "a cost cannot be negative")
    return ProjectRow(project_id, cost, {c: cells[c] for c in _others(header, "cost")})


def _others(header: list[str], required: str) -> list[str]:
    """The columns beyond the id (first) and the required one, in the order written."""
    return [c for c in header[1:] if c != required]


def _vote_row(
    line: int, row: list[str], header: list[str], project_index: dict[str, int]
) -> VoteRow:
    cells = _cells(line, row, header, "VOTES")
    voter_id = cells["voter_id"]
    if not voter_id:
        raise PabulibError(line, "voter_id", "the vote has no voter id")
    chosen = tuple(p.strip() for p in cells["vote"].split(",") if p.strip())
    for project_id in chosen:
        if project_id not in project_index:
            raise PabulibError(
                line, "vote", f"project {project_id!r} is not in the PROJECTS section"
            )
    if len(set(chosen)) != len(chosen):
        raise PabulibError(line, "vote", "the vote names a project twice")
    others = {c: cells[c] for c in _others(header, "vote")}
    if "points" in others and others["points"].lower() != _NONE:
        points = [p for p in others["points"].split(",") if p.strip()]
        if len(points) != len(chosen):
            raise PabulibError(
                line, "points", f"{len(points)} points for {len(chosen)} projects in the vote"
            )
    return VoteRow(voter_id, chosen, others)


def _check_meta(meta: dict[str, str], lines: dict[str, int], projects: int, votes: int) -> None:
    if "budget" not in meta:
        raise PabulibError(0, "budget", "META has no 'budget' row")
    try:
        budget = parse_number(meta["budget"])
    except (ValueError, ZeroDivisionError):
        raise PabulibError(
            lines["budget"], "budget", f"{meta['budget']!r} is not a number"
        ) from None
    if budget <= 0:
        raise PabulibError(lines["budget"], "budget", "the budget must be more than 0")
    vote_type = meta.get("vote_type", "approval")
    if vote_type not in VOTE_TYPES:
        raise PabulibError(
            lines.get("vote_type", 0),
            "vote_type",
            f"{vote_type!r} is not one of {', '.join(VOTE_TYPES)}",
        )
    for key, actual in (("num_projects", projects), ("num_votes", votes)):
        if key in meta:
            try:
                written = int(meta[key])
            except ValueError:
                raise PabulibError(
                    lines[key], key, f"{meta[key]!r} is not a whole number"
                ) from None
            if written != actual:
                raise PabulibError(
                    lines[key], key, f"META says {written} but the file has {actual} rows"
                )


def write_pb(election: Election) -> str:
    """The election as a ``.pb`` text; META's counts follow the rows."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    meta = dict(election.meta)
    meta["num_projects"] = str(len(election.projects))
    meta["num_votes"] = str(len(election.votes))
    out.write("META\n")
    writer.writerow(["key", "value"])
    for key, value in meta.items():
        writer.writerow([key, value])
    out.write("PROJECTS\n")
    writer.writerow(["project_id", "cost", *election.project_columns])
    for project in election.projects:
        writer.writerow(
            [
                project.project_id,
                format_number(project.cost),
                *[project.fields.get(c, _NONE) for c in election.project_columns],
            ]
        )
    out.write("VOTES\n")
    writer.writerow(["voter_id", "vote", *election.vote_columns])
    for vote in election.votes:
        writer.writerow(
            [
                vote.voter_id,
                ",".join(vote.vote),
                *[vote.fields.get(c, _NONE) for c in election.vote_columns],
            ]
        )
    return out.getvalue()
