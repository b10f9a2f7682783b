"""The feedback policy (policies/feedback.yaml): the shipped categories, who handles a report,
which categories a place offers, and a broken file that refuses to load, naming the file, the
line and the problem."""

from datetime import date
from datetime import datetime
from datetime import UTC
from nguon.content.timezone import LOCAL_ZONE
from nguon.feedback.policy import FeedbackPolicyError
from nguon.feedback.policy import load
from nguon.feedback.policy import load_policy
from nguon.feedback.policy import POLICY_FILE
from nguon.feedback.policy import Route
from nguon.feedback.policy import Template
from nguon.workflow.policy import PolicyError

import pytest


HUE = [("VN", "central"), ("46", "province")]
THUAN_HOA = [*HUE, ("19786", "commune")]
VY_DA = [*HUE, ("19777", "commune")]
DONG_HOI = [("VN", "central"), ("44", "province"), ("18880", "commune")]


def test_the_shipped_policy_loads():
    policy = load_policy()
    assert POLICY_FILE.name == "feedback.yaml" and POLICY_FILE.parent.name == "policies"
    assert len(policy.categories) >= 12
    assert all(each.templates and each.title for each in policy.categories)
    assert {each.level for each in policy.categories} == {"commune", "province"}
    assert all(5 <= each.due_days <= 15 for each in policy.categories)
    conduct = policy.category("can-bo-cong-chuc")
    assert conduct.level == "province" and conduct.public is False
    assert policy.category("di-tich-canh-quan").offered_in == {"46"}
    assert policy.category("nothing-like-this") is None


def test_every_shipped_template_fills_in():
    for category in load_policy().categories:
        for template in category.templates:
            text = template.fill("Phường Thuận Hóa", category.title, date(2027, 2, 3))
            assert "$" not in text and "«…»" in text
            assert ("03/02/2027" in text) == ("${date}" in template.text)


def test_a_template_takes_the_local_day_of_an_aware_moment():
    template = Template("t", "Ngày ${date}, ${unit}, “${category}”, $$5")
    received = datetime(2027, 2, 3, 20, tzinfo=UTC)
    assert template.fill("Phường Vỹ Dạ", "Khác", received) == (
        "Ngày 04/02/2027, Phường Vỹ Dạ, “Khác”, $5"
    )
    assert received.astimezone(LOCAL_ZONE).day == 4


def test_the_handler_is_the_nearest_unit_of_the_category_level():
    policy = load_policy()
    assert policy.handler("giao-thong", THUAN_HOA) == "19786"
    assert policy.handler("giao-thong", DONG_HOI) == "18880"
    assert policy.handler("can-bo-cong-chuc", THUAN_HOA) == "46"
    assert policy.handler("can-bo-cong-chuc", DONG_HOI) == "44"
    # A commune-level matter filed on the province's own site lands at the province.
    assert policy.handler("giao-thong", HUE) == "46"
    with pytest.raises(ValueError):
        policy.handler("nothing-like-this", THUAN_HOA)


def test_a_route_overrides_the_level_for_its_place_and_below():
    policy = load_policy()
    assert Route("19777", "di-tich-canh-quan", "19777") in policy.routes
    assert policy.handler("di-tich-canh-quan", VY_DA) == "19777"
    assert policy.handler("di-tich-canh-quan", THUAN_HOA) == "46"
    assert policy.handler("giao-thong", VY_DA) == "19777"


def write(tmp_path, text):
    path = tmp_path / "feedback.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def category(code="khac", level="commune", due=10, warn=2, extra=""):
    return (
        f"  - code: {code}\n"
        f"    title: Lĩnh vực {code}\n"
        f"    level: {level}\n"
        f"    due_days: {due}\n"
        f"    warn_days: {warn}\n"
        f"    public: true\n"
        f"{extra}"
    )


def test_the_nearest_route_wins_and_a_named_category_before_the_star(tmp_path):
    policy = load(
        write(
            tmp_path,
            "categories:\n"
            + category("giao-thong")
            + category("moi-truong")
            + "routes:\n"
            + '  - {place: "46", category: "*", handler: "46"}\n'
            + '  - {place: "46", category: moi-truong, handler: "19777"}\n'
            + '  - {place: "19786", category: "*", handler: "19786"}\n',
        )
    )
    assert policy.handler("giao-thong", VY_DA) == "46"
    assert policy.handler("moi-truong", VY_DA) == "19777"
    assert policy.handler("moi-truong", THUAN_HOA) == "19786"
    assert policy.handler("moi-truong", DONG_HOI) == "18880"


def test_a_district_level_category_without_districts_goes_to_the_province(tmp_path):
    policy = load(write(tmp_path, "categories:\n" + category(level="district")))
    assert policy.handler("khac", THUAN_HOA) == "46"
    with_district = [*HUE, ("474", "district"), ("19786", "commune")]
    assert policy.handler("khac", with_district) == "474"


def test_offered_filters_by_the_place_lineage():
    policy = load_policy()
    in_hue = {each.code for each in policy.offered(code for code, _ in THUAN_HOA)}
    in_dong_hoi = {each.code for each in policy.offered(code for code, _ in DONG_HOI)}
    assert "di-tich-canh-quan" in in_hue and "di-tich-canh-quan" not in in_dong_hoi
    assert in_hue - in_dong_hoi == {"di-tich-canh-quan"}
    assert [each.code for each in policy.offered(["VN"])] == [
        each.code for each in policy.categories if not each.offered_in
    ]


def test_no_routes_and_no_templates_are_valid(tmp_path):
    policy = load(write(tmp_path, "categories:\n" + category() + "routes: []\n"))
    assert policy.routes == () and policy.category("khac").templates == ()
    assert policy.category("khac").offered_in == frozenset()


TEMPLATES = "    templates:\n      - title: Mẫu\n        text: {text}\n"

BROKEN = [
    ("categories:\n" + category() + category(), 8, "lĩnh vực «khac» đã có"),
    ("categories:\n" + category(level="ward"), 4, "level «ward» không hợp lệ"),
    ("categories:\n" + category(warn=10), 6, "warn_days (10) phải nhỏ hơn due_days"),
    ("categories:\n" + category(warn=11), 6, "warn_days (11) phải nhỏ hơn"),
    ("categories:\n" + category(due=0), 5, "due_days phải là một số nguyên từ 1"),
    ("categories:\n" + category(due=61), 5, "từ 1 đến 60"),
    ("categories:\n" + category(due="ten"), 5, "due_days phải là một số nguyên"),
    (
        "categories:\n" + category(code="Giao thông"),
        2,
        "code «Giao thông» không hợp lệ",
    ),
    (
        "categories:\n" + category(extra="    colour: red\n"),
        8,
        "khóa «colour» không được biết trong lĩnh vực",
    ),
    ("categories:\n" + category(extra="    public: yes\n"), 8, "khóa «public» lặp lại"),
    (
        "categories:\n" + category().replace("true", "maybe"),
        7,
        "public «maybe» không hợp lệ",
    ),
    (
        "categories:\n" + category().replace("    due_days: 10\n", ""),
        2,
        "thiếu khóa «due_days»",
    ),
    (
        "categories:\n" + category(extra="    offered_in: []\n"),
        8,
        "offered_in phải là một danh sách, không trống",
    ),
    (
        "categories:\n" + category(extra='    offered_in: ["Huế"]\n'),
        8,
        "offered_in «Huế» không hợp lệ",
    ),
    (
        "categories:\n" + category(extra="    offered_in: 46\n"),
        8,
        "offered_in phải là một danh sách",
    ),
    (
        "categories:\n" + category(extra=TEMPLATES.format(text="Gửi ${citizen}")),
        10,
        "chỗ điền «${citizen}» không được biết",
    ),
    (
        "categories:\n" + category(extra=TEMPLATES.format(text="Giá 5$ một")),
        10,
        "dấu $ phải mở",
    ),
    (
        "categories:\n" + category(extra="    templates:\n      - text: a\n"),
        9,
        "thiếu khóa «title»",
    ),
    (
        "categories:\n"
        + category()
        + "routes:\n  - {place: '46', category: x, handler: '46'}\n",
        9,
        "category «x» không hợp lệ",
    ),
    (
        "categories:\n" + category() + "routes:\n  - {place: '46', category: khac}\n",
        9,
        "thiếu khóa «handler»",
    ),
    (
        "categories:\n"
        + category()
        + "routes:\n  - {place: Huế, category: '*', handler: '46'}\n",
        9,
        "place «Huế» không hợp lệ",
    ),
    (
        "categories:\n"
        + category()
        + "routes:\n"
        + "  - {place: '46', category: '*', handler: '46'}\n"
        + "  - {place: '46', category: '*', handler: '44'}\n",
        10,
        "đã có ngoại lệ cho đơn vị «46» và lĩnh vực «*»",
    ),
    (
        "categories:\n" + category() + "routes:\n  - {place: '46', via: x}\n",
        9,
        "khóa «via» không được biết trong ngoại lệ",
    ),
    (
        "categories:\n" + category() + "routes: none\n",
        8,
        "«routes» phải là một danh sách",
    ),
    ("categories: []\n", 1, "«categories» phải là một danh sách, không trống"),
    ("category:\n" + category(), 1, "khóa «category» không được biết"),
    ("routes: []\n", 1, "thiếu khóa «categories»"),
    ("", 1, "tệp chính sách trống"),
    ("categories:\n  - code: a\n    title: [x\n", 4, "YAML không hợp lệ"),
]


@pytest.mark.parametrize("text, line, problem", BROKEN)
def test_a_broken_policy_names_file_line_and_problem(tmp_path, text, line, problem):
    path = write(tmp_path, text)
    with pytest.raises(FeedbackPolicyError) as error:
        load(path)
    message = str(error.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert problem in message
    assert isinstance(error.value, PolicyError)


def test_a_missing_policy_file_is_named(tmp_path):
    with pytest.raises(FeedbackPolicyError, match="feedback.yaml:1: không đọc được"):
        load(tmp_path / "feedback.yaml")
