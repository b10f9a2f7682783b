"""What the ingest tests share: the test sources (tests/alerts/alert-sources.yaml with a
key made for the session), messages of the corpus made current, re-addressed to the test
tree's units and signed, and a few more units of Quảng Trị for the corpus's wards."""

from collections import Counter
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from lxml import etree
from nguon.alerts.ingest import sources
from nguon.cap import signature
from nguon.cap.model import NAMESPACE
from nguon.cap.model import VN_UNIT_CODE
from nguon.cap.times import parse_time
from nguon.units.importer import sync_unit
from nguon.units.official import OfficialUnit
from nguon.units.tree import find_unit
from pathlib import Path
from plone import api
from tests.fixtures import cap as corpus

import re
import shutil


POLICY = Path(__file__).parent / "alert-sources.yaml"
# The wards of Quảng Trị that vn-quangtri-flood-wards.xml names (the test tree has one).
QUANG_TRI_WARDS = {
    "19360": "Phường Quảng Trị",
    "19496": "Xã Cửa Việt",
    "19624": "Xã Triệu Phong",
    "19639": "Xã Nam Cửa Việt",
    "19654": "Xã Triệu Cơ",
}
CAP = f"{{{NAMESPACE}}}"


class SigningSources:
    """The test policy, copied beside the session's certificate, and its signing key."""

    def __init__(self, folder):
        self.key, self.certificate = signature.new_key("Nguồn cảnh báo thử nghiệm")
        shutil.copy(POLICY, folder / POLICY.name)
        (folder / "test-source.pem").write_bytes(self.certificate)
        self.path = folder / POLICY.name
        self.sources = sources.load(self.path)

    def sign(self, data):
        return signature.sign(data, self.key, self.certificate)


def sent_of(data):
    return parse_time(re.search(rb"<sent>\s*([^<]+?)\s*</sent>", data)[1].decode())


def current(paths, now=None):
    """{path: bytes} of messages (a chain, in order) moved in time together, so that the
    last one was sent a minute ago and references still name the earlier ones."""
    now = now or datetime.now(UTC)
    data = {path: path.read_bytes() for path in paths}
    delta = now - timedelta(minutes=1) - max(map(sent_of, data.values()))
    return {
        path: corpus.moved(body, sent_of(body) + delta) for path, body in data.items()
    }


def addressed(data, codes):
    """The message with a ``VN-DVHC`` geocode per code in every area that names none."""
    root = etree.fromstring(data)
    for area in root.iter(f"{CAP}area"):
        if any(value.text == VN_UNIT_CODE for value in area.iter(f"{CAP}valueName")):
            continue
        after = [
            child
            for child in area
            if child.tag
            in (f"{CAP}areaDesc", f"{CAP}polygon", f"{CAP}circle", f"{CAP}geocode")
        ][-1]
        for code in reversed(codes):
            geocode = etree.Element(f"{CAP}geocode")
            etree.SubElement(geocode, f"{CAP}valueName").text = VN_UNIT_CODE
            etree.SubElement(geocode, f"{CAP}value").text = code
            after.addnext(geocode)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def add_quang_tri_wards():
    province = find_unit("44")
    with api.env.adopt_roles(["Manager"]):
        for code, title in QUANG_TRI_WARDS.items():
            sync_unit(
                province,
                OfficialUnit(
                    code=code,
                    title=title,
                    level="commune",
                    division_type="commune",
                    slug=code,
                ),
                Counter(),
            )
