"""Progress of a learning-city plan's targets: plain typed Python, no Django.

``assess`` judges one target (baseline, target, the indicator's direction) against
the validated values of its indicator and says "on track", "at risk", "off track" or
"no data yet" by the rule written in ``progress.py`` (and on the public plan page)."""

from .progress import RULE_VERSION, Observation, Progress, Status, assess, least_squares_slope

__all__ = ["RULE_VERSION", "Observation", "Progress", "Status", "assess", "least_squares_slope"]
