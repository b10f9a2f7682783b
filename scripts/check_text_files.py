"""Trailing whitespace and the final newline of every text file git tracks.

``make lint`` and pre-commit run it; ``--fix`` repairs the files in place. It does the work of
pre-commit-hooks' ``trailing-whitespace`` and ``end-of-file-fixer`` without downloading them:
files are taken from ``git ls-files`` (or the paths given), binary files (a NUL byte in the
first 8 KiB) are skipped, and so are the symbolic links ``src/nguon/profiles`` and
``src/nguon/policies``.

Exit codes: 0 clean (or fixed), 1 a file needs fixing, with one line per file saying what.
"""

from pathlib import Path

import subprocess
import sys


ROOT = Path(__file__).resolve().parent.parent


def tracked_files():
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    return [Path(name) for name in out.decode("utf-8").split("\0") if name]


def problems(data):
    """What is wrong with a file's bytes, and the bytes as they should be."""
    found = []
    lines = data.split(b"\n")
    stripped = [line.rstrip(b" \t") for line in lines]
    if stripped != lines:
        found.append("trailing whitespace")
    fixed = b"\n".join(stripped)
    if fixed and not fixed.endswith(b"\n"):
        found.append("no newline at the end")
        fixed += b"\n"
    elif fixed.endswith(b"\n\n"):
        found.append("blank lines at the end")
        fixed = fixed.rstrip(b"\n") + b"\n"
    return found, fixed


def main(argv=None):
    args = list(sys.argv[1:] if argv is None else argv)
    fix = "--fix" in args
    paths = [Path(a) for a in args if a != "--fix"] or tracked_files()
    if not any(a != "--fix" for a in args):
        paths = [ROOT / p for p in paths]
    bad = 0
    for path in paths:
        if path.is_symlink() or not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data[:8192]:
            continue
        found, fixed = problems(data)
        if not found:
            continue
        bad += 1
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"{shown}: {', '.join(found)}{' (fixed)' if fix else ''}")
        if fix:
            path.write_bytes(fixed)
    return 0 if fix or not bad else 1


if __name__ == "__main__":
    sys.exit(main())
