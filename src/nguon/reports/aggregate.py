"""How the figures of the units below add up for the unit above, per the figure's rule in
the form: ``sum``, ``mean``, ``min``, ``max``, or ``none`` (text is not added up)."""

from statistics import fmean


RULES = {
    "sum": sum,
    "mean": fmean,
    "min": min,
    "max": max,
}


def combine(rule, values):
    """The figure for the unit above from its children's values (None where a child left it
    empty is skipped); None when nothing is known or the rule is ``none``."""
    known = [value for value in values if value is not None]
    if rule not in RULES or not known:
        return None
    result = RULES[rule](known)
    return round(result, 2) if isinstance(result, float) else result
