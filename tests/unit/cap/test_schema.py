"""The shipped OASIS schema: the file itself, and what validate refuses."""

from nguon.cap.errors import CapError
from nguon.cap.schema import SCHEMA
from nguon.cap.schema import validate
from nguon.cap.xml import to_xml
from tests.unit.cap import samples

import hashlib
import pytest


def test_the_schema_is_the_oasis_file_unchanged():
    data = SCHEMA.read_bytes()
    assert hashlib.sha256(data).hexdigest() == (
        "b7798ef25868b068c97b268bda02d067c7d4ba9373adc5638bf37105804ee723"
    )
    assert b"Copyright OASIS Open 2010 All Rights Reserved" in data
    readme = (SCHEMA.parent / "README.md").read_text(encoding="utf-8")
    assert hashlib.sha256(data).hexdigest() in readme


def test_the_schema_ships_with_the_package():
    manifest = (SCHEMA.parents[4] / "MANIFEST.in").read_text(encoding="utf-8")
    line = next(
        line
        for line in manifest.splitlines()
        if line.startswith("recursive-include src/nguon ")
    )
    assert "*.xsd" in line.split()


def test_what_to_xml_writes_is_valid():
    validate(to_xml(samples.alert()))
    validate(to_xml(samples.update()))


@pytest.mark.parametrize(
    "old,new,found,line",
    [
        (b"+07:00</sent>", b"Z</sent>", "sent", 5),
        # a missing <scope> is found at the element that came instead (<code>, line 10)
        (b"<scope>Public</scope>", b"", "code", 10),
        (b"<severity>Severe</severity>", b"<severity>High</severity>", "severity", 20),
        (b"<note>", b"<nonsense>x</nonsense><note>", "nonsense", 11),
    ],
)
def test_errors_are_listed_with_their_line(old, new, found, line):
    data = to_xml(samples.alert())
    assert old in data
    with pytest.raises(CapError) as caught:
        validate(data.replace(old, new, 1))
    assert caught.value.code == "invalid"
    errors = caught.value.reason.mapping["errors"]
    assert errors.startswith(f"{line}: ")
    assert found in errors


def test_not_xml_is_refused_before_the_schema():
    with pytest.raises(CapError) as caught:
        validate(b"<alert")
    assert caught.value.code == "not-xml"
