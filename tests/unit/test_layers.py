"""The import graph of ``src/nguon`` against the layer list of docs/development.md.

The list is the fenced ``layers`` block of docs/development.md ("Layers"): one line per
layer, top first, entries on a line separated by ``|``. This test reads that block, so the
document and the check cannot drift apart. Every import statement counts, at module level
and inside functions (a function-level import hides a cycle from Python, not from this
test). It fails, naming the module and line of each offending import, when:

- a module belongs to no entry of the list (a new package must be given its place);
- a module imports an entry above its own (upward) or beside it on the same line
  (capabilities never import each other);
- packages of the list, or any two modules, import each other in a cycle;
- a module of an entry marked ``(zope-free)`` imports Zope, Plone or ZODB, or a module of
  ours that is not zope-free itself.
"""

from pathlib import Path

import ast
import re


ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "nguon"
DOC = ROOT / "docs" / "development.md"

# Top-level names of the Zope/Plone stack that the Zope-free commands must not import.
ZOPE = {
    "AccessControl",
    "Acquisition",
    "App",
    "BTrees",
    "DateTime",
    "OFS",
    "Products",
    "Shared",
    "Testing",
    "ZODB",
    "ZPublisher",
    "ZTUtils",
    "Zope2",
    "borg",
    "collective",
    "five",
    "ftw",
    "persistent",
    "plone",
    "transaction",
    "webdav",
    "z3c",
    "zExceptions",
    "zc",
    "zope",
}
ENTRY = re.compile(r"^(?P<name>[A-Za-z_][\w.]*)\s*(?:\((?P<flags>[^)]*)\))?$")


def read_layers(text):
    """The layers, top first: a list of lines, each a list of (entry, flags)."""
    block = re.search(r"^```layers\n(.*?)^```", text, re.M | re.S)
    assert block, f"{DOC}: no ```layers block"
    layers = []
    for number, raw in enumerate(block.group(1).splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        entries = []
        for part in line.split("|"):
            match = ENTRY.match(part.strip())
            assert match, f"layers block line {number}: cannot read {part.strip()!r}"
            flags = {f.strip() for f in (match["flags"] or "").split(",") if f.strip()}
            entries.append((match["name"], flags))
        layers.append(entries)
    return layers


def modules():
    """Every module of the package: dotted name -> path (the linked profiles excluded)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[1:2] in (("profiles",), ("policies",)):
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports(name, path, known):
    """(line, imported module of ours or top-level name of another package) per import."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, _ours(alias.name, known)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            for alias in node.names:
                # from nguon.radio import signing: the module nguon.radio.signing
                candidate = f"{module}.{alias.name}"
                yield (
                    node.lineno,
                    _ours(candidate if candidate in known else module, known),
                )


def _ours(module, known):
    if module == "nguon" or module.startswith("nguon."):
        while module not in known and "." in module:
            module = module.rpartition(".")[0]
        return module
    return module.split(".")[0]


class Layers:
    def __init__(self, layers):
        self.level = {}
        self.flags = {}
        for level, entries in enumerate(layers):
            for entry, flags in entries:
                assert entry not in self.level, f"{entry} is listed twice"
                self.level[entry] = level
                self.flags[entry] = flags

    def entry(self, module):
        """The most specific entry a module belongs to, or None."""
        if module == "nguon":
            return "nguon" if "nguon" in self.level else None
        rest = module.removeprefix("nguon.")
        while rest:
            if rest in self.level:
                return rest
            rest = rest.rpartition(".")[0]
        return None

    def zope_free(self, module):
        entry = self.entry(module)
        return entry is not None and "zope-free" in self.flags[entry]


def graph():
    known = modules()
    edges = []  # (importer, line, imported)
    foreign = []  # (importer, line, top-level name)
    for name, path in known.items():
        for line, target in imports(name, path, known):
            if target == "nguon" or target.startswith("nguon."):
                if target != name:
                    edges.append((name, line, target))
            else:
                foreign.append((name, line, target))
    return known, edges, foreign


def where(name, line, known):
    return f"{known[name].relative_to(ROOT)}:{line}"


def layers():
    return Layers(read_layers(DOC.read_text(encoding="utf-8")))


def test_every_module_has_a_layer():
    known, _, _ = graph()
    listed = layers()
    missing = sorted(name for name in known if listed.entry(name) is None)
    assert not missing, (
        "modules in no layer of docs/development.md (add their package to the "
        "```layers block): " + ", ".join(missing)
    )


def test_every_entry_exists():
    known, _, _ = graph()
    listed = layers()
    absent = sorted(
        entry
        for entry in listed.level
        if not any(listed.entry(name) == entry for name in known)
    )
    assert not absent, "entries of the layers block with no module: " + ", ".join(
        absent
    )


def test_imports_only_point_down():
    known, edges, _ = graph()
    listed = layers()
    wrong = []
    for importer, line, target in edges:
        mine, theirs = listed.entry(importer), listed.entry(target)
        if mine is None or theirs is None or mine == theirs:
            continue
        if listed.level[theirs] < listed.level[mine]:
            how = "upward"
        elif listed.level[theirs] == listed.level[mine]:
            how = "sideways"
        else:
            continue
        wrong.append(
            f"{where(importer, line, known)}: {importer} ({mine}) imports {target} "
            f"({theirs}): {how}"
        )
    assert not wrong, (
        "imports against the layers of docs/development.md:\n"
        + "\n".join(sorted(wrong))
    )


def test_no_cycle_between_packages():
    """No cycle between the packages of the list (whatever their lines say), nor between
    modules anywhere (a function-level import inside a cycle still makes one)."""
    known, edges, _ = graph()
    listed = layers()
    report = []
    for kind, node in (("packages", listed.entry), ("modules", lambda name: name)):
        by_pair = {}
        for importer, line, target in edges:
            mine, theirs = node(importer), node(target)
            if mine is not None and theirs is not None and mine != theirs:
                by_pair.setdefault((mine, theirs), (importer, line, target))
        for cycle in _cycles(set(by_pair)):
            steps = []
            for a, b in zip(cycle, cycle[1:] + cycle[:1], strict=True):
                importer, line, target = by_pair[(a, b)]
                steps.append(
                    f"  {where(importer, line, known)}: {importer} imports {target}"
                )
            report.append(
                f"{kind}: " + " -> ".join(cycle + cycle[:1]) + "\n" + "\n".join(steps)
            )
    assert not report, "imports in a cycle:\n" + "\n".join(report)


def _cycles(pairs):
    """One shortest cycle per strongly connected group of packages (Tarjan, then BFS)."""
    graph_ = {}
    for a, b in pairs:
        graph_.setdefault(a, set()).add(b)
        graph_.setdefault(b, set())
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph_[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph_):
        if node not in index:
            visit(node)
    cycles = []
    for group in groups:
        start = min(group)
        paths = {start: [start]}
        queue = [start]
        while queue:
            node = queue.pop(0)
            for nxt in sorted(graph_[node] & group):
                if nxt == start:
                    cycles.append(paths[node])
                    queue = []
                    break
                if nxt not in paths:
                    paths[nxt] = paths[node] + [nxt]
                    queue.append(nxt)
    return cycles


def test_zope_free_packages_import_nothing_of_zope():
    known, edges, foreign = graph()
    listed = layers()
    wrong = []
    for importer, line, name in foreign:
        if listed.zope_free(importer) and name in ZOPE:
            wrong.append(f"{where(importer, line, known)}: {importer} imports {name}")
    for importer, line, target in edges:
        # The package root holds only the message factory `_` (checked below): a zope-free
        # module may take its messages from there.
        if target == "nguon":
            continue
        if listed.zope_free(importer) and not listed.zope_free(target):
            wrong.append(
                f"{where(importer, line, known)}: {importer} imports {target}, "
                "which is not zope-free"
            )
    assert not wrong, "Zope in the Zope-free commands:\n" + "\n".join(sorted(wrong))


def test_the_package_root_is_only_the_message_factory():
    """Zope-free modules import `nguon._`: the root must import nothing of Zope but the
    standalone zope.i18nmessageid (no server, no ZODB) that makes it."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module)
    assert imported == {"zope.i18nmessageid"}


def test_the_check_finds_what_it_must():
    """The checks themselves, on a made-up list: upward, sideways and cycles are found."""
    listed = Layers(
        read_layers("```layers\nface\ncap | other\ncore (zope-free)\n```\n")
    )
    assert listed.entry("nguon.cap.x") == "cap"
    assert listed.entry("nguon.elsewhere") is None
    assert listed.level["face"] < listed.level["cap"] < listed.level["core"]
    assert listed.zope_free("nguon.core.y") and not listed.zope_free("nguon.cap")
    assert _cycles({("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")}) == [
        ["a", "b", "c"]
    ]
    assert _cycles({("a", "b"), ("b", "c")}) == []
