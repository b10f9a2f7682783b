"""Receiving CAP alerts from other systems (nguon.alerts.ingest): the whole corpus of
real-world messages (tests/fixtures/cap/valid/) is ingested into the test tree, signed
with the test sources' key; what must be refused is refused with its reason; Update and
Cancel follow the chain; XML attacks are shown to work on a careless parser, then refused."""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from lxml import etree
from nguon.alerts.ingest import receive as ingest
from nguon.alerts.ingest.record import ingest_log
from nguon.alerts.ingest.record import IngestLog
from nguon.alerts.ingest.record import KEEP
from nguon.alerts.message import message
from nguon.content.alert import as_aware
from nguon.content.alert import expires_at
from nguon.content.alert import infos
from nguon.testing import tree_user
from nguon.units.tree import item_unit
from nguon.workflow.approval import ApprovalState
from plone import api
from tests.alerts.ingest_support import add_quang_tri_wards
from tests.alerts.ingest_support import addressed
from tests.alerts.ingest_support import current
from tests.alerts.ingest_support import QUANG_TRI_WARDS
from tests.alerts.ingest_support import SigningSources
from tests.fixtures import cap as corpus

import pytest


VALID = corpus.HERE / "valid"
INVALID = corpus.HERE / "invalid"
# The chains of the corpus, each in the order it was sent.
CHAINS = (
    ("ca-naad-rainfall-alert", "ca-naad-rainfall-update", "ca-naad-rainfall-cancel"),
    ("vn-nchmf-storm-alert", "vn-nchmf-storm-update", "vn-nchmf-storm-cancel"),
)
HUE_APPROVER = tree_user("46", "approvers")


@pytest.fixture(scope="module")
def signing(tmp_path_factory):
    return SigningSources(tmp_path_factory.mktemp("sources"))


def receive(portal, signing, data, sign=True):
    body = signing.sign(data) if sign else data
    return ingest.receive(portal, body, via="push", known=signing.sources)


def refused(portal, signing, data, sign=True):
    with pytest.raises(ingest.Refused) as caught:
        receive(portal, signing, data, sign)
    return caught.value


def chain(*names):
    return list(current([VALID / f"{name}.xml" for name in names]).values())


def storm():
    return chain(*CHAINS[1])


def publish(alert, username=HUE_APPROVER):
    with api.env.adopt_user(username=username):
        api.content.transition(obj=alert, transition="publish")


def test_the_storm_becomes_a_draft_in_each_province_waiting_for_its_approvers(
    tree, signing
):
    portal = tree["portal"]
    outcome = receive(portal, signing, chain("vn-nchmf-storm-alert")[0])
    assert [item_unit(a).code for a in outcome.alerts] == ["46", "44"]
    hue = outcome.alerts[0]
    assert ingest_log(portal).entry(outcome.key)["notes"] == []
    assert api.content.get_state(hue) == "pending"
    assert ApprovalState(hue).awaiting_unit == "46"
    assert hue.title == "Bão số 9 hướng vào Thành phố Huế - Quảng Trị"
    assert hue.source_name == "Trung tâm Dự báo Khí tượng Thủy văn quốc gia"
    assert b"<ds:Signature" in hue.source_xml  # the original, as received
    assert hue.msg_type == "Alert" and hue.cap_status == "Actual"
    assert hue.severity == "Severe" and hue.cap_categories == {"Met"}
    assert hue.response_types == {"Prepare"}
    assert expires_at(hue) > as_aware(hue.onset)
    assert "16.00,107.00" in hue.polygon
    assert [i.language for i in infos(hue)] == ["vi-VN", "en-US"]
    assert infos(hue)[1].headline == "Typhoon No. 9 heading for Hue City and Quang Tri"
    assert hue.listCreators() == (ingest.INGEST_USER,)
    assert hue.getOwnerTuple()[1] == ingest.INGEST_USER
    assert hue.get_local_roles() == ((ingest.INGEST_USER, ("Owner",)),)
    assert api.user.has_permission(
        "Review portal content", username=HUE_APPROVER, obj=hue
    )
    entry = ingest_log(portal).entry(outcome.key)
    assert entry["alerts"] == [a.UID() for a in outcome.alerts]
    assert entry["source"] == hue.source_name and entry["via"] == "push"


def test_the_whole_corpus_is_ingested(tree, signing):
    """Every valid message: Vietnamese ones as they are (the wards of Quảng Trị added to the
    tree), other countries' addressed to Thuận Hóa; chains in order."""
    portal = tree["portal"]
    add_quang_tri_wards()
    chained = {name for names in CHAINS for name in names}
    batches = [chain(*names) for names in CHAINS] + [
        list(current([path]).values())
        for path in corpus.valid()
        if path.stem not in chained
    ]
    made = {}
    for batch in batches:
        for data in batch:
            outcome = receive(portal, signing, addressed(data, ["19786"]))
            made[outcome.key] = outcome
    assert len(made) == len(corpus.valid()) == 16
    units = {
        key.split(",")[0]: sorted(item_unit(a).code for a in outcome.alerts)
        for key, outcome in made.items()
        if outcome.msg_type == "Alert"
    }
    assert units["canhbao@kttvquangtri.gov.vn"] == sorted(QUANG_TRI_WARDS)
    assert units["pctt@hue.gov.vn"] == ["19777", "19786"]
    assert units["meteoalarm@meteo.be"] == ["19786"]
    # Quảng Trị's policy publishes at once, in the source's name.
    (ward, *_rest) = [
        a for o in made.values() for a in o.alerts if o.source.startswith("Đài")
    ]
    assert api.content.get_state(ward) == "published"
    state = ApprovalState(ward)
    assert state.emergency
    assert state.approvals[-1]["user"] == "cap:canhbao@kttvquangtri.gov.vn"
    comment = ward.workflow_history["nguon_approval_workflow"][-1]["comments"]
    assert "publish: at-once" in comment and "Đài Khí tượng Thủy văn" in comment
    # The exercise reaches only test devices; the Belgian message keeps its English.
    exercise = [
        a for o in made.values() for a in o.alerts if o.source.startswith("Ban")
    ]
    assert {a.cap_status for a in exercise} == {"Exercise"}
    (belgian,) = [
        a for o in made.values() for a in o.alerts if o.source == "MeteoAlarm Belgium"
    ]
    assert [i.language for i in infos(belgian)] == ["vi-VN", "fr-FR", "en-US"]
    notes = ingest_log(portal).entry(
        next(k for k, o in made.items() if o.source == "MeteoAlarm Belgium")
    )["notes"]
    assert any("nl-BE" in note for note in notes)
    assert any("không có phần tiếng Việt" in note for note in notes)


@pytest.mark.parametrize(
    "path, code", sorted(corpus.invalid().items()), ids=lambda v: getattr(v, "stem", v)
)
def test_the_invalid_corpus_is_refused_with_its_reason(tree, signing, path, code):
    portal = tree["portal"]
    data = path.read_bytes()
    try:
        (data,) = current([path]).values()
        data = signing.sign(data)
    except Exception:  # not even readable as CAP: refused as it is
        pass
    refusal = refused(portal, signing, data, sign=False)
    assert code in refusal.codes
    (kept,) = ingest_log(portal).latest_refusals(1)
    assert kept["code"] == refusal.code and kept["reason"]


def test_unsigned_untrusted_tampered_unknown_and_expired_messages_are_refused(
    tree, signing, tmp_path
):
    portal = tree["portal"]
    (data,) = storm()[:1]
    assert refused(portal, signing, data, sign=False).code == "unsigned"
    other = SigningSources(tmp_path)  # another key, unknown to the site
    stranger_signed = other.sign(data)
    assert refused(portal, signing, stranger_signed, sign=False).code == "untrusted"
    tampered = signing.sign(data).replace("Bão số 9".encode(), "Bão số 1".encode())
    assert refused(portal, signing, tampered, sign=False).code == "bad-signature"
    unknown = data.replace(b"canhbao@nchmf.gov.vn", b"someone@example.org")
    assert refused(portal, signing, unknown).code == "unknown-sender"
    old = (VALID / "vn-nchmf-storm-alert.xml").read_bytes()  # sent in 2026-11-30
    expired = corpus.moved(old, datetime.now(UTC) - timedelta(days=30))
    assert refused(portal, signing, expired).code == "expired"
    reasons = [r["reason"] for r in ingest_log(portal).latest_refusals()]
    assert "không có chữ ký số" in reasons[-1]
    assert not api.content.find(portal_type="Alert")


def test_a_duplicate_is_dropped(tree, signing):
    portal = tree["portal"]
    (data,) = storm()[:1]
    signed = signing.sign(data)
    ingest.receive(portal, signed, via="push", known=signing.sources)
    with pytest.raises(ingest.Refused) as caught:
        ingest.receive(portal, signed, via="push", known=signing.sources)
    assert caught.value.code == "duplicate"
    assert len(api.content.find(portal_type="Alert")) == 2


def test_a_message_naming_no_vietnamese_unit_is_refused(tree, signing):
    portal = tree["portal"]
    (data,) = current([VALID / "us-nws-flash-flood-warning.xml"]).values()
    refusal = refused(portal, signing, data)
    assert refusal.code == "no-unit"
    (hue_only,) = current([VALID / "vn-hue-exercise-wards.xml"]).values()
    outside = hue_only.replace(b"<value>19777</value>", b"<value>18880</value>")
    outcome = receive(portal, signing, outside)  # one ward in, one outside its area
    assert [item_unit(a).code for a in outcome.alerts] == ["19786"]
    assert "18880" in ingest_log(portal).entry(outcome.key)["notes"][0]
    unknown = addressed(data, ["99999"])
    refusal = refused(portal, signing, unknown)
    assert refusal.code == "no-unit"
    assert "99999" in ingest.vietnamese(refusal.message)


def test_update_and_cancel_follow_the_chain(tree, signing):
    portal = tree["portal"]
    first, update, cancel = storm()
    hue, quang_tri = receive(portal, signing, first).alerts
    publish(hue)  # Huế approved it; Quảng Trị has not yet
    updated = receive(portal, signing, update).alerts
    assert [item_unit(a).code for a in updated] == ["46", "44"]
    hue_update, quang_tri_new = updated
    assert hue_update.msg_type == "Update"
    assert hue_update.references == [reference(hue)]
    assert "16:00" in hue_update.alert_description or hue_update.source_xml != (
        hue.source_xml
    )
    assert api.content.get_state(hue_update) == "pending"
    # Quảng Trị's first draft was never published: it leaves its approvers, replaced.
    assert api.content.get_state(quang_tri) == "rejected"
    assert quang_tri_new.msg_type == "Alert" and not quang_tri_new.references
    publish(hue_update)
    assert api.content.get_state(hue) == "retracted"  # the Update replaced it
    (cancelled,) = receive(portal, signing, cancel).alerts
    assert item_unit(cancelled).code == "46" and cancelled.msg_type == "Cancel"
    assert cancelled.references == [reference(hue), reference(hue_update)]
    assert api.content.get_state(cancelled) == "published"  # at once, as its Update was
    assert api.content.get_state(hue_update) == "retracted"
    assert api.content.get_state(quang_tri_new) == "rejected"


def reference(alert):
    return str(message(alert, resources=False).reference())


def test_a_cancel_of_nothing_is_refused(tree, signing):
    portal = tree["portal"]
    cancel = storm()[2]
    assert refused(portal, signing, cancel).code == "cancel-of-nothing"


# -- XML attacks: the attack first, then the refusal ----------------------------------


def test_an_external_entity_reads_local_files_with_a_careless_parser_and_is_refused(
    tree, signing, tmp_path
):
    secret = tmp_path / "secret.txt"
    secret.write_text("mật khẩu")
    (data,) = storm()[:1]
    attack = data.replace(
        b"<alert ",
        f'<!DOCTYPE alert [<!ENTITY x SYSTEM "file://{secret}">]>\n<alert '.encode(),
        1,
    ).replace(b"<contact>", b"<contact>&x;")
    careless = etree.XMLParser(resolve_entities=True, load_dtd=True, no_network=False)
    assert "mật khẩu" in etree.tostring(
        etree.fromstring(attack, careless), encoding="unicode"
    )
    assert refused(tree["portal"], signing, attack, sign=False).code == "doctype"


def test_entity_expansion_multiplies_a_document_with_a_careless_parser_and_is_refused(
    tree, signing
):
    laughs = "".join(
        f'<!ENTITY l{n} "{("&l%d;" % (n - 1)) * 10 if n else "ha"}">' for n in range(5)
    )
    attack = (
        f"<!DOCTYPE alert [{laughs}]>\n"
        '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><note>&l4;</note></alert>'
    ).encode()
    careless = etree.XMLParser(resolve_entities=True)
    expanded = etree.fromstring(attack, careless).findtext(
        "{urn:oasis:names:tc:emergency:cap:1.2}note"
    )
    assert len(expanded) == 2 * 10**4  # 20,000 characters from 500 bytes
    assert refused(tree["portal"], signing, attack, sign=False).code == "doctype"
    big = b"<alert>" + b" " * (ingest.xml.MAX_SIZE) + b"</alert>"
    assert refused(tree["portal"], signing, big, sign=False).code == "too-large"


def test_nothing_a_failing_message_made_survives_it(tree, signing, monkeypatch):
    """The second unit's alert fails: the first one is undone too, the failure recorded."""
    portal = tree["portal"]
    made = []
    send_on = ingest._Receiver.send_on

    def failing(self, alert, at_once):
        made.append(alert.UID())
        if len(made) == 2:
            raise RuntimeError("disk full")
        send_on(self, alert, at_once)

    monkeypatch.setattr(ingest._Receiver, "send_on", failing)
    refusal = refused(portal, signing, chain("vn-nchmf-storm-alert")[0])
    assert refusal.code == ingest.FAILED
    assert "disk full" in ingest.vietnamese(refusal.message)
    assert len(made) == 2
    assert not api.content.find(portal_type="Alert", unrestricted=True)
    assert len(ingest_log(portal).messages) == 0
    assert ingest_log(portal).latest_refusals(1)[0]["code"] == ingest.FAILED


def test_a_source_that_publishes_at_once_keeps_its_chain_on_air(tree, signing):
    """Quảng Trị's policy says at-once: the Alert, its Update and its Cancel are each
    published by the emergency procedure in the source's name, each replacing the last."""
    portal = tree["portal"]
    first, update, cancel = (
        data.replace(b"canhbao@nchmf.gov.vn", b"canhbao@kttvquangtri.gov.vn")
        for data in storm()
    )
    outcome = receive(portal, signing, first)
    (alert,) = outcome.alerts  # Huế (46) is outside this source's units
    assert item_unit(alert).code == "44"
    assert "46" in ingest_log(portal).entry(outcome.key)["notes"][0]
    assert api.content.get_state(alert) == "published"
    (updated,) = receive(portal, signing, update).alerts
    assert updated.msg_type == "Update"
    assert api.content.get_state(updated) == "published"
    assert api.content.get_state(alert) == "retracted"
    (cancelled,) = receive(portal, signing, cancel).alerts
    assert cancelled.msg_type == "Cancel"
    assert api.content.get_state(cancelled) == "published"
    assert api.content.get_state(updated) == "retracted"
    assert ApprovalState(cancelled).approvals[-1]["user"] == (
        "cap:canhbao@kttvquangtri.gov.vn"
    )


def test_the_refusals_kept_are_bounded():
    log = IngestLog()
    for number in range(KEEP + 5):
        log.refuse(code="unsigned", reason=str(number), via="push")
    kept = log.latest_refusals()
    assert len(kept) == KEEP
    assert kept[0]["reason"] == str(KEEP + 4) and kept[-1]["reason"] == "5"
