"""Reports upward on the tree site (docs/reports.md): Phường Thuận Hóa's quarterly report is
pre-filled from the ledger, completed, submitted, signed off and added into Thành phố Huế's;
late communes are listed; every attack on who may read, fill and sign is refused."""

from nguon.instance.events import ISiteStarting
from nguon.interfaces import INguonLayer
from nguon.reports import forms
from nguon.reports import lifecycle
from nguon.reports.forms import active_forms
from nguon.reports.forms import check_indicators
from nguon.reports.forms import FORMS_FILE
from nguon.reports.store import AGGREGATED
from nguon.reports.store import ENTERED
from nguon.reports.store import SIGNED
from nguon.reports.store import SYSTEM
from nguon.testing import tree_user
from nguon.units.tree import find_unit
from plone import api
from zope.component import getSiteManager
from zope.interface import alsoProvides

import pytest


COMMUNE, SIBLING, PROVINCE, OTHER = "19786", "19777", "46", "44"
EDITOR = tree_user(COMMUNE, "editors")
APPROVER = tree_user(COMMUNE, "approvers")
QUARTER = "2026-Q4"  # the quarter the tree site's items are published in (today)


def user(userid):
    return api.user.get(userid=userid)


def _publish(code, title):
    """A bulletin of ``code`` published today on the web (the ledger counts it)."""
    unit = find_unit(code)
    with api.env.adopt_user(username=tree_user(code, "editors")):
        item = api.content.create(
            container=unit,
            type="Bulletin",
            title=title,
            category="health",
            channels={"web"},
            target_scope="unit",
        )
        api.content.transition(obj=item, transition="submit")
    with api.env.adopt_user(username=tree_user(code, "approvers")):
        api.content.transition(obj=item, transition="publish")
    return item


def _signed_report(portal, code, period=QUARTER, staff="3"):
    """``code``'s quarterly report, created, completed, submitted and signed off."""
    unit = find_unit(code)
    editor = user(tree_user(code, "editors"))
    report = lifecycle.create(portal, unit, "quy", period, editor)
    lifecycle.fill(
        unit,
        report,
        editor,
        values={"staff_trained": staff, "loudspeakers": "12", "remarks": "Ổn định."},
    )
    lifecycle.submit(unit, report, editor)
    lifecycle.sign(portal, unit, report, user(tree_user(code, "approvers")))
    return report


def test_the_shipped_forms_name_only_registered_indicators(tree):
    check_indicators(active_forms())


def test_a_form_naming_an_unknown_indicator_stops_the_site_from_starting(
    tree, tmp_path, monkeypatch
):
    broken = tmp_path / "reports.yaml"
    broken.write_text(
        FORMS_FILE.read_text(encoding="utf-8").replace(
            "indicator: radio_hours", "indicator: radio_hour"
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(forms, "active_forms", lambda: forms.load(broken))
    handlers = getSiteManager().adapters.subscriptions([ISiteStarting], None)
    assert forms.check_on_start in handlers
    with pytest.raises(forms.FormError, match=r"reports.yaml:\d+: chỉ số «radio_hour»"):
        forms.check_on_start(None)


def test_a_communes_quarterly_report_from_pre_fill_to_the_provinces_sum(tree):
    portal = tree["portal"]
    _publish(COMMUNE, "Lịch tiêm chủng")
    _publish(COMMUNE, "Lịch cắt điện")
    commune = find_unit(COMMUNE)

    report = lifecycle.create(portal, commune, "quy", QUARTER, user(EDITOR))
    assert report.values["items_published"] == {
        "value": 2,
        "source": SYSTEM,
        "remark": "",
    }
    assert report.values["staff_trained"]["value"] is None

    # The system's figures are not typed over: the unit explains in the remark.
    with pytest.raises(lifecycle.Refused, match="không nhập tay"):
        lifecycle.fill(commune, report, user(EDITOR), values={"items_published": "9"})
    # Nor submitted with a manual number missing.
    with pytest.raises(lifecycle.Refused, match="Chưa điền"):
        lifecycle.submit(commune, report, user(EDITOR))

    lifecycle.fill(
        commune,
        report,
        user(EDITOR),
        values={"staff_trained": "4", "loudspeakers": "15", "remarks": "Tốt."},
        remarks={"items_published": "Thêm 1 tin đăng ngoài hệ thống."},
    )
    assert report.values["staff_trained"] == {
        "value": 4,
        "source": ENTERED,
        "remark": "",
    }
    assert report.values["items_published"]["remark"].startswith("Thêm 1 tin")
    lifecycle.submit(commune, report, user(EDITOR))
    lifecycle.sign(portal, commune, report, user(APPROVER))
    assert report.state == SIGNED
    assert report.signed["by"] == APPROVER
    assert [step["action"] for step in report.history] == [
        "create",
        "fill",
        "submit",
        "sign",
    ]

    # The province's report adds up what its communes signed, and says who is missing.
    _signed_report(portal, SIBLING, staff="6")
    province = find_unit(PROVINCE)
    own = lifecycle.create(
        portal, province, "quy", QUARTER, user(tree_user(PROVINCE, "editors"))
    )
    assert own.children["included"] == [SIBLING, COMMUNE]
    assert own.children["missing"] == []
    assert own.children["values"]["staff_trained"] == 10
    assert own.children["values"]["loudspeakers"] == 27
    assert own.children["values"]["remarks"] is None  # text is not added up
    # The province's manual figures start from its communes' sum, marked as such.
    assert own.values["staff_trained"] == {
        "value": 10,
        "source": AGGREGATED,
        "remark": "",
    }
    # Its system figures are its whole area's, from the ledger.
    assert own.values["items_published"]["value"] == 2


def test_the_province_sees_late_and_missing_communes(tree):
    portal = tree["portal"]
    province = find_unit(PROVINCE)
    form = active_forms().get("quy")
    _signed_report(portal, COMMUNE, period="2026-Q3")
    rows = lifecycle.children_status(portal, province, form, form.period("2026-Q3"))
    assert [(r["code"], r["state"], r["late"]) for r in rows] == [
        (SIBLING, "missing", True),  # the deadline (16 October) has passed
        (COMMUNE, "signed", False),
    ]
    summary = lifecycle.children_summary(portal, province, form, form.period("2026-Q3"))
    assert summary["missing"] == [SIBLING]
    assert summary["late"] == [SIBLING]


def test_attacks_on_reading_filling_and_signing_are_refused(tree):
    portal = tree["portal"]
    commune = find_unit(COMMUNE)
    report = lifecycle.create(portal, commune, "quy", QUARTER, user(EDITOR))

    def refused(call, *args):
        with pytest.raises(lifecycle.Refused) as error:
            call(*args)
        assert error.value.kind == "forbidden"

    sibling_editor = user(tree_user(SIBLING, "editors"))
    # Another commune's editor can neither read nor fill, nor make our report.
    refused(lifecycle.get, portal, commune, "quy", QUARTER, sibling_editor)
    refused(lifecycle.fill, commune, report, sibling_editor, {"staff_trained": "1"})
    refused(lifecycle.unit_reports, portal, commune, sibling_editor)
    # The commune's approver does not fill; its editor does not sign.
    refused(lifecycle.fill, commune, report, user(APPROVER), {"staff_trained": "1"})
    lifecycle.fill(
        commune,
        report,
        user(EDITOR),
        values={"staff_trained": "1", "loudspeakers": "2"},
    )
    lifecycle.submit(commune, report, user(EDITOR))
    refused(lifecycle.sign, portal, commune, report, user(EDITOR))
    # The province's approver reviews the commune's items, yet does not sign its report,
    # nor read it before it is signed.
    province_approver = user(tree_user(PROVINCE, "approvers"))
    refused(lifecycle.sign, portal, commune, report, province_approver)
    refused(lifecycle.get, portal, commune, "quy", QUARTER, province_approver)
    # Nobody of another province reads it, signed or not.
    lifecycle.sign(portal, commune, report, user(APPROVER))
    refused(
        lifecycle.get, portal, commune, "quy", QUARTER, user(tree_user(OTHER, "admins"))
    )
    # Signed, it is read by the units above ...
    assert lifecycle.get(portal, commune, "quy", QUARTER, province_approver) is report
    assert (
        lifecycle.get(portal, commune, "quy", QUARTER, user(tree_user("VN", "editors")))
        is report
    )
    # ... and changed by nobody.
    with pytest.raises(lifecycle.Refused, match="không thể sửa"):
        lifecycle.fill(commune, report, user(EDITOR), {"staff_trained": "99"})
    with pytest.raises(lifecycle.Refused, match="không thể sửa"):
        lifecycle.refresh(portal, commune, report, user(EDITOR))
    with pytest.raises(lifecycle.Refused, match="Chỉ ký duyệt"):
        lifecycle.reject(commune, report, user(APPROVER), "Sai.")
    assert report.values["staff_trained"]["value"] == 1


def test_a_rejected_report_returns_with_the_approvers_comment(tree):
    portal = tree["portal"]
    commune = find_unit(COMMUNE)
    report = lifecycle.create(portal, commune, "quy", QUARTER, user(EDITOR))
    lifecycle.fill(
        commune, report, user(EDITOR), {"staff_trained": "1", "loudspeakers": "2"}
    )
    lifecycle.submit(commune, report, user(EDITOR))
    with pytest.raises(lifecycle.Refused, match="Cần ghi lý do"):
        lifecycle.reject(commune, report, user(APPROVER), "  ")
    lifecycle.reject(commune, report, user(APPROVER), "Thiếu số cụm loa hỏng.")
    assert report.state == "draft"
    assert report.comment == "Thiếu số cụm loa hỏng."
    lifecycle.fill(commune, report, user(EDITOR), {"loudspeakers": "3"})
    lifecycle.submit(commune, report, user(EDITOR))
    lifecycle.sign(portal, commune, report, user(APPROVER))
    assert report.comment == ""
    [rejected] = [step for step in report.history if step["action"] == "reject"]
    assert (rejected["by"], rejected["comment"]) == (APPROVER, "Thiếu số cụm loa hỏng.")


def test_a_report_exists_once_and_never_for_a_future_period(tree):
    portal = tree["portal"]
    commune = find_unit(COMMUNE)
    lifecycle.create(portal, commune, "quy", QUARTER, user(EDITOR))
    with pytest.raises(lifecycle.Refused, match="đã được lập"):
        lifecycle.create(portal, commune, "quy", QUARTER, user(EDITOR))
    with pytest.raises(lifecycle.Refused, match="chưa bắt đầu"):
        lifecycle.create(portal, commune, "quy", "2027-Q1", user(EDITOR))
    with pytest.raises(lifecycle.Refused, match="không phải là một kỳ"):
        lifecycle.create(portal, commune, "quy", "2026-13", user(EDITOR))


def test_the_units_action_shows_to_those_who_may_read_its_reports(tree):
    commune = find_unit(COMMUNE)
    alsoProvides(tree["request"], INguonLayer)
    actions = api.portal.get_tool("portal_actions")

    def shown(userid):
        with api.env.adopt_user(username=userid):
            found = actions.listFilteredActionsFor(commune)["object"]
            return "unit-reports" in {action["id"] for action in found}

    assert shown(EDITOR) and shown(APPROVER)
    assert shown(tree_user(PROVINCE, "approvers"))
    assert not shown(tree_user(SIBLING, "editors"))
    assert not shown(tree_user(OTHER, "admins"))
