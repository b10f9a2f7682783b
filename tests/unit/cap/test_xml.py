"""CAP XML both ways: what to_xml writes, and what parse refuses (attack first, then the
refusal)."""

from dataclasses import replace
from datetime import datetime
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from nguon.cap.errors import CapError
from nguon.cap.model import NAMESPACE
from nguon.cap.schema import validate
from nguon.cap.xml import MAX_SIZE
from nguon.cap.xml import parse
from nguon.cap.xml import to_xml
from tests.unit.cap import samples

import pytest
import re


def refused(data):
    with pytest.raises(CapError) as caught:
        parse(data)
    return caught.value


def test_elements_follow_the_schemas_order():
    data = to_xml(samples.update()).decode()
    tags = re.findall(r"<(\w+)>", data)
    alert = [
        t
        for t in tags
        if t
        in (
            "identifier",
            "sender",
            "sent",
            "status",
            "msgType",
            "source",
            "scope",
            "code",
            "note",
            "references",
            "incidents",
            "info",
        )
    ]
    assert alert[:12] == [
        "identifier", "sender", "sent", "status", "msgType", "source", "scope", "code",
        "note", "references", "incidents", "info",
    ]  # fmt: skip
    assert data.startswith("<?xml version='1.0' encoding='UTF-8'?>\n<alert xmlns=")


def test_times_are_written_in_caps_form():
    data = to_xml(samples.alert())
    assert b"<sent>2026-11-30T14:00:00+07:00</sent>" in data
    assert b"Z<" not in data


def test_control_characters_from_office_programs_are_dropped():
    pasted = "Sơ tán\x0b ngay\x00\x1f khỏi vùng trũng\ufffe\x0c.\tHết."
    alert = samples.alert(
        infos=(samples.info(description=pasted, headline="Lũ\x08 quét"),)
    )
    data = to_xml(alert)
    validate(data)
    info = parse(data).infos[0]
    assert info.description == "Sơ tán ngay khỏi vùng trũng.\tHết."
    assert info.headline == "Lũ quét"


def test_markup_in_text_is_escaped_not_interpreted():
    text = "<b>Bão</b> & lũ ]]> <![CDATA[x]]>"
    data = to_xml(samples.alert(infos=(samples.info(description=text),)))
    validate(data)
    assert parse(data).infos[0].description == text


# Text as authors paste it: any character (control characters and the BMP's
# non-characters included); surrogates cannot be encoded and are not text.
ODD = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)


def legal(text):
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text)


@settings(max_examples=150, deadline=None)
@given(
    description=ODD,
    instruction=ODD,
    note=ODD,
    area=ODD.filter(lambda t: legal(t).strip()),
)
def test_odd_text_round_trips_minus_what_xml_forbids(
    description, instruction, note, area
):
    info = samples.info(
        description=description,
        instruction=instruction,
        areas=(replace(samples.info().areas[0], description=area),),
    )
    alert = samples.alert(note=note, infos=(info,))
    data = to_xml(alert)
    validate(data)
    back = parse(data)
    assert back.note == legal(note)
    assert back.infos[0].description == legal(description)
    assert back.infos[0].instruction == legal(instruction)
    assert back.infos[0].areas[0].description == legal(area)


def test_a_naive_time_is_refused_when_writing():
    with pytest.raises(CapError) as caught:
        to_xml(samples.alert(sent=datetime(2026, 11, 30, 14, 0)))
    assert caught.value.code == "time-offset"
    assert "sent" in str(caught.value)


def test_a_signature_and_other_namespaces_are_ignored():
    data = to_xml(samples.alert()).replace(
        b"</alert>",
        b'<ext:note xmlns:ext="urn:example:ext">x</ext:note>'
        b'<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/>'
        b"</ds:Signature></alert>",
    )
    assert parse(data) == samples.alert()


def test_comments_and_cdata_do_not_cut_text():
    data = to_xml(samples.alert()).replace(
        b"<note>B\xe1\xba\xa3n tin s\xe1\xbb\x91 3</note>",
        b"<note>B\xe1\xba\xa3n <!-- x --> tin<![CDATA[ <3> ]]></note>",
    )
    assert parse(data).note == "Bản  tin <3> "


def test_not_xml():
    error = refused(b"<alert><identifier>x</alert")
    assert error.code == "not-xml"
    assert str(error).startswith("Tài liệu không phải XML hợp lệ")


def test_not_cap():
    assert refused(b"<rss version='2.0'/>").code == "not-cap"
    assert refused(b"<alert><identifier>x</identifier></alert>").code == "not-cap"


def test_another_cap_version():
    data = to_xml(samples.alert()).replace(
        NAMESPACE.encode(), b"urn:oasis:names:tc:emergency:cap:1.1"
    )
    error = refused(data)
    assert (error.code, error.reason.mapping["version"]) == ("not-cap12", "1.1")


def test_entity_expansion_is_refused_without_expanding():
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE alert [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            b'<!ENTITY a%d "%s">' % (n + 1, (b"&a%d;" % n if n else b"&a;") * 10)
            for n in range(8)
        )
        + b"]>\n"
        + to_xml(samples.alert()).split(b"\n", 1)[1].replace(b"<note>", b"<note>&a8;")
    )
    assert refused(bomb).code == "doctype"


def test_an_external_entity_is_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("mật khẩu")
    data = b'<!DOCTYPE alert [<!ENTITY s SYSTEM "file://%s">]>\n' % str(
        secret
    ).encode() + to_xml(samples.alert()).split(b"\n", 1)[1].replace(
        b"<note>", b"<note>&s;"
    )
    assert refused(data).code == "doctype"
    # Encoded so that the quick look at the prolog cannot see it: still refused, unread.
    error = refused(data.decode().encode("utf-16"))
    assert error.code in ("doctype", "not-xml")
    assert "mật khẩu" not in str(error)


def test_a_huge_document_is_refused_unread():
    data = to_xml(samples.alert(note="x" * MAX_SIZE))
    assert refused(data).code == "too-large"


@pytest.mark.parametrize(
    "element",
    ["identifier", "sender", "sent", "status", "msgType", "scope", "event", "urgency",
     "category", "areaDesc", "resourceDesc", "valueName"],
)  # fmt: skip
def test_a_required_field_missing(element):
    data = re.sub(
        rb"<%s>[^<]*</%s>" % (element.encode(), element.encode()),
        b"",
        to_xml(samples.alert()),
    )
    error = refused(data)
    assert error.code == "missing"
    assert error.reason.mapping["field"] == element


@pytest.mark.parametrize(
    "old,new",
    [
        (b"<status>Actual</status>", b"<status>Real</status>"),
        (b"<severity>Severe</severity>", b"<severity>High</severity>"),
        (b"<category>Met</category>", b"<category>Weather</category>"),
        (b"<responseType>Prepare</responseType>", b"<responseType>Run</responseType>"),
        (b"<size>123456</size>", b"<size>12 kB</size>"),
        (b"<altitude>0</altitude>", b"<altitude>NaN</altitude>"),
        (b"<ceiling>1500.5</ceiling>", b"<ceiling>high</ceiling>"),
    ],
)
def test_a_value_outside_cap(old, new):
    data = to_xml(samples.alert())
    assert old in data
    assert refused(data.replace(old, new)).code == "bad-value"


def test_bad_references():
    data = to_xml(samples.update())
    broken = re.sub(
        rb"<references>[^<]*</references>", b"<references>only-an-id</references>", data
    )
    assert refused(broken).code == "bad-value"


@pytest.mark.parametrize(
    "value", [b"2026-11-30T14:00:00Z", b"2026-11-30T14:00:00", b"30/11/2026 14:00", b""]
)
def test_bad_times(value):
    data = to_xml(samples.alert()).replace(
        b"2026-11-30T14:00:00+07:00</sent>", value + b"</sent>"
    )
    assert refused(data).code in ("bad-time", "missing")


def test_whitespace_around_codes_is_tolerated_text_is_kept():
    data = to_xml(samples.alert()).replace(
        b"<status>Actual</status>", b"<status>\n  Actual\n</status>"
    )
    data = data.replace(b"<note>", b"<note>  ")
    alert = parse(data)
    assert alert.status == "Actual"
    assert alert.note == "  Bản tin số 3"


def test_an_info_without_language_is_in_english():
    data = to_xml(samples.alert()).replace(b"<language>vi-VN</language>", b"")
    assert parse(data).infos[0].language == "en-US"


def test_text_may_be_given_as_str():
    assert parse(to_xml(samples.alert()).decode()) == samples.alert()
