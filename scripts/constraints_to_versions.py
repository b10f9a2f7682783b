"""Write versions.cfg (buildout's pins) from constraints.txt (pip's pins): one source of truth.

.venv/bin/python scripts/constraints_to_versions.py > versions.cfg
"""

from pathlib import Path

import re
import sys


HEADER = """\
# Generated from constraints.txt by scripts/constraints_to_versions.py: do not edit by hand.
[versions]
"""
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)")


def versions(constraints_text):
    lines = [HEADER]
    for line in constraints_text.splitlines():
        match = PIN.match(line.strip())
        if match:
            lines.append(f"{match.group(1)} = {match.group(2)}\n")
    return "".join(lines)


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    sys.stdout.write(versions((root / "constraints.txt").read_text(encoding="utf-8")))
