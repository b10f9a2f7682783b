"""The trusted sources' policy (policies/alert-sources.yaml): the shipped file has none, the
test policy loads, and a broken file names the file, the line and the problem."""

from nguon.alerts.ingest import sources
from nguon.cap import signature
from nguon.workflow.policy import PolicyError
from tests.alerts.ingest_support import POLICY

import pytest


@pytest.fixture(scope="module")
def certificate():
    return signature.new_key("Nguồn thử")[1]


def test_the_shipped_policy_trusts_no_one():
    assert sources.load() == sources.Sources(())


def test_the_test_policy_loads(tmp_path, certificate):
    (tmp_path / "test-source.pem").write_bytes(certificate)
    (tmp_path / POLICY.name).write_bytes(POLICY.read_bytes())
    loaded = sources.load(tmp_path / POLICY.name)
    national = loaded.by_sender("canhbao@nchmf.gov.vn")
    assert national.units == {"VN"} and national.publish == "draft"
    assert national.certificates == (certificate,)
    assert loaded.by_sender("canhbao@kttvquangtri.gov.vn").at_once
    assert len(loaded.sources) == 12 and loaded.polled() == ()


def write(tmp_path, text):
    path = tmp_path / "alert-sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_certificate_inline_and_an_index(tmp_path, certificate):
    pem = "\n".join("        " + line for line in certificate.decode().splitlines())
    path = write(
        tmp_path,
        "sources:\n"
        "  - name: Tỉnh\n"
        "    sender: canhbao@tinh.gov.vn\n"
        "    index: https://tinh.gov.vn/alerts.atom\n"
        "    units: ['44']\n"
        "    publish: at-once\n"
        "    certificates:\n"
        "      - |\n" + pem + "\n",
    )
    (source,) = sources.load(path).polled()
    assert source.index == "https://tinh.gov.vn/alerts.atom"
    assert source.certificates == (certificate,) and source.at_once


@pytest.mark.parametrize(
    "text, line, problem",
    [
        ("rules: []\n", 1, "khóa «rules» không được biết"),
        (
            "sources:\n  - name: A\n    sender: a b\n    units: [VN]\n"
            "    certificates: [c.pem]\n",
            3,
            "«sender» «a b» không hợp lệ",
        ),
        (
            "sources:\n  - name: A\n    sender: a\n    units: [VN]\n",
            2,
            "thiếu khóa «certificates»",
        ),
        (
            "sources:\n  - name: A\n    sender: a\n    units: [VN]\n"
            "    certificates: [missing.pem]\n",
            5,
            "không đọc được tệp chứng thư «missing.pem»",
        ),
        (
            "sources:\n  - name: A\n    sender: a\n    units: [VN]\n"
            "    certificates: ['-----BEGIN CERTIFICATE-----\n      x']\n",
            5,
            "chứng thư X.509 (PEM) không đọc được",
        ),
        (
            "sources:\n  - name: A\n    sender: a\n    units: [VN]\n"
            "    certificates: [c.pem]\n    publish: later\n",
            6,
            "publish «later» không hợp lệ",
        ),
        (
            "sources:\n  - name: A\n    sender: a\n    units: [VN]\n"
            "    certificates: [c.pem]\n    index: ftp://x/y\n",
            6,
            "«index» phải là một địa chỉ http(s)",
        ),
        (
            "sources:\n  - {name: A, sender: a, units: [VN], certificates: [c.pem]}\n"
            "  - {name: B, sender: a, units: [VN], certificates: [c.pem]}\n",
            3,
            "trùng tên hoặc sender",
        ),
    ],
)
def test_a_broken_file_names_the_line_and_the_problem(
    tmp_path, certificate, text, line, problem
):
    (tmp_path / "c.pem").write_bytes(certificate)
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as caught:
        sources.load(path)
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert problem in str(caught.value)
