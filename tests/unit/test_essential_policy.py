"""The essential-information policy (policies/essential.yaml): what it says, and a broken
file that refuses to load, naming the file, the line and the problem."""

from nguon.publication.essential import EssentialRule
from nguon.publication.essential import load
from nguon.publication.essential import POLICY_FILE
from nguon.workflow.policy import PolicyError

import pytest


def test_the_shipped_policy_loads():
    policy = load()
    assert (
        POLICY_FILE.name == "essential.yaml" and POLICY_FILE.parent.name == "policies"
    )
    assert policy.rules and all(rule.name for rule in policy.rules)


def test_the_first_matching_rule_decides_and_none_matches_ordinary_items():
    policy = load()
    disaster = {"type": "Bulletin", "priority": "normal", "category": "disaster"}
    assert policy.rule_for(disaster).name == "Phòng chống thiên tai, dịch bệnh"
    law = {"type": "LegalDocument", "priority": "normal", "category": "policy-law"}
    assert policy.rule_for(law).channels == {"web"}
    culture = {"type": "Bulletin", "priority": "normal", "category": "culture-society"}
    assert policy.rule_for(culture) is None


def test_rules_with_channels_and_without_when(tmp_path):
    path = tmp_path / "essential.yaml"
    path.write_text(
        "rules:\n"
        "  - name: Tin cho nông dân\n"
        "    when:\n"
        "      category: agriculture\n"
        "      type: [Bulletin, RadioItem]\n"
        "    channels: radio\n"
        "  - name: Tất cả\n",
        encoding="utf-8",
    )
    first, everything = load(path).rules
    assert first == EssentialRule(
        name="Tin cho nông dân",
        when={
            "category": frozenset({"agriculture"}),
            "type": frozenset({"Bulletin", "RadioItem"}),
        },
        channels=frozenset({"radio"}),
    )
    assert everything.when == {} and everything.channels is None
    assert everything.matches({"type": "BoardNotice", "category": "economy"})


def test_no_rules_is_a_valid_policy(tmp_path):
    path = tmp_path / "essential.yaml"
    path.write_text("# chỉ tin khẩn cấp và tin tác giả đánh dấu\nrules: []\n")
    assert load(path).rules == ()


BROKEN = [
    ("rules:\n  - name: a\n    when: {category: disaster\n", 4, "YAML không hợp lệ"),
    (
        "rules:\n  - name: a\n    when:\n      category: weather\n",
        4,
        "category «weather» không hợp lệ",
    ),
    (
        "rules:\n  - name: a\n    when:\n      target_scope: area\n",
        4,
        "điều kiện «target_scope» không được biết",
    ),
    (
        "rules:\n  - name: a\n    when:\n      priority: [normal, urgent]\n",
        4,
        "priority «urgent»",
    ),
    ("rules:\n  - name: a\n    when:\n      type: News\n", 4, "type «News»"),
    ("rules:\n  - name: a\n    channels: [web, sms]\n", 3, "channels «sms»"),
    ("rules:\n  - name: a\n    channels: []\n", 3, "channels không được để trống"),
    ("rules:\n  - name: a\n    approve: own\n", 3, "khóa «approve» không được biết"),
    ("rules:\n  - when:\n      category: health\n", 2, "thiếu khóa «name»"),
    ("rules:\n  - name: a\n  - just a string\n", 3, "quy tắc thứ 2 phải là"),
    ("rule:\n  - name: a\n", 1, "khóa «rule» không được biết"),
    ("rules:\n", 1, "«rules» phải là một danh sách"),
    ("policy: x\n", 1, "khóa «policy» không được biết"),
    ("", 1, "tệp chính sách trống"),
    ("- name: a\n", 1, "tệp chính sách phải là một bảng"),
]


@pytest.mark.parametrize("text, line, problem", BROKEN)
def test_a_broken_policy_names_file_line_and_problem(tmp_path, text, line, problem):
    path = tmp_path / "essential.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as error:
        load(path)
    message = str(error.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert problem in message


def test_a_missing_policy_file_is_named(tmp_path):
    with pytest.raises(PolicyError, match="essential.yaml:1: không đọc được"):
        load(tmp_path / "essential.yaml")
