"""The site's CAP message checked by tools that share no code with it: libxml2's ``xmllint``
against the OASIS schema and ``xmlsec1`` (XML Security Library) for the signature, with the
certificate the site publishes; an altered message fails ``xmlsec1``. Both tools are Debian
packages that scripts/system-packages.sh installs."""

from nguon.alerts import keys
from nguon.alerts.message import document
from nguon.cap.schema import SCHEMA
from plone import api
from plone.namedfile.file import NamedBlobFile
from tests.alerts.alert_support import add_language
from tests.alerts.alert_support import make_alert
from tests.alerts.alert_support import publish

import subprocess


def _run(*command):
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_xmllint_and_xmlsec1_accept_the_message_and_refuse_it_altered(tree, tmp_path):
    alert = make_alert(
        polygon="16.40,107.50 16.50,107.50 16.50,107.65 16.40,107.50",
        circle="16.46,107.59 5",
        response_types={"Evacuate"},
    )
    add_language(
        alert,
        "hnj",
        title="Dej nyab",
        event="Dej nyab",
        voice=NamedBlobFile(data=b"RIFF", filename="hnj.wav", contentType="audio/wav"),
    )
    publish(alert)
    message = tmp_path / "alert.cap"
    message.write_bytes(document(alert))
    certificate = tmp_path / "site.pem"
    certificate.write_text(keys.published(api.portal.get())[0]["certificate"])

    checked = _run("xmllint", "--noout", "--schema", str(SCHEMA), str(message))
    assert checked.returncode == 0, checked.stderr
    verified = _run(
        "xmlsec1", "--verify", "--pubkey-cert-pem", str(certificate), str(message)
    )
    assert verified.returncode == 0, verified.stderr

    altered = tmp_path / "altered.cap"
    altered.write_bytes(
        message.read_bytes().replace(b"<severity>Extreme<", b"<severity>Minor<")
    )
    assert b"Minor" in altered.read_bytes()
    refused = _run(
        "xmlsec1", "--verify", "--pubkey-cert-pem", str(certificate), str(altered)
    )
    assert refused.returncode != 0
