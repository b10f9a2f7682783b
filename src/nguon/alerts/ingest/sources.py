"""The trusted CAP sources (``policies/alert-sources.yaml``): who may send us warnings.

Each source has a name (shown to editors and kept on every alert it made), the CAP
``sender`` its messages carry, optionally the Atom index to poll, the X.509 certificates
its messages are signed with (PEM inline or files relative to the policy file), the unit
codes whose area it may warn, and ``publish``: ``draft`` (its alerts wait for the units'
approvers) or ``at-once`` (they are published at once with the emergency procedure,
recorded as done by the source).

A broken file refuses to load with ``PolicyError`` naming the file, the line and the
problem, as ``policies/approval.yaml`` does (``nguon.workflow.policy.Reader``).
"""

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from dataclasses import dataclass
from functools import lru_cache
from nguon.workflow.policy import Reader
from pathlib import Path
from urllib.parse import urlsplit

import yaml


POLICY_FILE = (
    Path(__file__).resolve().parents[2] / "policies" / "alert-sources.yaml"
).resolve()

PUBLISH_MODES = ("draft", "at-once")
SOURCE_KEYS = ("name", "sender", "index", "certificates", "units", "publish")
REQUIRED = ("name", "sender", "certificates", "units")
PEM_MARK = "-----BEGIN CERTIFICATE-----"
# CAP 1.2 3.2.1: a sender has no whitespace, comma, "<" or "&".
FORBIDDEN = frozenset(",<&")


@dataclass(frozen=True)
class Source:
    name: str
    sender: str
    certificates: tuple  # PEM bytes, one certificate each
    units: frozenset  # unit codes whose area the source may warn
    publish: str = "draft"
    index: str | None = None  # the Atom index to poll

    @property
    def at_once(self):
        return self.publish == "at-once"


@dataclass(frozen=True)
class Sources:
    sources: tuple

    def by_sender(self, sender):
        """The source whose messages carry ``sender``, or None."""
        return next((s for s in self.sources if s.sender == sender), None)

    def polled(self):
        """The sources with an Atom index."""
        return tuple(s for s in self.sources if s.index)


class _SourcesReader(Reader):
    """The approval policy's line-numbered checks, for this file's shape."""

    def certificates(self, node):
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        if not items:
            self.fail(node, "«certificates» không được để trống")
        found = []
        for item in items:
            text = self.scalar(item, "certificates")
            if PEM_MARK not in text:
                path = (self.path.parent / text).resolve()
                try:
                    text = path.read_text(encoding="ascii")
                except (OSError, UnicodeDecodeError) as error:
                    self.fail(item, f"không đọc được tệp chứng thư «{text}» ({error})")
            try:
                loaded = x509.load_pem_x509_certificates(text.encode("ascii"))
            except (ValueError, UnicodeEncodeError):
                self.fail(item, "chứng thư X.509 (PEM) không đọc được")
            found += [c.public_bytes(Encoding.PEM) for c in loaded]
        return tuple(found)

    def index(self, node):
        url = self.scalar(node, "index")
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            self.fail(node, f"«index» phải là một địa chỉ http(s): {url}")
        return url

    def sender(self, node):
        sender = self.scalar(node, "sender")
        if any(c.isspace() or c in FORBIDDEN for c in sender):
            self.fail(
                node,
                f"«sender» «{sender}» không hợp lệ theo CAP 1.2 (không dấu cách, dấu phẩy, < hoặc &)",
            )
        return sender

    def source(self, node, index):
        seen = {}
        for key, key_node, value in self.mapping(node, f"nguồn thứ {index}"):
            if key not in SOURCE_KEYS:
                self.fail(
                    key_node,
                    f"khóa «{key}» không được biết trong nguồn; dùng: {', '.join(SOURCE_KEYS)}",
                )
            seen[key] = value
        for key in REQUIRED:
            if key not in seen:
                self.fail(node, f"nguồn thứ {index} thiếu khóa «{key}»")
        return Source(
            name=self.scalar(seen["name"], "name"),
            sender=self.sender(seen["sender"]),
            certificates=self.certificates(seen["certificates"]),
            units=self.values(seen["units"], "units", None),
            publish=(
                self.scalar(seen["publish"], "publish", PUBLISH_MODES)
                if "publish" in seen
                else "draft"
            ),
            index=self.index(seen["index"]) if "index" in seen else None,
        )

    def policy(self, text):
        root = self.compose(text)
        if root is None:
            self.fail(None, "tệp chính sách trống; cần khóa «sources»")
        top = {}
        for key, key_node, value in self.mapping(root, "tệp chính sách"):
            if key != "sources":
                self.fail(
                    key_node, f"khóa «{key}» không được biết; tệp chỉ có «sources»"
                )
            top[key] = value
        if "sources" not in top or not isinstance(top["sources"], yaml.SequenceNode):
            self.fail(
                top.get("sources", root),
                "«sources» phải là một danh sách nguồn (có thể trống: [])",
            )
        found = []
        for index, node in enumerate(top["sources"].value, start=1):
            source = self.source(node, index)
            for other in found:
                if source.sender == other.sender or source.name == other.name:
                    self.fail(
                        node,
                        f"nguồn «{source.name}» trùng tên hoặc sender với nguồn «{other.name}»",
                    )
            found.append(source)
        return Sources(tuple(found))


def load(path=POLICY_FILE):
    """The sources in ``path``; raises ``PolicyError`` when the file is broken."""
    reader = _SourcesReader(Path(path))
    return reader.policy(reader.read())


@lru_cache(maxsize=1)
def active():
    """The shipped sources, loaded once per process (a broken file fails at first use)."""
    return load()
