"""WCAG 2.1 A/AA checks in the browser tests, with axe-core (Deque's maintained checker).

axe-core comes from the npm registry, pinned by ``tests/browser/axe/package-lock.json`` and
installed by ``make install`` (its ``axe`` target runs ``npm ci`` in that folder). A browser test
that has opened a page calls::

    from tests.browser.accessibility import assert_accessible

    driver.get(url)
    assert_accessible(driver, "citizen-home")

which injects axe into the page, runs the WCAG 2.0/2.1 level A and AA rules on the whole
document and fails on every violation of impact "serious" or "critical", listing the rule, its
help, and each offending element (selector and HTML). Lesser impacts ("minor", "moderate") are
left to review; ``allow`` names rules a test deliberately skips (none do: say why if you do).
``include`` checks only a part of the page (a CSS selector), for a view whose surroundings are
Plone's own markup.
"""

from pathlib import Path


AXE = (
    Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
)
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
FAILING = ("serious", "critical")


def axe_source():
    if not AXE.exists():
        raise AssertionError(f"axe-core is not installed ({AXE}); run `make install`")
    return AXE.read_text(encoding="utf-8")


def run_axe(driver, include=None, tags=TAGS):
    """axe's violations on the page the driver shows, or on the part ``include`` selects."""
    if not driver.execute_script("return !!window.axe"):
        driver.execute_script(axe_source())
    return driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "var context = arguments[1] ? {include: [[arguments[1]]]} : document;"
        "axe.run(context, {runOnly: {type: 'tag', values: arguments[0]},"
        " resultTypes: ['violations']})"
        ".then(function (r) { done({violations: r.violations}); })"
        ".catch(function (e) { done({error: String(e)}); });",
        list(tags),
        include,
    )


def serious_violations(result, allow=()):
    return [
        violation
        for violation in result["violations"]
        if violation["impact"] in FAILING and violation["id"] not in allow
    ]


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = ", ".join(str(part) for part in node["target"])
            lines.append(f"    {target}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").strip().replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(driver, page_name, include=None, allow=()):
    """Fail on any serious or critical WCAG 2.1 A/AA violation axe finds on the page the
    driver shows (or on the part the CSS selector ``include`` selects, e.g. "#content" for
    what a view of nguon renders inside Plone's page); ``page_name`` names it in the
    message."""
    driver.set_script_timeout(60)
    result = run_axe(driver, include)
    if "error" in result:
        raise AssertionError(f"axe failed on {page_name}: {result['error']}")
    violations = serious_violations(result, allow)
    if violations:
        message = (
            f"{page_name} ({driver.current_url}): {len(violations)} serious or critical"
            f" accessibility violation(s):\n{describe(violations)}"
        )
        print(message)
        raise AssertionError(message)
    return result
