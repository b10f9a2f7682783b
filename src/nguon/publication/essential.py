"""Essential information (thông tin thiết yếu): the items whose delivery must be proven.

An item is essential when its author ticks the ``essential`` field (``IDistributed``), when a
rule of ``policies/essential.yaml`` matches its type, priority and category, or when it is an
emergency: emergencies always are, whatever the file says. The first matching rule may name
the channels that need proof; by default, and when the item is on none of them, every channel
the item goes out on does (``nguon.content.channels.channels``). Coverage, the statistics
pages and the report pre-fill ask here, and nowhere else, whether an item counts.

The file is read as ``policies/approval.yaml`` is (``nguon.workflow.policy``): a broken one
refuses to load with ``nguon.workflow.policy.PolicyError`` naming the file, the line and the problem.
"""

from dataclasses import dataclass
from dataclasses import field
from functools import lru_cache
from nguon import _
from nguon.content.channels import channels
from nguon.content.vocabularies import CHANNELS
from nguon.workflow.approval import facts
from nguon.workflow.policy import CONDITIONS
from nguon.workflow.policy import Reader
from pathlib import Path

import yaml


POLICY_FILE = (
    Path(__file__).resolve().parent.parent / "policies" / "essential.yaml"
).resolve()

EMERGENCY = "emergency"
# What a rule may test: the approval policy's vocabularies, less the target scope (where an
# item goes does not make it essential).
ESSENTIAL_CONDITIONS = {
    key: CONDITIONS[key] for key in ("type", "priority", "category")
}
CHANNEL_NAMES = tuple(value for value, _title in CHANNELS)
RULE_KEYS = ("name", "when", "channels")


@dataclass(frozen=True)
class EssentialRule:
    name: str
    when: dict = field(default_factory=dict)
    channels: frozenset = None  # None: every channel of the item

    def matches(self, item_facts):
        """``item_facts``: the item's type, priority and category (more keys are ignored)."""
        return all(item_facts.get(key) in allowed for key, allowed in self.when.items())


@dataclass(frozen=True)
class EssentialPolicy:
    rules: tuple

    def rule_for(self, item_facts):
        """The first rule that matches, or None."""
        return next((rule for rule in self.rules if rule.matches(item_facts)), None)


class _EssentialReader(Reader):
    """The approval policy's reader (node checks with line numbers), for this file's shape."""

    def rule(self, node, index):
        seen = {}
        for key, key_node, value in self.mapping(node, f"quy tắc thứ {index}"):
            if key not in RULE_KEYS:
                self.fail(
                    key_node,
                    f"khóa «{key}» không được biết trong quy tắc; dùng: {', '.join(RULE_KEYS)}",
                )
            seen[key] = value
        if "name" not in seen:
            self.fail(
                node, f"quy tắc thứ {index} thiếu khóa «name» (tên hiện cho người dùng)"
            )
        when = {}
        if "when" in seen:
            for key, key_node, value in self.mapping(seen["when"], "«when»"):
                if key not in ESSENTIAL_CONDITIONS:
                    self.fail(
                        key_node,
                        f"điều kiện «{key}» không được biết; dùng: "
                        f"{', '.join(ESSENTIAL_CONDITIONS)}",
                    )
                when[key] = self.values(value, key, ESSENTIAL_CONDITIONS[key])
        return EssentialRule(
            name=self.scalar(seen["name"], "name"),
            when=when,
            channels=(
                self.values(seen["channels"], "channels", CHANNEL_NAMES)
                if "channels" in seen
                else None
            ),
        )

    def policy(self, text):
        root = self.compose(text)
        if root is None:
            self.fail(None, "tệp chính sách trống; cần khóa «rules»")
        top = {}
        for key, key_node, value in self.mapping(root, "tệp chính sách"):
            if key != "rules":
                self.fail(key_node, f"khóa «{key}» không được biết; tệp chỉ có «rules»")
            top[key] = value
        if "rules" not in top or not isinstance(top["rules"], yaml.SequenceNode):
            self.fail(
                top.get("rules", root),
                "«rules» phải là một danh sách quy tắc (có thể trống: [])",
            )
        return EssentialPolicy(
            tuple(
                self.rule(node, index)
                for index, node in enumerate(top["rules"].value, start=1)
            )
        )


def load(path=POLICY_FILE):
    """The essential-information policy in ``path``; raises ``PolicyError`` when it is broken."""
    reader = _EssentialReader(Path(path))
    return reader.policy(reader.read())


@lru_cache(maxsize=1)
def active_policy():
    """The shipped policy, loaded once per process (a broken file fails at first use)."""
    return load()


def _rule(item, policy):
    return (policy or active_policy()).rule_for(facts(item))


def _flagged(item):
    return bool(getattr(item, "essential", False))


def _emergency(item):
    return getattr(item, "priority", None) == EMERGENCY


def is_essential(item, policy=None):
    """Whether ``item`` must be proven to reach every unit it targets: its author's flag, a
    rule of the policy (``policy``, the shipped one by default), or an emergency."""
    return _emergency(item) or _flagged(item) or _rule(item, policy) is not None


def required_channels(item, policy=None):
    """The channels on which delivery of ``item`` must be proven, sorted: those its matching
    rule names among the item's own, else all of the item's own channels. Asked of essential
    items; for any other it answers the item's own channels too."""
    own = channels(item)
    rule = _rule(item, policy)
    if rule is None or rule.channels is None:
        return tuple(sorted(own))
    return tuple(sorted(set(own) & rule.channels)) or tuple(sorted(own))


def why_essential(item, policy=None):
    """Why ``item`` is essential, an i18n message for the editors' screens (None when it is
    not): an emergency, else the policy's rule by name, else its author's choice."""
    if _emergency(item):
        return _(
            "essential_why_emergency",
            default="Tin khẩn cấp luôn là thông tin thiết yếu.",
        )
    rule = _rule(item, policy)
    if rule is not None:
        return _(
            "essential_why_policy",
            default="Thông tin thiết yếu theo chính sách: ${rule}.",
            mapping={"rule": rule.name},
        )
    if _flagged(item):
        return _(
            "essential_why_author",
            default="Tác giả đánh dấu đây là thông tin thiết yếu.",
        )
    return None
