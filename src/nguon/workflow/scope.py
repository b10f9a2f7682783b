"""An item's target scope turned into *reach pairs*: pure, so chain and reach share it.

A pair ``(unit code, below)`` says the item is for the unit with that code, and for every
unit under it when ``below`` is true:

- ``unit``: its own unit only;
- ``subtree``: its own unit and every unit under it;
- ``chosen``: the chosen units (``target_units``), not what is under them;
- ``area``: the whole area of each chosen unit (the unit and everything under it).
"""


def reach_pairs(scope, own_code, chosen):
    """The ``(code, below)`` pairs of an item of ``own_code`` with this scope and choice."""
    chosen = sorted({code for code in chosen or () if code})
    if scope == "subtree":
        return ((own_code, True),)
    if scope in ("chosen", "area") and chosen:
        return tuple((code, scope == "area") for code in chosen)
    return ((own_code, False),)
