"""Pathways: the shortest sensible plan to a qualification through what a city
offers (plain typed Python, no Django). See ``plan.find_way``."""

from .plan import CEFR, Gap, Offer, Person, Plan, Requirement, Step, find_way

__all__ = ["CEFR", "Gap", "Offer", "Person", "Plan", "Requirement", "Step", "find_way"]
