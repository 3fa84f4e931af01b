"""The pabulib reader refuses what pabutools would misread, naming line and field,
and a file round-trips through ``parse_pb``/``write_pb``."""

from __future__ import annotations

from fractions import Fraction

import pytest

from learningcity.engines.budgeting import PabulibError, parse_pb, write_pb

GOOD = """META
key;value
description;Municipal PB in Wieliczka
country;Poland
unit;Wieliczka
instance;2023
num_projects;3
num_votes;3
budget;1000,5
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;votes;name;category;latitude;longitude
1;600;2;Library garden;education,environment;49.98;20.06
2;400;2;"Reading; room";education;none;none
3;300,5;1;Bench shade;environment;49.9;20.1
VOTES
voter_id;age;sex;vote
v1;25;M;1,2
v2;40;F;1,3
v3;61;F;2
"""


def test_a_real_shaped_file_is_read_with_every_field() -> None:
    election = parse_pb(GOOD)
    assert election.budget == Fraction(20010, 20)
    assert [p.project_id for p in election.projects] == ["1", "2", "3"]
    assert election.projects[1].fields["name"] == "Reading; room"
    assert election.projects[2].cost == Fraction(601, 2)
    assert election.votes[1].vote == ("1", "3")
    assert election.votes[2].fields == {"age": "61", "sex": "F"}
    assert election.project_columns == ["votes", "name", "category", "latitude", "longitude"]


def test_a_file_round_trips() -> None:
    election = parse_pb(GOOD)
    again = parse_pb(write_pb(election))
    assert again == election
    assert write_pb(again) == write_pb(election)


def test_a_byte_order_mark_and_blank_lines_are_fine() -> None:
    election = parse_pb("\ufeff" + GOOD.replace("PROJECTS\n", "\nPROJECTS\n"))
    assert len(election.projects) == 3


def test_columns_in_another_order_are_read_by_name() -> None:
    text = GOOD.replace("voter_id;age;sex;vote", "voter_id;vote;age;sex").replace(
        "v1;25;M;1,2", "v1;1,2;25;M"
    )
    text = text.replace("v2;40;F;1,3", "v2;1,3;40;F").replace("v3;61;F;2", "v3;2;61;F")
    election = parse_pb(text)
    assert election.votes[0].vote == ("1", "2")
    assert election.votes[0].fields == {"age": "25", "sex": "M"}
    assert parse_pb(write_pb(election)) == election


@pytest.mark.parametrize(
    ("change", "line", "field", "words"),
    [
        (("budget;1000,5", "budget;lots"), 9, "budget", "not a number"),
        (("budget;1000,5", "budget;0"), 9, "budget", "more than 0"),
        (("budget;1000,5\n", ""), 0, "budget", "no 'budget'"),
        (("1;600;2", "1;six hundred;2"), 14, "cost", "not a number"),
        (("1;600;2", "1;-600;2"), 14, "cost", "negative"),
        (("3;300,5;1", "1;300,5;1"), 16, "project_id", "appears twice"),
        (("v3;61;F;2", "v3;61;F;2,9"), 21, "vote", "'9' is not in the PROJECTS"),
        (("v3;61;F;2", "v3;61;F;2,2"), 21, "vote", "twice"),
        (("v3;61;F;2", "v1;61;F;2"), 21, "voter_id", "appears twice"),
        (("v3;61;F;2", "v3;61;2"), 21, "VOTES", "3 fields but the header has 4"),
        (("num_votes;3", "num_votes;4"), 8, "num_votes", "META says 4 but the file has 3"),
        (("vote_type;approval", "vote_type;plurality"), 10, "vote_type", "not one of"),
        (("project_id;cost;", "id;cost;"), 13, "PROJECTS", "'project_id'"),
        (("project_id;cost;", "project_id;price;"), 13, "PROJECTS", "no 'cost' column"),
        (("voter_id;age;sex;vote", "voter_id;age;sex;ballot"), 18, "VOTES", "no 'vote'"),
        (("META\n", ""), 1, "META", "must start"),
        (("description;Municipal PB in Wieliczka", "description"), 3, "META", "2 fields"),
    ],
)
def test_a_bad_file_is_refused_naming_the_line_and_field(
    change: tuple[str, str], line: int, field: str, words: str
) -> None:
    with pytest.raises(PabulibError) as caught:
        parse_pb(GOOD.replace(*change, 1))
    assert caught.value.line == line
    assert caught.value.field == field
    assert words in caught.value.message


def test_sections_out_of_order_are_refused() -> None:
    text = "PROJECTS\nproject_id;cost\n1;5\nMETA\nkey;value\nbudget;5\nVOTES\nvoter_id;vote\n"
    with pytest.raises(PabulibError, match="line 1, PROJECTS: sections must come"):
        parse_pb(text)


def test_a_file_without_votes_is_refused() -> None:
    with pytest.raises(PabulibError, match="VOTES: the file has no VOTES section"):
        parse_pb(GOOD.split("VOTES")[0])
