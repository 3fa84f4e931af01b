"""Participatory-budgeting engine: the pabulib ``.pb`` format (read, check, write) and
the tally of approval ballots by the rules the platform offers, computed with
``pabutools``. Plain typed Python; no Django."""

from .pabulib import Election, PabulibError, ProjectRow, VoteRow, parse_pb, write_pb
from .tally import RULES, Outcome, tally

__all__ = [
    "RULES",
    "Election",
    "Outcome",
    "PabulibError",
    "ProjectRow",
    "VoteRow",
    "parse_pb",
    "tally",
    "write_pb",
]
