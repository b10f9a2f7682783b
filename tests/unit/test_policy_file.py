"""A broken policy file refuses to load, naming the file, the line and the problem."""

from nguon.workflow.policy import load
from nguon.workflow.policy import POLICY_FILE
from nguon.workflow.policy import PolicyError

import pytest


def test_the_shipped_policy_loads_and_ends_with_a_default():
    policy = load()
    assert policy.rules[-1].when == {}
    assert POLICY_FILE.name == "approval.yaml" and POLICY_FILE.parent.name == "policies"


BROKEN = [
    ("rules:\n  - approve: own\n    when: {type: Bulletin\n", 4, "YAML không hợp lệ"),
    (
        "rules:\n  - name: a\n    approve: everybody\n",
        3,
        "approve «everybody» không hợp lệ",
    ),
    (
        "rules:\n  - name: a\n    when:\n      colour: red\n    approve: own\n  - approve: own\n",
        4,
        "điều kiện «colour»",
    ),
    (
        "rules:\n  - when:\n      priority: [normal, urgent]\n    approve: own\n  - approve: own\n",
        3,
        "priority «urgent»",
    ),
    ("rules:\n  - name: only rule\n", 2, "thiếu khóa «approve»"),
    (
        "rules:\n  - when: {type: Bulletin}\n    approve: own\n",
        2,
        "quy tắc cuối cùng phải là mặc định",
    ),
    ("rule:\n  - approve: own\n", 1, "khóa «rule» không được biết"),
    ("rules: []\n", 1, "không trống"),
    ("", 1, "tệp chính sách trống"),
    ("rules:\n  - approve: own\n    at_least: ward\n", 3, "at_least «ward»"),
    ("rules:\n  - approve: own\n    approver: x\n", 3, "khóa «approver»"),
]


@pytest.mark.parametrize("text, line, problem", BROKEN)
def test_a_broken_policy_names_file_line_and_problem(tmp_path, text, line, problem):
    path = tmp_path / "approval.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as error:
        load(path)
    message = str(error.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert problem in message


def test_a_missing_policy_file_is_named(tmp_path):
    with pytest.raises(PolicyError, match="approval.yaml:1: không đọc được"):
        load(tmp_path / "approval.yaml")
