"""XML-DSig of CAP messages: a signed message stays valid CAP, and every forgery we know
of is refused (attack first, then the refusal)."""

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree
from nguon.cap.errors import CapError
from nguon.cap.model import NAMESPACE
from nguon.cap.schema import validate
from nguon.cap.signature import DSIG
from nguon.cap.signature import fingerprint
from nguon.cap.signature import new_key
from nguon.cap.signature import sign
from nguon.cap.signature import verify
from nguon.cap.xml import parse
from nguon.cap.xml import to_xml
from signxml import DigestAlgorithm
from signxml import SignatureMethod
from signxml import XMLSigner
from tests.unit.cap import samples

import pytest


@pytest.fixture(scope="module")
def site():
    return new_key("Nguồn - Thành phố Huế")


@pytest.fixture(scope="module")
def stranger():
    return new_key("Nguồn - Thành phố Huế")  # the same name, another key


@pytest.fixture(scope="module")
def signed(site):
    return sign(to_xml(samples.alert()), *site)


def refused(data, trusted):
    with pytest.raises(CapError) as caught:
        verify(data, trusted)
    return caught.value.code


def test_a_new_key_is_rsa_with_a_self_signed_certificate(site):
    key_pem, cert_pem = site
    assert key_pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    certificate = x509.load_pem_x509_certificate(cert_pem)
    assert isinstance(certificate.public_key(), rsa.RSAPublicKey)
    assert certificate.public_key().key_size >= 2048
    assert certificate.subject == certificate.issuer
    assert certificate.subject.rfc4514_string() == "CN=Nguồn - Thành phố Huế"
    assert len(fingerprint(cert_pem)) == 64


def test_a_signed_message_is_valid_cap_with_the_signature_last(signed):
    validate(signed)
    root = etree.fromstring(signed)
    assert root[-1].tag == f"{{{DSIG}}}Signature"
    assert root[-1].find(f".//{{{DSIG}}}X509Certificate") is not None
    method = root[-1].find(f".//{{{DSIG}}}SignatureMethod").get("Algorithm")
    assert method == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    assert parse(signed) == samples.alert()


def test_verify_returns_what_was_signed(signed, site, stranger):
    verified = verify(signed, [stranger[1], site[1]])
    assert parse(verified) == samples.alert()
    assert b"Signature" not in verified
    validate(verified)


def test_signing_again_replaces_the_signature(signed, site, stranger):
    again = sign(signed, *stranger)
    assert len(etree.fromstring(again).findall(f"{{{DSIG}}}Signature")) == 1
    assert refused(again, [site[1]]) == "untrusted"
    assert parse(verify(again, [stranger[1]])) == samples.alert()


def test_unsigned(site):
    assert refused(to_xml(samples.alert()), [site[1]]) == "unsigned"


@pytest.mark.parametrize(
    "old,new",
    [
        ("<severity>Severe</severity>", "<severity>Minor</severity>"),
        ("Tỉnh Thừa Thiên Huế", "Tỉnh Quảng Trị"),
        ("<value>46</value>", "<value>01</value>"),
        ("<msgType>Alert</msgType>", "<msgType>Cancel</msgType>"),
        (
            "<sent>2026-11-30T14:00:00+07:00</sent>",
            "<sent>2026-12-30T14:00:00+07:00</sent>",
        ),
        ("<scope>Public</scope>", "<scope>Public</scope><note>Sơ tán ngay</note>"),
    ],
)
def test_any_change_after_signing(signed, site, old, new):
    tampered = signed.decode().replace(old, new, 1).encode()
    assert tampered != signed
    assert refused(tampered, [site[1]]) == "bad-signature"


def test_a_signature_moved_onto_another_message(signed, site):
    signature = signed[signed.index(b"<ds:Signature") : signed.index(b"</alert>")]
    forged = to_xml(samples.alert(note="Tin giả")).replace(
        b"</alert>", signature + b"</alert>"
    )
    assert refused(forged, [site[1]]) == "bad-signature"


def test_the_signed_alert_wrapped_inside_a_forged_one(signed, site):
    root = etree.fromstring(signed)
    forged = etree.fromstring(to_xml(samples.alert(note="Tin giả")))
    forged.append(root[-1])  # the genuine signature
    hidden = etree.SubElement(forged, "{urn:example:wrap}original")
    hidden.append(root)
    assert refused(etree.tostring(forged), [site[1]]) == "bad-signature"


def test_an_attackers_key_with_a_trusted_certificate_in_keyinfo(site, stranger):
    attacker = sign(to_xml(samples.alert(note="Tin giả")), stranger[0], site[1])
    assert refused(attacker, [site[1]]) == "bad-signature"


def test_an_untrusted_certificate(signed, stranger):
    assert refused(signed, [stranger[1]]) == "untrusted"
    assert refused(signed, []) == "untrusted"


def test_a_signature_without_its_certificate_is_checked_against_the_trusted_ones(
    signed, site, stranger
):
    root = etree.fromstring(signed)
    key_info = root[-1].find(f"{{{DSIG}}}KeyInfo")
    key_info.getparent().remove(key_info)
    bare = etree.tostring(root)
    assert parse(verify(bare, [stranger[1], site[1]])) == samples.alert()
    assert refused(bare, [stranger[1]]) == "bad-signature"


def test_rotation_old_and_new_keys_both_verify(site, stranger):
    old = sign(to_xml(samples.alert()), *site)
    new = sign(to_xml(samples.update()), *stranger)
    trusted = [site[1] + stranger[1]]  # one PEM file holding both certificates
    assert parse(verify(old, trusted)) == samples.alert()
    assert parse(verify(new, trusted)) == samples.update()


def test_two_signatures(signed, site):
    root = etree.fromstring(signed)
    root.append(etree.fromstring(etree.tostring(root[-1])))
    assert refused(etree.tostring(root), [site[1]]) == "bad-signature"


class Sha1Signer(XMLSigner):
    """What an old sender still makes: signxml refuses to, so its check is turned off."""

    def check_deprecated_methods(self):
        pass


def test_sha1_is_refused(site):
    root = etree.fromstring(to_xml(samples.alert()))
    weak = Sha1Signer(
        signature_algorithm=SignatureMethod.RSA_SHA1,
        digest_algorithm=DigestAlgorithm.SHA1,
    ).sign(root, key=site[0], cert=site[1].decode())
    assert refused(etree.tostring(weak), [site[1]]) == "bad-signature"


def test_a_signed_part_is_not_the_whole_alert(site):
    root = etree.fromstring(to_xml(samples.alert()))
    info = root.find(f"{{{NAMESPACE}}}info")
    info.set("Id", "part")
    partial = XMLSigner(
        signature_algorithm=SignatureMethod.RSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
    ).sign(root, key=site[0], cert=site[1].decode(), reference_uri="#part")
    assert refused(etree.tostring(partial), [site[1]]) == "bad-signature"


@pytest.mark.parametrize(
    "signature",
    [
        b"<ds:Signature xmlns:ds='http://www.w3.org/2000/09/xmldsig#'/>",
        b"<ds:Signature xmlns:ds='http://www.w3.org/2000/09/xmldsig#'><ds:SignedInfo/>"
        b"<ds:SignatureValue>@@not base64@@</ds:SignatureValue></ds:Signature>",
    ],
)
def test_a_broken_signature_element(site, signature):
    data = to_xml(samples.alert()).replace(b"</alert>", signature + b"</alert>")
    assert refused(data, [site[1]]) == "bad-signature"


def test_a_garbled_certificate_in_keyinfo(signed, site):
    start = signed.index(b"<ds:X509Certificate>") + len(b"<ds:X509Certificate>")
    garbled = signed[:start] + b"AAAA" + signed[start + 4 :]
    assert refused(garbled, [site[1]]) == "bad-signature"


def test_a_long_site_name_fits_the_certificate():
    _, cert_pem = new_key("Ủy ban nhân dân " * 10)
    name = x509.load_pem_x509_certificate(cert_pem).subject.rfc4514_string()
    assert 60 < len(name.removeprefix("CN=").encode()) <= 64
    assert fingerprint(cert_pem.decode()) == fingerprint(cert_pem)


def test_pem_may_be_given_as_str(site):
    signed = sign(to_xml(samples.alert()), site[0].decode(), site[1].decode())
    assert parse(verify(signed, [site[1].decode()])) == samples.alert()
