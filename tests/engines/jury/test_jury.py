"""The jury engine alone: z-scores per juror, the ranking, spread and flags, the
stated tie-break."""

import pytest

from learningcity.engines import jury

CRITERIA = [jury.Criterion("a", 2.0), jury.Criterion("b", 1.0)]


def card(juror: str, dossier: str, a: int, b: int) -> jury.Scorecard:
    return jury.Scorecard(juror, dossier, {"a": a, "b": b})


def test_weighted_total_is_out_of_a_hundred():
    assert jury.weighted_total({"a": 10, "b": 10}, CRITERIA, 10) == pytest.approx(100)
    assert jury.weighted_total({"a": 5, "b": 2}, CRITERIA, 10) == pytest.approx(40)


def test_a_strict_and_a_lenient_juror_count_alike():
    cards = [
        card("strict", "x", 3, 3),
        card("strict", "y", 1, 1),
        card("lenient", "x", 10, 10),
        card("lenient", "y", 8, 8),
    ]
    z = jury.normalise(cards, CRITERIA, 10)
    assert z[("strict", "x")] == pytest.approx(z[("lenient", "x")]) == pytest.approx(1.0)
    assert z[("strict", "y")] == pytest.approx(-1.0)


def test_a_juror_without_spread_moves_nobody():
    z = jury.normalise([card("j", "x", 5, 5), card("j", "y", 5, 5)], CRITERIA, 10)
    assert z[("j", "x")] == 0.0 == z[("j", "y")]


def test_ranking_shows_spread_and_flags_disagreement():
    cards = [
        card("j1", "x", 10, 10),
        card("j2", "x", 2, 2),
        card("j1", "y", 5, 5),
        card("j2", "y", 6, 6),
    ]
    rows = {row.dossier: row for row in jury.rank(cards, CRITERIA, 10)}
    assert rows["x"].spread == pytest.approx(80)
    assert rows["x"].disputed
    assert not rows["y"].disputed
    assert rows["y"].spread == pytest.approx(10)


def test_ties_on_z_are_broken_by_the_stated_rule():
    # Each juror sees x and y alike by z, but x has the higher raw total.
    cards = [
        card("j1", "x", 9, 9),
        card("j1", "y", 1, 1),
        card("j2", "y", 9, 9),
        card("j2", "x", 2, 2),
    ]
    rows = jury.rank(cards, CRITERIA, 10, order={"x": 1, "y": 0})
    assert [row.dossier for row in rows] == ["y", "x"] or [row.dossier for row in rows] == [
        "x",
        "y",
    ]
    assert rows[0].tied_on_z and rows[1].tied_on_z
    assert rows[0].mean_total >= rows[1].mean_total
    # Equal in every figure: the earlier submission first.
    same = [card("j1", "p", 5, 5), card("j1", "q", 5, 5)]
    assert [row.dossier for row in jury.rank(same, CRITERIA, 10, order={"q": 0, "p": 1})] == [
        "q",
        "p",
    ]
    assert "earlier submission" in jury.TIE_BREAK_RULE


def test_no_cards_no_rows():
    assert jury.rank([], CRITERIA, 10) == []
