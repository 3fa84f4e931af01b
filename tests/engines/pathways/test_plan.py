"""The pathway planner alone: order, languages, dates, cost and named gaps."""

from datetime import date

from learningcity.engines.pathways import Offer, Person, Requirement, find_way

REQUIREMENTS = [
    Requirement(
        "DE-B1", "German for care work", kind="language", position=0, language="de", level="B1"
    ),
    Requirement("U1", "Personal care", position=1),
    Requirement("U2", "Safety and hygiene", position=2),
    Requirement("U3", "Communication", position=3),
    Requirement("EXAM", "Final assessment", kind="assessment", position=9),
]


def offer(key, covers, *, languages=("de",), starts=date(2027, 1, 10), ends=None, cost=0.0):
    return Offer(
        key,
        f"offer {key}",
        frozenset(covers),
        frozenset(languages),
        starts,
        ends or starts,
        cost,
    )


def test_a_migrant_gets_the_language_bridge_first_then_units_then_the_assessment():
    offers = [
        offer(1, ["DE-B1"], starts=date(2027, 1, 5), ends=date(2027, 3, 1)),
        offer(2, ["U1", "U2"], starts=date(2027, 3, 10), ends=date(2027, 5, 1), cost=100),
        offer(3, ["U3"], starts=date(2027, 3, 20), ends=date(2027, 4, 1)),
        offer(4, ["EXAM"], starts=date(2027, 6, 1)),
    ]
    person = Person(languages={"ar": "C2", "de": "A2"}, available_from=date(2027, 1, 1))
    plan = find_way(REQUIREMENTS, offers, person)
    assert [step.offer.key for step in plan.steps] == [1, 2, 3, 4]
    assert plan.steps[1].covers == ("U1", "U2")
    assert plan.gaps == ()
    assert plan.total_cost == 100
    assert plan.finishes == date(2027, 6, 1)


def test_units_start_only_after_the_language_bridge_ends():
    offers = [
        offer(1, ["DE-B1"], starts=date(2027, 1, 5), ends=date(2027, 3, 1)),
        offer(2, ["U1", "U2", "U3"], starts=date(2027, 2, 1)),
        offer(5, ["U1", "U2", "U3"], starts=date(2027, 4, 1)),
        offer(4, ["EXAM"], starts=date(2027, 6, 1)),
    ]
    plan = find_way(REQUIREMENTS, offers, Person(languages={"de": "A1"}))
    assert [step.offer.key for step in plan.steps] == [1, 5, 4]


def test_a_speaker_at_the_level_skips_the_bridge_and_recognised_units_shorten_the_way():
    offers = [
        offer(1, ["DE-B1"]),
        offer(2, ["U1"]),
        offer(3, ["U2"]),
        offer(6, ["U3"]),
        offer(4, ["EXAM"], starts=date(2027, 6, 1)),
    ]
    person = Person(languages={"de": "B2"}, held=frozenset({"U1", "U2"}))
    plan = find_way(REQUIREMENTS, offers, person)
    assert [step.offer.key for step in plan.steps] == [6, 4]
    assert plan.already == ("U1", "U2")


def test_gaps_are_named_with_their_reason():
    offers = [
        offer(1, ["DE-B1"], starts=date(2027, 1, 5), ends=date(2027, 3, 1)),
        offer(2, ["U1"], languages=("fr",)),
        offer(3, ["U2"], starts=date(2026, 1, 1)),
    ]
    person = Person(languages={"de": "A1"}, available_from=date(2027, 1, 1))
    plan = find_way(REQUIREMENTS, offers, person)
    reasons = {gap.code: gap.reason for gap in plan.gaps}
    assert reasons == {"U1": "language", "U2": "dates", "U3": "no_offer", "EXAM": "no_offer"}
    assert not plan.complete


def test_the_cheaper_of_two_equal_offers_is_chosen_and_a_budget_is_checked():
    offers = [
        offer(7, ["U1", "U2", "U3"], cost=300),
        offer(8, ["U1", "U2", "U3"], cost=120),
        offer(4, ["EXAM"], cost=50),
    ]
    person = Person(languages={"de": "C1"}, budget=100)
    plan = find_way(REQUIREMENTS, offers, person)
    assert [step.offer.key for step in plan.steps] == [8, 4]
    assert plan.total_cost == 170
    assert plan.over_budget


def test_offers_without_a_language_or_date_are_usable_by_anyone():
    offers = [Offer(1, "online", frozenset({"U1", "U2", "U3", "EXAM"}))]
    plan = find_way(REQUIREMENTS, offers, Person(languages={"de": "B1"}))
    assert plan.complete and plan.finishes is None
