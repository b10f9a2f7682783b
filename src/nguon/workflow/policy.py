"""Load and validate the approval policy (``policies/approval.yaml``).

A broken file refuses to load with a :class:`PolicyError` naming the file, the line and the
problem, so that an operator who edits the policy sees at once what to fix.
"""

from dataclasses import dataclass
from dataclasses import field
from functools import lru_cache
from nguon.content.channels import DISTRIBUTED_TYPES
from nguon.content.vocabularies import CATEGORIES
from nguon.content.vocabularies import configured_levels
from nguon.content.vocabularies import PRIORITIES
from nguon.content.vocabularies import TARGET_SCOPES
from pathlib import Path

import yaml


POLICY_FILE = (
    Path(__file__).resolve().parent.parent / "policies" / "approval.yaml"
).resolve()

APPROVE_MODES = ("own", "up-to-target")
CONDITIONS = {
    "type": DISTRIBUTED_TYPES,
    "priority": tuple(value for value, _title in PRIORITIES),
    "category": tuple(value for value, _title in CATEGORIES),
    "target_scope": tuple(value for value, _title in TARGET_SCOPES),
}
RULE_KEYS = ("name", "when", "approve", "at_least")


class PolicyError(ValueError):
    """The policy file is not valid; the message says where and why."""


@dataclass(frozen=True)
class Rule:
    name: str
    approve: str
    at_least: str = None
    when: dict = field(default_factory=dict)

    def matches(self, facts):
        """``facts``: the item's type, priority, category and target_scope."""
        return all(facts.get(key) in allowed for key, allowed in self.when.items())


@dataclass(frozen=True)
class Policy:
    rules: tuple

    def rule_for(self, facts):
        """The first rule that matches; a valid policy always has one (it ends with a default)."""
        return next(rule for rule in self.rules if rule.matches(facts))


class Reader:
    """Turns the YAML node tree into a Policy, checking every value against what it may be.

    Other rule files (``nguon.reports.forms``, ``nguon.publication.essential``,
    ``nguon.feedback.policy``) reuse its line-numbered checks with their own ``error`` class and their own top-level method."""

    error = PolicyError

    def __init__(self, path):
        self.path = path

    def fail(self, node, problem):
        line = node.start_mark.line + 1 if node is not None else 1
        raise self.error(f"{self.path}:{line}: {problem}")

    def read(self):
        """The file's text; a file that cannot be read fails as line 1."""
        try:
            return self.path.read_text(encoding="utf-8")
        except OSError as error:
            raise self.error(
                f"{self.path}:1: không đọc được tệp chính sách ({error.strerror})"
            ) from None

    def compose(self, text):
        """The YAML node tree of ``text`` (None when it is empty); invalid YAML fails with
        its line."""
        try:
            return yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = mark.line + 1 if mark else 1
            raise self.error(
                f"{self.path}:{line}: YAML không hợp lệ: {error.problem}"
            ) from None

    def mapping(self, node, what):
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} phải là một bảng khóa: giá trị")
        return [(key.value, key, value) for key, value in node.value]

    def scalar(self, node, what, allowed=None):
        if not isinstance(node, yaml.ScalarNode) or node.value == "":
            self.fail(node, f"{what} phải là một giá trị đơn")
        if allowed is not None and node.value not in allowed:
            self.fail(
                node,
                f"{what} «{node.value}» không hợp lệ; dùng một trong: {', '.join(allowed)}",
            )
        return node.value

    def keys(self, node, what, allowed):
        """The entries of the mapping ``node`` by key; a key not in ``allowed``, or twice,
        fails."""
        found = {}
        for key, key_node, value in self.mapping(node, what):
            if key not in allowed:
                self.fail(
                    key_node,
                    f"khóa «{key}» không được biết trong {what}; dùng: {', '.join(allowed)}",
                )
            if key in found:
                self.fail(key_node, f"khóa «{key}» lặp lại trong {what}")
            found[key] = value
        return found

    def required(self, found, node, key, what):
        if key not in found:
            self.fail(node, f"{what} thiếu khóa «{key}»")
        return found[key]

    def integer(self, node, what, low, high):
        value = self.scalar(node, what)
        if not value.isdigit() or not low <= int(value) <= high:
            self.fail(node, f"{what} phải là một số nguyên từ {low} đến {high}")
        return int(value)

    def values(self, node, what, allowed):
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        if not items:
            self.fail(node, f"{what} không được để trống")
        return frozenset(self.scalar(item, what, allowed) for item in items)

    def rule(self, node, index):
        entries = self.mapping(node, f"quy tắc thứ {index}")
        seen = {}
        for key, key_node, value in entries:
            if key not in RULE_KEYS:
                self.fail(
                    key_node,
                    f"khóa «{key}» không được biết trong quy tắc; dùng: {', '.join(RULE_KEYS)}",
                )
            seen[key] = (key_node, value)
        if "approve" not in seen:
            self.fail(
                node,
                f"quy tắc thứ {index} thiếu khóa «approve» ({' hoặc '.join(APPROVE_MODES)})",
            )
        when = {}
        if "when" in seen:
            for key, key_node, value in self.mapping(seen["when"][1], "«when»"):
                if key not in CONDITIONS:
                    self.fail(
                        key_node,
                        f"điều kiện «{key}» không được biết; dùng: {', '.join(CONDITIONS)}",
                    )
                when[key] = self.values(value, f"{key}", CONDITIONS[key])
        return Rule(
            name=self.scalar(seen["name"][1], "name")
            if "name" in seen
            else f"quy tắc {index}",
            approve=self.scalar(seen["approve"][1], "approve", APPROVE_MODES),
            at_least=(
                self.scalar(seen["at_least"][1], "at_least", configured_levels())
                if "at_least" in seen
                else None
            ),
            when=when,
        )

    def policy(self, text):
        root = self.compose(text)
        if root is None:
            raise PolicyError(f"{self.path}:1: tệp chính sách trống; cần khóa «rules»")
        top = dict(
            (key, (key_node, value))
            for key, key_node, value in self.mapping(root, "tệp chính sách")
        )
        for key, (key_node, _value) in top.items():
            if key != "rules":
                self.fail(
                    key_node,
                    f"khóa «{key}» không được biết; tệp chính sách chỉ có «rules»",
                )
        if (
            "rules" not in top
            or not isinstance(top["rules"][1], yaml.SequenceNode)
            or not top["rules"][1].value
        ):
            self.fail(
                top.get("rules", (root, root))[1],
                "«rules» phải là một danh sách quy tắc, không trống",
            )
        nodes = top["rules"][1].value
        rules = tuple(
            self.rule(node, index) for index, node in enumerate(nodes, start=1)
        )
        if rules[-1].when:
            self.fail(
                nodes[-1],
                "quy tắc cuối cùng phải là mặc định (không có «when») để mọi mục đều có quy tắc",
            )
        return Policy(rules)


def load(path=POLICY_FILE):
    """The policy in ``path``; raises PolicyError when the file is broken."""
    reader = Reader(Path(path))
    return reader.policy(reader.read())


@lru_cache(maxsize=1)
def active_policy():
    """The shipped policy, loaded once per process (a broken file fails at first use, loudly)."""
    return load()
