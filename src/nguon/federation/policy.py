"""The federation policy (``policies/federation.yaml``): for each item central sends, whether
this site publishes it at once or through its own approval, and whom it reaches here."""

from dataclasses import dataclass
from dataclasses import field
from functools import lru_cache
from nguon.content.vocabularies import PRIORITIES
from pathlib import Path

import yaml


POLICY_FILE = (
    Path(__file__).resolve().parent.parent / "policies" / "federation.yaml"
).resolve()
TYPES = ("Bulletin", "LegalDocument", "RadioItem", "Alert")
PUBLISH = ("at-once", "approval")
SCOPES = ("unit", "subtree")
CONDITIONS = {"type": TYPES, "priority": tuple(value for value, _t in PRIORITIES)}


class PolicyError(ValueError):
    """The policy file is not valid; the message names the file and the problem."""


@dataclass(frozen=True)
class Rule:
    name: str
    publish: str
    target_scope: str = "subtree"
    when: dict = field(default_factory=dict)

    def matches(self, facts):
        return all(facts.get(key) in allowed for key, allowed in self.when.items())


def parse(text, path="federation.yaml"):
    """The rules of ``text``; a ``PolicyError`` names what is wrong."""

    def fail(problem):
        raise PolicyError(f"{path}: {problem}")

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        fail(f"không đọc được YAML ({error})")
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        fail("cần danh sách «rules»")
    rules = []
    for number, raw in enumerate(data["rules"], 1):
        if not isinstance(raw, dict):
            fail(f"quy tắc {number} không phải một bảng")
        unknown = set(raw) - {"name", "when", "publish", "target_scope"}
        if unknown:
            fail(f"quy tắc {number}: khóa không hợp lệ {sorted(unknown)}")
        if raw.get("publish") not in PUBLISH:
            fail(f"quy tắc {number}: «publish» phải là {' hoặc '.join(PUBLISH)}")
        scope = raw.get("target_scope", "subtree")
        if scope not in SCOPES:
            fail(f"quy tắc {number}: «target_scope» phải là {' hoặc '.join(SCOPES)}")
        when = {}
        for key, value in (raw.get("when") or {}).items():
            values = tuple(value) if isinstance(value, list) else (value,)
            if key not in CONDITIONS or not set(values) <= set(CONDITIONS[key]):
                fail(f"quy tắc {number}: điều kiện «{key}: {value}» không hợp lệ")
            when[key] = values
        rules.append(Rule(str(raw.get("name") or number), raw["publish"], scope, when))
    if not rules or rules[-1].when:
        fail("quy tắc cuối phải không có «when» (quy tắc mặc định)")
    return tuple(rules)


@lru_cache(maxsize=4)
def _load(path, mtime):
    return parse(Path(path).read_text(encoding="utf-8"), path)


def rules(path=None):
    path = Path(path or POLICY_FILE)
    return _load(str(path), path.stat().st_mtime)


def rule_for(portal_type, priority, path=None):
    facts = {"type": portal_type, "priority": priority}
    return next(rule for rule in rules(path) if rule.matches(facts))
