"""XML signatures (XML-DSig) of CAP messages: a site signs what it publishes, ingest checks.

``sign`` adds an enveloped RSA-SHA256 signature (exclusive canonicalisation, the signing
certificate in ``KeyInfo``) as the last child of ``<alert>``, where the OASIS schema allows
it, so a signed message is still valid CAP 1.2. ``verify`` trusts only certificates it is
given (the site's own, or a sender's pinned certificate): a signature is never trusted
because of the certificate it carries. It returns the bytes of what was signed; a caller
uses those, never the document it passed in (a signature can cover less than the whole
document, and only the covered part is known to be authentic).

Keys are made by ``new_key``: RSA 3072 with a self-signed X.509 certificate (CAP senders
publish their certificates; no certificate authority is involved).
"""

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from lxml import etree
from nguon import _
from nguon.cap.errors import CapError
from nguon.cap.model import NAMESPACE
from nguon.cap.xml import read_xml
from signxml import CanonicalizationMethod
from signxml import DigestAlgorithm
from signxml import SignatureMethod
from signxml import XMLSigner
from signxml import XMLVerifier
from signxml.exceptions import SignXMLException
from signxml.verifier import SignatureConfiguration

import base64


DSIG = "http://www.w3.org/2000/09/xmldsig#"
KEY_SIZE = 3072
# Accepted from senders: RSA and ECDSA with SHA-2 (SHA-1 is broken); we sign RSA-SHA256.
ACCEPTED = SignatureConfiguration(
    location="./",
    signature_methods=frozenset(
        {
            SignatureMethod.RSA_SHA256,
            SignatureMethod.RSA_SHA384,
            SignatureMethod.RSA_SHA512,
            SignatureMethod.ECDSA_SHA256,
            SignatureMethod.ECDSA_SHA384,
            SignatureMethod.ECDSA_SHA512,
        }
    ),
    digest_algorithms=frozenset(
        {DigestAlgorithm.SHA256, DigestAlgorithm.SHA384, DigestAlgorithm.SHA512}
    ),
)


def new_key(common_name, days=730):
    """(private key PEM, self-signed certificate PEM) of a new RSA signing key.

    The certificate names ``common_name`` (the site, e.g. "Nguồn - Tỉnh Quảng Trị"; X.509
    allows 64 bytes of UTF-8, the rest is cut) and is valid from now for ``days``.
    """
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, _cut(common_name, 64))])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)


def _cut(text, size):
    """``text`` cut to at most ``size`` bytes of UTF-8, between characters."""
    return text.encode("utf-8")[:size].decode("utf-8", errors="ignore")


def fingerprint(cert_pem):
    """The SHA-256 fingerprint of a certificate, hex, as published beside it."""
    if isinstance(cert_pem, str):
        cert_pem = cert_pem.encode("ascii")
    return x509.load_pem_x509_certificate(cert_pem).fingerprint(hashes.SHA256()).hex()


def sign(xml_bytes, key_pem, cert_pem):
    """The CAP document signed (enveloped, RSA-SHA256, the certificate in KeyInfo); the
    key and certificate are PEM, bytes or str.

    A signature already in the document is replaced: one message has one signer.
    """
    root = read_xml(xml_bytes)
    for old in root.findall(f"{{{DSIG}}}Signature"):
        root.remove(old)
    signer = XMLSigner(
        signature_algorithm=SignatureMethod.RSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    if isinstance(cert_pem, bytes):
        cert_pem = cert_pem.decode("ascii")
    signed = signer.sign(root, key=key_pem, cert=cert_pem)
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def verify(xml_bytes, trusted_certs_pem):
    """The signed alert's bytes when a trusted certificate's key signed the whole of it.

    ``CapError`` with code "unsigned" (no signature), "untrusted" (signed with a
    certificate not in ``trusted_certs_pem``) or "bad-signature" (altered after signing,
    a broken or partial signature, a weak algorithm). ``trusted_certs_pem`` holds PEM
    texts (bytes or str, each with one certificate or more); an unreadable one is a
    configuration error and raises ValueError.
    """
    root = read_xml(xml_bytes)
    signatures = root.findall(f"{{{DSIG}}}Signature")
    if not signatures:
        raise CapError(
            "unsigned",
            _("cap_error_unsigned", default="Bản tin CAP không có chữ ký số."),
        )
    if len(signatures) > 1:
        raise _bad_signature("more than one signature")
    trusted = [cert for pem in trusted_certs_pem for cert in _certificates(pem)]
    carried = _carried(signatures[0])
    if carried is not None:
        if carried not in trusted:
            raise CapError(
                "untrusted",
                _(
                    "cap_error_untrusted",
                    default="Bản tin CAP được ký bằng khóa không tin cậy (${subject}).",
                    mapping={"subject": carried.subject.rfc4514_string()},
                ),
            )
        trusted = [carried]
    failure = "no trusted certificate"
    for certificate in trusted:
        try:
            result = XMLVerifier().verify(
                root, x509_cert=certificate, expect_config=ACCEPTED
            )
        except (SignXMLException, ValueError, etree.LxmlError) as error:
            failure = str(error)
            continue
        if result.signed_xml.tag != f"{{{NAMESPACE}}}alert":
            raise _bad_signature("the signature does not cover the whole alert")
        return etree.tostring(result.signed_xml, xml_declaration=True, encoding="UTF-8")
    raise _bad_signature(failure)


def _certificates(pem):
    if isinstance(pem, str):
        pem = pem.encode("ascii")
    return x509.load_pem_x509_certificates(pem)


def _carried(signature):
    """The certificate a signature carries in KeyInfo/X509Data, or None."""
    element = signature.find(
        f"{{{DSIG}}}KeyInfo/{{{DSIG}}}X509Data/{{{DSIG}}}X509Certificate"
    )
    if element is None or not (element.text or "").strip():
        return None
    try:
        return x509.load_der_x509_certificate(
            base64.b64decode("".join(element.text.split()))
        )
    except ValueError:
        raise _bad_signature("unreadable certificate in KeyInfo") from None


def _bad_signature(detail):
    return CapError(
        "bad-signature",
        _(
            "cap_error_bad_signature",
            default="Chữ ký số của bản tin CAP không hợp lệ (${detail}).",
            mapping={"detail": detail},
        ),
    )
