"""An alert as CAP 1.2 (nguon.alerts.message): the message, its XML valid against the OASIS
schema and signed with the site's key, at ``<alert>/alert.cap`` while it is public."""

from nguon.alerts import keys
from nguon.alerts.install import install
from nguon.alerts.install import public_host
from nguon.alerts.message import document
from nguon.alerts.message import message
from nguon.cap import schema
from nguon.cap import signature
from nguon.cap.model import VN_UNIT_CODE
from nguon.cap.xml import parse
from plone import api
from plone.namedfile.file import NamedBlobFile
from plone.namedfile.file import NamedBlobImage
from tests.alerts.alert_support import add_language
from tests.alerts.alert_support import make_alert
from tests.alerts.alert_support import publish
from zExceptions import NotFound

import hashlib
import pytest


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000185d7e4450000000049454e44ae426082"
)


def test_the_message_carries_every_language_the_area_and_the_files(tree):
    api.portal.set_registry_record("nguon.alerts.sender", "canhbao.hue.gov.vn")
    alert = make_alert(
        polygon="16.40,107.50 16.50,107.50 16.50,107.65 16.40,107.50",
        circle="16.46,107.59 5",
        response_types={"Evacuate", "Prepare"},
        image=NamedBlobImage(data=PNG, filename="map.png", contentType="image/png"),
    )
    add_language(
        alert,
        "hnj",
        title="Dej nyab",
        event="Dej nyab",
        voice=NamedBlobFile(
            data=b"RIFF voice", filename="hnj.wav", contentType="audio/wav"
        ),
    )
    publish(alert)
    cap = message(alert)
    assert cap.sender == "canhbao.hue.gov.vn"
    assert cap.identifier == alert.identifier and cap.identifier.startswith("nguon-")
    assert cap.sent.utcoffset().total_seconds() == 7 * 3600
    assert (cap.status, cap.msg_type, cap.scope) == ("Actual", "Alert", "Public")
    assert [info.language for info in cap.infos] == ["vi-VN", "hnj"]
    first = cap.infos[0]
    assert first.headline == "Lũ quét trên sông Hương"
    assert first.response_types == ("Evacuate", "Prepare")
    assert first.sender_name == "Thành phố Huế"
    assert first.web == alert.absolute_url()
    area = first.areas[0]
    assert area.description == "Thành phố Huế"
    assert area.geocodes == ((VN_UNIT_CODE, "46"),)
    assert area.polygons and area.circles == ("16.46,107.59 5",)
    [image] = first.resources
    assert image.mime_type == "image/png" and image.size == len(PNG)
    assert image.digest == hashlib.sha1(PNG).hexdigest()
    assert image.uri == f"{alert.absolute_url()}/@@download/image"
    voice, _image = cap.infos[1].resources
    assert voice.mime_type == "audio/wav"
    assert voice.uri.endswith("/dej-nyab/@@download/voice")


def test_the_document_is_valid_cap_and_signed_by_the_published_key(tree):
    alert = publish(make_alert())
    data = document(alert)
    schema.validate(data)
    published = [key["certificate"] for key in keys.published(api.portal.get())]
    signed = signature.verify(data, published)
    assert parse(signed).identifier == alert.identifier


def test_alert_cap_serves_only_a_public_alert(tree):
    alert = make_alert()
    view = alert.restrictedTraverse("@@alert.cap")
    with pytest.raises(NotFound):
        view()  # a draft
    publish(alert)
    body = alert.restrictedTraverse("@@alert.cap")()
    response = alert.REQUEST.response
    assert response.getHeader("Content-Type").startswith("application/cap+xml")
    schema.validate(body)


def test_rotation_publishes_both_certificates_until_the_retiring_time(tree):
    from datetime import datetime
    from datetime import timedelta
    from datetime import UTC

    portal = api.portal.get()
    before = keys.published(portal)
    assert len(before) == 1 and before[0]["retiring_at"] is None
    now = datetime.now(UTC)
    keys.rotate(portal, now + timedelta(days=7), now)
    after = keys.published(portal, now)
    assert [key["fingerprint"] for key in after][1] == before[0]["fingerprint"]
    assert after[1]["retiring_at"] is not None
    assert keys.published(portal, now + timedelta(days=8))[1:] == []
    alert = publish(make_alert())
    signature.verify(document(alert), [after[0]["certificate"]])
    with pytest.raises(ValueError):
        keys.rotate(portal, now - timedelta(days=1), now)


def test_install_names_the_sender_after_the_public_host_once(tree):
    portal = api.portal.get()
    request = portal.REQUEST
    assert public_host(portal) is None  # http://nohost: the operator names the site
    request.setServerURL("https", "canhbao.hue.gov.vn")
    try:
        api.portal.set_registry_record("nguon.alerts.sender", "")
        install(portal)
        assert api.portal.get_registry_record("nguon.alerts.sender") == (
            "canhbao.hue.gov.vn"
        )
        request.setServerURL("https", "moi.hue.gov.vn")
        install(portal)  # a sender never changes by itself
        assert api.portal.get_registry_record("nguon.alerts.sender") == (
            "canhbao.hue.gov.vn"
        )
        request.setServerURL("http", "127.0.0.1", "8080")
        assert public_host(portal) is None
    finally:
        request.setServerURL("http", "nohost")
