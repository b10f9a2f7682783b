"""The Atom index of alerts, built and read back."""

from datetime import timedelta
from lxml import etree
from nguon.cap.atom import ATOM
from nguon.cap.atom import index
from nguon.cap.atom import parse_index
from nguon.cap.errors import CapError
from nguon.cap.model import NAMESPACE
from tests.unit.cap import samples

import pytest


def feed(**changes):
    values = dict(
        feed_id="https://nguon.example.vn/46/alerts.atom",
        title="Cảnh báo - Thành phố Huế",
        self_url="https://nguon.example.vn/46/alerts.atom",
        updated=samples.SENT + timedelta(hours=2),
        author="Thành phố Huế",
        entries=[
            ("https://nguon.example.vn/46/bao-so-9/alert.cap", samples.alert()),
            ("https://nguon.example.vn/46/bao-so-8/alert.cap", samples.update()),
        ],
    )
    values.update(changes)
    return index(**values)


def test_the_feed_has_what_google_public_alerts_reads():
    root = etree.fromstring(feed())
    atom = {"a": ATOM, "cap": NAMESPACE}
    assert (
        root.findtext("a:id", namespaces=atom)
        == "https://nguon.example.vn/46/alerts.atom"
    )
    assert root.findtext("a:updated", namespaces=atom) == "2026-11-30T16:00:00+07:00"
    assert root.findtext("a:author/a:name", namespaces=atom) == "Thành phố Huế"
    assert root.find("a:link[@rel='self']", namespaces=atom) is not None
    entry = root.find("a:entry", namespaces=atom)
    assert entry.findtext("a:id", namespaces=atom).endswith("/bao-so-9/alert.cap")
    assert (
        entry.findtext("a:title", namespaces=atom)
        == "Bão số 9 đổ bộ Thừa Thiên Huế - Quảng Trị"
    )
    assert entry.findtext("a:summary", namespaces=atom).startswith("Hồi 13 giờ")
    link = entry.find("a:link", namespaces=atom)
    assert (link.get("rel"), link.get("type")) == ("alternate", "application/cap+xml")
    assert link.get("href").endswith("/bao-so-9/alert.cap")
    cap = {name: entry.findtext(f"cap:{name}", namespaces=atom) for name in (
        "event", "urgency", "severity", "certainty", "effective", "expires", "status",
        "msgType", "areaDesc")}  # fmt: skip
    assert cap == {
        "event": "Bão số 9",
        "urgency": "Expected",
        "severity": "Severe",
        "certainty": "Likely",
        "effective": "2026-11-30T14:00:00+07:00",
        "expires": "2026-12-01T20:00:00+07:00",
        "status": "Actual",
        "msgType": "Alert",
        "areaDesc": "Tỉnh Thừa Thiên Huế",
    }


def test_an_entry_speaks_the_asked_language():
    root = etree.fromstring(feed(language="en-US"))
    assert root.findtext(f"{{{ATOM}}}entry/{{{ATOM}}}title") == "Typhoon No. 9 landfall"


def test_a_cancel_without_info_still_has_an_entry():
    cancel = samples.alert(
        msg_type="Cancel", infos=(), references=(samples.alert().reference(),)
    )
    root = etree.fromstring(feed(entries=[("https://x.example/c.cap", cancel)]))
    entry = root.find(f"{{{ATOM}}}entry")
    assert entry.findtext(f"{{{ATOM}}}title") == "Cancel vn.nguon.46.2026-0042"
    assert entry.findtext(f"{{{NAMESPACE}}}msgType") == "Cancel"


def test_an_empty_feed():
    assert parse_index(feed(entries=[])) == []


def test_the_index_reads_back():
    found = parse_index(feed())
    assert found == [
        ("https://nguon.example.vn/46/bao-so-9/alert.cap", samples.SENT),
        (
            "https://nguon.example.vn/46/bao-so-8/alert.cap",
            samples.SENT + timedelta(hours=2),
        ),
    ]


def test_another_senders_index_relative_links_and_odd_entries():
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>urn:example:feed</id><title>NCHMF</title><updated>2026-11-30T03:00:00Z</updated>
  <entry><id>a</id><updated>2026-11-30T03:00:00Z</updated>
    <link rel="related" href="/html/a"/>
    <link rel="alternate" type="application/cap+xml; charset=utf-8" href="/cap/a.xml"/></entry>
  <entry><id>b</id><updated>yesterday</updated><link href="https://other.example/b.xml"/></entry>
  <entry><id>c</id><title>no link</title></entry>
</feed>"""
    found = parse_index(data, base_url="https://nchmf.example.vn/feed.atom")
    assert [url for url, _ in found] == [
        "https://nchmf.example.vn/cap/a.xml",
        "https://other.example/b.xml",
    ]
    assert found[0][1] == samples.SENT - timedelta(hours=4)
    assert found[1][1] is None


def test_not_a_feed():
    with pytest.raises(CapError) as caught:
        parse_index(b"<rss version='2.0'/>")
    assert caught.value.code == "not-atom"


def test_an_entity_attack_in_a_feed():
    data = (
        b'<!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="&x;"/></entry></feed>'
    )
    with pytest.raises(CapError) as caught:
        parse_index(data)
    assert caught.value.code == "doctype"


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        feed(updated=samples.SENT.replace(tzinfo=None))
