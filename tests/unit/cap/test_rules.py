"""rules.check: each rule with the message that breaks it, then the problem it gets."""

from dataclasses import replace
from datetime import datetime
from datetime import timedelta
from nguon.cap import rules
from nguon.cap.errors import render
from nguon.cap.model import Area
from nguon.cap.rules import check
from tests.unit.cap import samples

import pytest


def problems(alert, now=samples.DURING):
    return [(p.field, p.code) for p in check(alert, now=now)]


def area(**changes):
    return replace(samples.info().areas[0], **changes)


def test_a_good_warning_has_no_problem():
    assert problems(samples.alert()) == []
    assert problems(samples.update()) == []


def test_sent_without_offset():
    alert = samples.alert(sent=datetime(2026, 11, 30, 14, 0))
    assert ("sent", "sent-offset") in problems(alert)


def test_info_times_without_offset():
    alert = samples.alert(infos=(samples.info(onset=datetime(2026, 11, 30, 20, 0)),))
    assert problems(alert) == [("info[0].onset", "onset-offset")]


@pytest.mark.parametrize(
    "changes,found",
    [
        ({"effective": samples.SENT - timedelta(minutes=1)}, "effective-before-sent"),
        ({"onset": samples.SENT - timedelta(hours=1)}, "onset-before-sent"),
        ({"expires": samples.SENT}, "expires-before-sent"),
        (
            {"effective": samples.SENT + timedelta(hours=40), "onset": None},
            "expires-before-effective",
        ),
        ({"onset": samples.SENT + timedelta(hours=30)}, "expires-before-onset"),
    ],
)
def test_times_out_of_order(changes, found):
    alert = samples.alert(infos=(samples.info(**changes),))
    assert (f"info[0].{found.split('-')[0]}", found) in problems(alert)


def test_effective_and_onset_may_be_the_moment_of_sending():
    alert = samples.alert(
        infos=(samples.info(effective=samples.SENT, onset=samples.SENT),)
    )
    assert problems(alert) == []


def test_order_is_by_instant_not_by_wall_clock():
    # sent written in UTC (07:00-00:00), the other times in Hanoi's time (14:00+07:00 and
    # later): the same instants, so in order, though "07:00" < "14:00" < ... on the clock.
    alert = samples.alert(sent=samples.SENT.astimezone(samples.VN.utc))
    assert problems(alert) == []
    # and 13:30+07:00 is before 07:00-00:00 though 13:30 > 07:00 on the clock
    early = samples.info(effective=samples.SENT - timedelta(minutes=30))
    assert problems(replace(alert, infos=(early,))) == [
        ("info[0].effective", "effective-before-sent")
    ]


def test_an_expired_warning():
    alert = samples.alert()
    expires = alert.infos[0].expires
    assert ("info[0].expires", "expired") in problems(alert, now=expires)
    assert problems(alert, now=expires - timedelta(seconds=1)) == []


def test_two_infos_in_one_language():
    alert = samples.alert(infos=(samples.info(), samples.info(language="VI-vn")))
    found = check(alert, now=samples.DURING)
    assert [(p.field, p.code) for p in found] == [
        ("info[1].language", "duplicate-language")
    ]
    assert render(found[0].message) == (
        "Ngôn ngữ VI-vn đã có ở phần thông tin thứ 1; mỗi ngôn ngữ chỉ một phần."
    )


def test_what_google_public_alerts_requires_of_every_info():
    bare = samples.info(expires=None, description=" \n", areas=())
    assert problems(samples.alert(infos=(bare,))) == [
        ("info[0].expires", "missing-expires"),
        ("info[0].description", "missing-description"),
        ("info[0].area", "missing-area"),
    ]


def test_an_alert_without_info():
    assert problems(samples.alert(infos=())) == [("info", "missing-info")]


def test_a_cancel_needs_no_description_but_references():
    cancel = samples.alert(
        identifier="vn.nguon.46.2026-0043",
        msg_type="Cancel",
        infos=(samples.info(description=None),),
    )
    assert problems(cancel) == [("references", "missing-references")]
    referred = replace(cancel, references=(samples.alert().reference(),))
    assert problems(referred) == []


def test_an_update_without_references():
    assert problems(replace(samples.update(), references=())) == [
        ("references", "missing-references")
    ]


@pytest.mark.parametrize("identifier", ["bao so 9", "bao,9", "a<b", "a&b", "a\tb", ""])
def test_forbidden_characters_in_identifier(identifier):
    assert problems(samples.alert(identifier=identifier)) == [
        ("identifier", "identifier-invalid")
    ]


def test_forbidden_characters_in_sender():
    assert problems(samples.alert(sender="Đài KTTV")) == [("sender", "sender-invalid")]


def test_sizes():
    info = samples.info(
        headline="x" * (rules.HEADLINE + 1),
        description="x" * (rules.DESCRIPTION + 1),
        instruction="x" * (rules.INSTRUCTION + 1),
        areas=(area(description="x" * (rules.AREA_DESCRIPTION + 1)),),
    )
    found = check(
        samples.alert(identifier="x" * 256, infos=(info,)), now=samples.DURING
    )
    assert [(p.field, p.code) for p in found] == [
        ("identifier", "identifier-too-long"),
        ("info[0].headline", "headline-too-long"),
        ("info[0].description", "description-too-long"),
        ("info[0].instruction", "instruction-too-long"),
        ("info[0].area[0].areaDesc", "area-description-too-long"),
    ]
    assert render(found[1].message) == "info[0].headline dài 161 ký tự, tối đa 160."
    at_limit = samples.info(
        headline="x" * rules.HEADLINE, description="x" * rules.DESCRIPTION
    )
    assert problems(samples.alert(infos=(at_limit,))) == []


@pytest.mark.parametrize(
    "polygon,code",
    [
        ("16.0,107.0 16.8,107.0 16.0,107.0", "polygon-too-few-points"),
        ("16.0,107.0 16.8,107.0 16.8,108.2 16.0,108.2", "polygon-not-closed"),
        (
            "107.0,16.0 107.0,16.8 108.2,16.8 108.2,16.0 107.0,16.0",
            "polygon-out-of-range",
        ),
        ("16.0,-181 16.8,107.0 16.8,108.2 16.0,-181", "polygon-out-of-range"),
        ("16.0;107.0 16.8;107.0 16.8;108.2 16.0;107.0", "polygon-malformed"),
        ("", "polygon-too-few-points"),
    ],
)
def test_bad_polygons(polygon, code):
    alert = samples.alert(infos=(samples.info(areas=(area(polygons=(polygon,)),)),))
    assert problems(alert) == [("info[0].area[0].polygon[0]", code)]


@pytest.mark.parametrize(
    "text,code",
    [
        ("16.46,107.59 0", "circle-radius"),
        ("16.46,107.59 -5", "circle-radius"),
        ("16.46,107.59", "circle-malformed"),
        ("91,107.59 5", "circle-out-of-range"),
    ],
)
def test_bad_circles(text, code):
    alert = samples.alert(infos=(samples.info(areas=(area(circles=(text,)),)),))
    assert problems(alert) == [("info[0].area[0].circle[0]", code)]


def test_problems_are_found_in_every_info_and_area():
    second = samples.info(
        language="en-US",
        areas=(area(), Area(description="Biển Đông", polygons=("1,2 3,4 1,2",))),
    )
    assert problems(samples.alert(infos=(samples.info(), second))) == [
        ("info[1].area[1].polygon[0]", "polygon-too-few-points")
    ]


def test_codes_are_stable_ascii_and_messages_vietnamese():
    bad = samples.alert(identifier="a b", infos=(samples.info(expires=None, areas=()),))
    for problem in check(bad, now=samples.DURING):
        assert problem.code.isascii() and problem.code == problem.code.lower()
        assert problem.message.default and render(problem.message) != problem.message


def test_a_reference_to_itself_or_to_a_later_message():
    update = samples.update()
    later = replace(update.references[0], sent=update.sent + timedelta(minutes=1))
    assert problems(replace(update, references=(later,))) == [
        ("references[0]", "reference-not-earlier")
    ]
    assert problems(replace(update, references=(update.reference(),))) == [
        ("references[0]", "reference-not-earlier")
    ]
