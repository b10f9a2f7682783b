"""The poller of the sources' Atom indexes, against a real HTTP server serving an index and
its messages: new entries are fetched and received once, a refused message is recorded and
the next one read, a message that cannot be fetched is tried again next round; the Zope
thread claims its round with the site's lease."""

from datetime import datetime
from datetime import UTC
from functools import partial
from http.server import SimpleHTTPRequestHandler
from http.server import ThreadingHTTPServer
from nguon.alerts.ingest import cli
from nguon.alerts.ingest import poller
from nguon.alerts.ingest import sources
from nguon.alerts.ingest.record import ingest_log
from nguon.cap import atom
from nguon.cap import xml
from plone import api
from tests.alerts.ingest_support import current
from tests.alerts.ingest_support import SigningSources
from tests.fixtures import cap as corpus
from zope.component.hooks import setSite

import dataclasses
import pytest
import threading
import transaction


VALID = corpus.HERE / "valid"


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path):
    httpd = ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(Quiet, directory=str(tmp_path))
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def signing(tmp_path_factory):
    return SigningSources(tmp_path_factory.mktemp("sources"))


@pytest.fixture
def polled(server, signing, monkeypatch):
    """The national service's source, polling the server's index."""
    folder, base = server
    national = dataclasses.replace(
        signing.sources.by_sender("canhbao@nchmf.gov.vn"), index=f"{base}/alerts.atom"
    )
    known = sources.Sources(
        tuple(
            national if s.sender == national.sender else s
            for s in signing.sources.sources
        )
    )
    monkeypatch.setattr(sources, "active", lambda: known)
    return folder, base, known


def serve(folder, base, messages):
    """Write ``messages`` ({name: bytes}) and an index listing them (and any other name
    given with None: listed, never written)."""
    entries = []
    for name, data in messages.items():
        if data is not None:
            (folder / name).write_bytes(data)
            entries.append((f"{base}/{name}", xml.parse(data)))
        else:
            entries.append((f"{base}/{name}", entries[0][1]))
    (folder / "alerts.atom").write_bytes(
        atom.index(
            feed_id=f"{base}/alerts.atom",
            title="NCHMF",
            self_url=f"{base}/alerts.atom",
            updated=datetime.now(UTC),
            author="NCHMF",
            entries=entries,
        )
    )


def test_new_entries_are_received_once_and_failures_do_not_stop_the_round(
    tree_functional, polled, signing
):
    portal = tree_functional["portal"]
    folder, base, known = polled
    first, update, _cancel = current(
        [VALID / f"vn-nchmf-storm-{name}.xml" for name in ("alert", "update", "cancel")]
    ).values()
    serve(
        folder,
        base,
        {
            "unsigned.xml": first,  # refused: no signature
            "missing.xml": None,  # listed, not served: tried again next round
            "storm.xml": signing.sign(first),
        },
    )
    tm = transaction.manager
    assert poller.poll(portal, tm) == (1, 1)
    transaction.begin()
    assert len(api.content.find(portal_type="Alert", review_state="pending")) == 2
    codes = [r["code"] for r in ingest_log(portal).latest_refusals()]
    assert codes == ["unreachable", "unsigned"]  # newest first
    # The next round fetches nothing it has (only the missing one, again).
    assert poller.poll(portal, tm) == (0, 0)
    assert [r["code"] for r in ingest_log(portal).latest_refusals()][0] == "unreachable"
    # An Update appears in the index: it is received, the rest is not fetched again.
    serve(
        folder,
        base,
        {"storm.xml": signing.sign(first), "update.xml": signing.sign(update)},
    )
    assert poller.poll(portal, tm) == (1, 0)
    assert sorted(ingest_log(portal).polled[known.polled()[0].name]) == [
        f"{base}/storm.xml",
        f"{base}/update.xml",
    ]


def test_an_index_that_does_not_answer_is_recorded(tree_functional, polled):
    portal = tree_functional["portal"]
    assert poller.poll(portal, transaction.manager) == (0, 0)  # nothing served yet
    (refusal,) = ingest_log(portal).latest_refusals()
    assert refusal["code"] == "unreachable" and refusal["via"].endswith("/alerts.atom")


def test_an_entry_on_another_host_is_not_fetched(tree_functional, polled, signing):
    portal = tree_functional["portal"]
    folder, base, _known = polled
    (first,) = current([VALID / "vn-nchmf-storm-alert.xml"]).values()
    serve(folder, base, {"storm.xml": signing.sign(first)})
    index = (folder / "alerts.atom").read_bytes()
    elsewhere = base.replace("127.0.0.1", "localhost")  # the same server, another host
    (folder / "alerts.atom").write_bytes(
        index.replace(base.encode() + b"/storm", elsewhere.encode() + b"/storm")
    )
    assert poller.poll(portal, transaction.manager) == (0, 1)
    (refusal,) = ingest_log(portal).latest_refusals()
    assert refusal["code"] == "foreign-address"
    assert not api.content.find(portal_type="Alert", unrestricted=True)


def test_only_http_is_fetched():
    with pytest.raises(poller.FetchError):
        poller.fetch("file:///etc/passwd")


def test_the_thread_claims_its_round_and_polls(tree_functional, polled, signing):
    portal = tree_functional["portal"]
    folder, base, _known = polled
    (first,) = current([VALID / "vn-nchmf-storm-alert.xml"]).values()
    serve(folder, base, {"storm.xml": signing.sign(first)})
    transaction.commit()
    thread = poller.Poller(portal._p_jar.db())
    thread.run_round()  # what the thread does every interval
    transaction.begin()
    setSite(portal)  # the round leaves no site behind
    assert poller.install(portal).holder == thread.holder
    assert len(api.content.find(portal_type="Alert", unrestricted=True)) == 2
    other = poller.Poller(portal._p_jar.db())
    other.run_round()  # another process: the round is taken, it does nothing
    transaction.begin()
    setSite(portal)
    assert poller.install(portal).holder == thread.holder


def test_the_command_polls_once_and_receives_files(
    tree_functional, polled, signing, tmp_path, capsys
):
    portal = tree_functional["portal"]
    folder, base, _known = polled
    first, update = current(
        [VALID / f"vn-nchmf-storm-{name}.xml" for name in ("alert", "update")]
    ).values()
    serve(folder, base, {"storm.xml": signing.sign(first)})
    files = tmp_path / "update.xml", tmp_path / "unsigned.xml"
    files[0].write_bytes(signing.sign(update))
    files[1].write_bytes(update)
    arguments = cli._parser().parse_args(["--once", *map(str, files)])
    assert cli.job(portal, arguments) == 1  # one refused
    said = capsys.readouterr().out
    assert "nhận 1 bản tin, từ chối 0" in said
    assert "update.xml: 2 cảnh báo" in said
    assert "unsigned.xml: TỪ CHỐI: Bản tin CAP không có chữ ký số." in said
