"""Categories of citizens' reports and who handles them: ``policies/feedback.yaml``.

Each category says at which level its reports are handled, in how many working days
(``nguon.feedback.workdays``), when to warn, whether reports and answers may be published,
which answer templates officials start from and, optionally, in which units it is offered.
A report lands at the nearest unit of its category's level at or above its place, unless a
route of the file names another unit for that place (:meth:`FeedbackPolicy.handler`).

The file is read as ``policies/approval.yaml`` is (``nguon.workflow.policy.Reader``): a broken
one refuses to load with a :class:`FeedbackPolicyError` naming the file, the line and the
problem. The policy is read when a report is filed: a change applies to reports filed after
the restart; those already filed keep their handler and due date.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from nguon.content.timezone import LOCAL_ZONE
from nguon.content.vocabularies import CATEGORIES
from nguon.content.vocabularies import configured_levels
from nguon.workflow.policy import PolicyError
from nguon.workflow.policy import Reader
from pathlib import Path

import re
import string
import yaml


POLICY_FILE = (
    Path(__file__).resolve().parent.parent / "policies" / "feedback.yaml"
).resolve()

TOP_KEYS = ("categories", "routes")
CATEGORY_KEYS = (
    "code",
    "title",
    "level",
    "item_category",
    "due_days",
    "warn_days",
    "public",
    "templates",
    "offered_in",
)
TEMPLATE_KEYS = ("title", "text")
ROUTE_KEYS = ("place", "category", "handler")
PLACEHOLDERS = ("unit", "category", "date")
ANY_CATEGORY = "*"
DEFAULT_ITEM_CATEGORY = "local-directive"  # «Chỉ đạo, điều hành của địa phương»
MAX_DUE_DAYS = 60
BOOLEANS = {"true": True, "false": False}
CODE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
UNIT_CODE = re.compile(r"[A-Za-z0-9]+")


class FeedbackPolicyError(PolicyError):
    """The feedback policy file is not valid; the message says where and why."""


@dataclass(frozen=True)
class Template:
    """An answer an official starts from; ``text`` holds ``${unit}``, ``${category}`` and
    ``${date}``."""

    title: str
    text: str

    def fill(self, unit, category, received):
        """The text with the handling unit's title, the category's title and the day the
        report was received (a date, or an aware datetime: its local day) as dd/mm/yyyy."""
        if isinstance(received, datetime):
            received = received.astimezone(LOCAL_ZONE).date()
        return string.Template(self.text).substitute(
            unit=unit, category=category, date=received.strftime("%d/%m/%Y")
        )


@dataclass(frozen=True)
class Category:
    code: str
    title: str
    level: str
    item_category: str  # the answer's category among the items' (content.vocabularies)
    due_days: int
    warn_days: int
    public: bool
    templates: tuple
    offered_in: frozenset  # empty: offered everywhere


@dataclass(frozen=True)
class Route:
    place: str
    category: str  # a category code, or ANY_CATEGORY
    handler: str


@dataclass(frozen=True)
class FeedbackPolicy:
    categories: tuple
    routes: tuple = ()

    def category(self, code):
        """The category of ``code``, or None."""
        return next((each for each in self.categories if each.code == code), None)

    def offered(self, lineage_codes):
        """The categories a place offers, in the file's order: ``lineage_codes`` are the
        codes of the place and the units above it; a category with ``offered_in`` is offered
        only when one of them is named there."""
        codes = set(lineage_codes)
        return tuple(
            each
            for each in self.categories
            if not each.offered_in or each.offered_in & codes
        )

    def handler(self, category_code, place_lineage):
        """The code of the unit that handles a report of ``category_code`` about the place
        whose ``(code, level)`` lineage, top-down, is ``place_lineage``
        (``nguon.units.tree.lineage``).

        A route for the place or a unit above it decides first: the one for the unit nearest
        to the place, and at the same unit the one naming the category before ``*``. Else the
        nearest unit at or above the place whose level is the category's level or higher:
        the commune for a commune-level category, the province for a province-level one,
        the province for a district-level one where no district exists, and the place
        itself when a report about a commune-level matter is filed at the province."""
        category = self.category(category_code)
        if category is None:
            raise ValueError(f"unknown feedback category {category_code!r}")
        routes = {(route.place, route.category): route.handler for route in self.routes}
        for code, _level in reversed(place_lineage):
            for key in ((code, category_code), (code, ANY_CATEGORY)):
                if key in routes:
                    return routes[key]
        levels = configured_levels()
        rank = levels.index(category.level)
        for code, level in reversed(place_lineage):
            if level in levels and levels.index(level) <= rank:
                return code
        return place_lineage[-1][0]


class _FeedbackReader(Reader):
    """The approval policy's reader (checks with line numbers), for this file's shape."""

    error = FeedbackPolicyError

    def sequence(self, node, what, empty=False):
        if not isinstance(node, yaml.SequenceNode) or not (node.value or empty):
            self.fail(
                node,
                f"{what} phải là một danh sách"
                + (" (có thể trống: [])" if empty else ", không trống"),
            )
        return node.value

    def boolean(self, node, what):
        return BOOLEANS[self.scalar(node, what, tuple(BOOLEANS))]

    def pattern(self, node, what, pattern, hint):
        value = self.scalar(node, what)
        if not pattern.fullmatch(value):
            self.fail(node, f"{what} «{value}» không hợp lệ: {hint}")
        return value

    def unit_code(self, node, what):
        return self.pattern(
            node, what, UNIT_CODE, 'mã đơn vị hành chính gồm chữ và số, ví dụ "46"'
        )

    def template(self, node, what):
        found = self.keys(node, f"mẫu trả lời của {what}", TEMPLATE_KEYS)
        text_node = self.required(found, node, "text", f"mẫu trả lời của {what}")
        text = self.scalar(text_node, "text")
        parsed = string.Template(text)
        if not parsed.is_valid():
            self.fail(
                text_node,
                f"{what}: dấu $ phải mở ${{unit}}, ${{category}}, ${{date}} hoặc là $$",
            )
        unknown = [
            name for name in parsed.get_identifiers() if name not in PLACEHOLDERS
        ]
        if unknown:
            self.fail(
                text_node,
                f"{what}: chỗ điền «${{{unknown[0]}}}» không được biết; dùng: "
                + ", ".join(f"${{{name}}}" for name in PLACEHOLDERS),
            )
        title = self.required(found, node, "title", f"mẫu trả lời của {what}")
        return Template(title=self.scalar(title, "title"), text=text)

    def category(self, node, codes):
        found = self.keys(node, "lĩnh vực", CATEGORY_KEYS)
        code_node = self.required(found, node, "code", "lĩnh vực")
        code = self.pattern(
            code_node, "code", CODE, "chỉ chữ thường không dấu, số và gạch nối"
        )
        if code in codes:
            self.fail(code_node, f"lĩnh vực «{code}» đã có")
        codes.add(code)
        what = f"lĩnh vực «{code}»"
        due_days = self.integer(
            self.required(found, node, "due_days", what), "due_days", 1, MAX_DUE_DAYS
        )
        warn_node = self.required(found, node, "warn_days", what)
        warn_days = self.integer(warn_node, "warn_days", 0, MAX_DUE_DAYS)
        if warn_days >= due_days:
            self.fail(
                warn_node,
                f"{what}: warn_days ({warn_days}) phải nhỏ hơn due_days ({due_days})",
            )
        offered_in = (
            self.sequence(found["offered_in"], "offered_in")
            if "offered_in" in found
            else ()
        )
        return Category(
            code=code,
            title=self.scalar(self.required(found, node, "title", what), "title"),
            level=self.scalar(
                self.required(found, node, "level", what), "level", configured_levels()
            ),
            item_category=(
                self.scalar(
                    found["item_category"],
                    "item_category",
                    tuple(value for value, _title in CATEGORIES),
                )
                if "item_category" in found
                else DEFAULT_ITEM_CATEGORY
            ),
            due_days=due_days,
            warn_days=warn_days,
            public=self.boolean(self.required(found, node, "public", what), "public"),
            templates=tuple(
                self.template(each, what)
                for each in (
                    self.sequence(found["templates"], f"{what}: templates")
                    if "templates" in found
                    else ()
                )
            ),
            offered_in=frozenset(
                self.unit_code(each, "offered_in") for each in offered_in
            ),
        )

    def route(self, node, codes, seen):
        what = "ngoại lệ (routes)"
        found = self.keys(node, what, ROUTE_KEYS)
        place = self.unit_code(self.required(found, node, "place", what), "place")
        category = self.scalar(
            self.required(found, node, "category", what),
            "category",
            (ANY_CATEGORY, *sorted(codes)),
        )
        if (place, category) in seen:
            self.fail(
                node, f"đã có ngoại lệ cho đơn vị «{place}» và lĩnh vực «{category}»"
            )
        seen.add((place, category))
        handler = self.unit_code(self.required(found, node, "handler", what), "handler")
        return Route(place=place, category=category, handler=handler)

    def policy(self, text):
        root = self.compose(text)
        if root is None:
            self.fail(None, "tệp chính sách trống; cần khóa «categories»")
        top = self.keys(root, "tệp chính sách", TOP_KEYS)
        nodes = self.required(top, root, "categories", "tệp chính sách")
        codes, seen = set(), set()
        categories = tuple(
            self.category(node, codes) for node in self.sequence(nodes, "«categories»")
        )
        routes = (
            tuple(
                self.route(node, codes, seen)
                for node in self.sequence(top["routes"], "«routes»", empty=True)
            )
            if "routes" in top
            else ()
        )
        return FeedbackPolicy(categories, routes)


def load(path=POLICY_FILE):
    """The feedback policy in ``path``; raises FeedbackPolicyError when it is broken."""
    reader = _FeedbackReader(Path(path))
    return reader.policy(reader.read())


@lru_cache(maxsize=1)
def load_policy():
    """The shipped policy, loaded once per process (a broken file fails at first use)."""
    return load()
