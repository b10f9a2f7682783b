"""``GET <unit or item>/@reachable-units?q=``: the units an editor may target, for the picker."""
