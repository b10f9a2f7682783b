"""The ingest corpus (tests/fixtures/cap): every real-world form is read, valid and meets
the rules; every refusal is refused for the reason its README names."""

from datetime import datetime
from datetime import UTC
from nguon.cap.errors import CapError
from nguon.cap.rules import check
from nguon.cap.schema import validate
from nguon.cap.xml import parse
from nguon.cap.xml import to_xml
from tests.fixtures import cap as corpus

import pytest


@pytest.mark.parametrize("path", corpus.valid(), ids=lambda path: path.name)
def test_a_real_world_message_is_accepted_and_survives_a_rewrite(path):
    data = path.read_bytes()
    validate(data)
    alert = parse(data)
    assert check(alert, now=alert.sent) == []
    # What we would publish again from it is valid and says the same.
    again = to_xml(alert)
    validate(again)
    assert parse(again) == alert


@pytest.mark.parametrize(
    "path,code",
    sorted(corpus.invalid().items()),
    ids=lambda value: getattr(value, "name", value),
)
def test_a_bad_message_is_refused_with_its_reason(path, code):
    data = path.read_bytes()
    try:
        alert = parse(data)
    except CapError as error:
        assert error.code == code
        return
    assert code in {problem.code for problem in check(alert, now=alert.sent)}


def test_the_readme_lists_every_file():
    listed = set(corpus.invalid())
    assert listed == set((corpus.HERE / "invalid").glob("*.xml"))
    readme = (corpus.HERE / "README.md").read_text(encoding="utf-8")
    for path in corpus.valid():
        assert f"| {path.name} |" in readme


def test_chains_refer_to_the_messages_before_them():
    for country in ("ca-naad-rainfall", "vn-nchmf-storm"):
        first, update, cancel = (
            parse((corpus.HERE / "valid" / f"{country}-{kind}.xml").read_bytes())
            for kind in ("alert", "update", "cancel")
        )
        assert update.references == (first.reference(),)
        assert cancel.references == (first.reference(), update.reference())


def test_vietnamese_units_are_geocodes_of_the_demo_tree():
    alert = parse((corpus.HERE / "valid" / "vn-quangtri-flood-wards.xml").read_bytes())
    assert alert.infos[0].areas[0].codes() == (
        "19360",
        "19624",
        "19654",
        "19496",
        "19639",
    )


def test_a_message_moved_in_time_keeps_its_intervals():
    data = (corpus.HERE / "valid" / "vn-nchmf-storm-update.xml").read_bytes()
    before = parse(data)
    when = datetime(2031, 5, 1, 8, 0, tzinfo=UTC)
    after = parse(corpus.moved(data, when))
    assert after.sent == when
    delta = after.sent - before.sent
    assert after.infos[0].expires == before.infos[0].expires + delta
    assert after.references[0].sent == before.references[0].sent + delta
    assert check(after, now=when) == []
