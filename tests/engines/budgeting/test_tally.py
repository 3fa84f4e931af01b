"""The tally and its command line agree with pabutools run directly on the file, for
every rule, on hand-made, real-shaped and random instances."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from pabutools.election import Cardinality_Sat, Cost_Sat, parse_pabulib
from pabutools.rules import (
    completion_by_rule_combination,
    exhaustion_by_budget_increase,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)

from learningcity.engines.budgeting import RULES, parse_pb, tally
from learningcity.engines.budgeting.cli import main

from .test_pabulib import GOOD


def _pabutools(path: Path, rule: str) -> set[str]:
    instance, profile = parse_pabulib(str(path))
    if rule == "greedy":
        outcome = greedy_utilitarian_welfare(instance, profile, sat_class=Cardinality_Sat)
    elif rule == "equal-shares":
        outcome = method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    else:
        outcome = completion_by_rule_combination(
            instance,
            profile,
            [exhaustion_by_budget_increase, greedy_utilitarian_welfare],
            [
                {"rule": method_of_equal_shares, "rule_params": {"sat_class": Cost_Sat}},
                {"sat_class": Cost_Sat},
            ],
        )
    return {p.name for p in outcome}


def random_pb(seed: int, projects: int, voters: int, with_ties: bool = False) -> str:
    rng = random.Random(seed)
    costs = [
        rng.choice([100, 200, 300]) if with_ties else rng.randint(50, 900) * 10
        for _ in range(projects)
    ]
    budget = sum(costs) // 3
    popularity = [rng.random() for _ in range(projects)]
    lines = [
        "META",
        "key;value",
        f"description;Random instance {seed}",
        "country;Nowhere",
        f"unit;Seed {seed}",
        f"num_projects;{projects}",
        f"num_votes;{voters}",
        f"budget;{budget}",
        "vote_type;approval",
        "rule;greedy",
        "PROJECTS",
        "project_id;cost;name",
    ]
    ids = [f"{100 + j}" if j % 3 else f"P{j}" for j in range(projects)]
    lines += [f"{ids[j]};{costs[j]};Project {j}" for j in range(projects)]
    lines += ["VOTES", "voter_id;age;vote"]
    for i in range(voters):
        vote = [ids[j] for j in range(projects) if rng.random() < popularity[j] * 0.6]
        lines.append(f"{i + 1};{rng.randint(16, 90)};{','.join(vote)}")
    return "\n".join(lines) + "\n"


INSTANCES = {
    "wieliczka-shaped": GOOD,
    "ties": random_pb(1, 8, 40, with_ties=True),
    "small": random_pb(2, 5, 12),
    "medium": random_pb(3, 15, 200),
    "many-projects": random_pb(4, 30, 120),
    "few-voters": random_pb(5, 12, 6),
    "everyone-agrees": (
        "META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n"
        "a;4\nb;4\nc;4\nVOTES\nvoter_id;vote\n1;a,b,c\n2;a,b,c\n3;a,b,c\n"
    ),
    "empty-ballots": (
        "META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n"
        "a;4\nb;7\nVOTES\nvoter_id;vote\n1;\n2;b\n3;\n"
    ),
}


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("name", sorted(INSTANCES))
def test_the_tally_funds_what_pabutools_funds(tmp_path: Path, name: str, rule: str) -> None:
    path = tmp_path / f"{name}.pb"
    path.write_text(INSTANCES[name], encoding="utf-8")
    outcome = tally(INSTANCES[name], rule)
    assert set(outcome.selected) == _pabutools(path, rule)
    election = parse_pb(INSTANCES[name])
    order = [p.project_id for p in election.projects]
    assert outcome.selected == [i for i in order if i in set(outcome.selected)]
    assert outcome.cost == election.cost_of(outcome.selected) <= election.budget


@pytest.mark.parametrize("rule", RULES)
def test_the_command_writes_selected_and_cost(tmp_path: Path, rule: str) -> None:
    path = tmp_path / "vote.pb"
    path.write_text(INSTANCES["medium"], encoding="utf-8")
    out = tmp_path / "result.json"
    assert main(["tally", "--pb", str(path), "--rule", rule, "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert set(result["selected"]) == _pabutools(path, rule)
    election = parse_pb(INSTANCES["medium"])
    assert result["cost"] == int(election.cost_of(result["selected"]))
    assert isinstance(result["cost"], int)


def test_a_bad_rule_or_file_writes_nothing_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "vote.pb"
    path.write_text(GOOD.replace("v3;61;F;2", "v3;61;F;2,77"), encoding="utf-8")
    out = tmp_path / "result.json"
    assert main(["tally", "--pb", str(path), "--rule", "greedy", "--out", str(out)]) == 2
    assert "line 21, vote: project '77' is not in the PROJECTS section" in capsys.readouterr().err
    path.write_text(GOOD, encoding="utf-8")
    assert main(["tally", "--pb", str(path), "--rule", "knapsack", "--out", str(out)]) == 2
    assert "'knapsack' is not a rule" in capsys.readouterr().err
    missing = tmp_path / "nope.pb"
    assert main(["tally", "--pb", str(missing), "--rule", "greedy", "--out", str(out)]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["tally", "--pb", str(path), "--rule", "greedy"]) == 2
    assert "--out" in capsys.readouterr().err
    path.write_bytes(b"\xff\xfe\x00garbage")
    assert main(["tally", "--pb", str(path), "--rule", "greedy", "--out", str(out)]) == 2
    assert "not UTF-8" in capsys.readouterr().err
    assert not out.exists()


def test_ordinal_ballots_are_not_tallied(tmp_path: Path) -> None:
    text = GOOD.replace("vote_type;approval", "vote_type;ordinal")
    path = tmp_path / "vote.pb"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "r.json"
    assert main(["tally", "--pb", str(path), "--rule", "greedy", "--out", str(out)]) == 2


RANDOM = {
    f"random-{seed}": random_pb(
        seed,
        random.Random(seed).randint(3, 14),
        random.Random(seed).randint(1, 60),
        with_ties=seed % 2 == 0,
    )
    for seed in range(10, 40)
}


@pytest.mark.parametrize("rule", ["equal-shares", "equal-shares-completed"])
@pytest.mark.parametrize("name", sorted({**INSTANCES, **RANDOM}))
def test_the_fast_equal_shares_funds_exactly_what_pabutools_funds(
    tmp_path: Path, name: str, rule: str
) -> None:
    text = {**INSTANCES, **RANDOM}[name]
    path = tmp_path / f"{name}.pb"
    path.write_text(text, encoding="utf-8")
    fast = tally(text, rule, engine="fast")
    assert set(fast.selected) == _pabutools(path, rule)
    assert fast == tally(text, rule, engine="pabutools")
