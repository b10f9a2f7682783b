"""What ``nguon-search`` does once the site is open, on the real Solr node: rebuild with a
document Solr refuses (a dead letter, reported with Solr's reason, exit 1), verify, status.
The command as a process, on a stopped instance, is tested in tests/e2e/test_search_command.py."""

from nguon.outbox.storage import outbox
from nguon.search import documents
from nguon.search import maintenance
from nguon.search.commands.check import verify_command
from nguon.search.commands.delivery import deliver
from nguon.search.commands.delivery import report_delivery
from nguon.search.commands.repair import sync_command
from nguon.search.commands.status import status_command
from nguon.testing import tree_user
from tests.search.helpers import create
from tests.search.helpers import solr_doc
from tests.search.helpers import use_node

import io
import pytest
import transaction


EDITOR = tree_user("19786", "editors")


@pytest.fixture
def portal(tree_solr):
    use_node(tree_solr["solr"])
    return tree_solr["portal"]


def test_rebuild_keeps_a_refused_item_as_a_dead_letter_and_says_why(
    portal, monkeypatch, capsys
):
    commune = portal["vn"]["46"]["19786"]
    good = create(commune, "Bulletin", EDITOR, title="Thông báo thu gom rác")
    bad = create(commune, "Bulletin", EDITOR, title="Bản tin hỏng")
    bad_uid = bad.UID()
    transaction.commit()
    original = documents.document

    def broken(obj, solr_schema):
        doc = original(obj, solr_schema)
        if obj.UID() == bad_uid:
            doc["effective"] = "không phải ngày"  # Solr answers 400 for this one only
        return doc

    monkeypatch.setattr(documents, "document", broken)
    queued = maintenance.rebuild(portal)
    progress = io.StringIO()
    run = deliver(portal, batch_size=7, stream=progress)
    assert run.total == queued and run.left == 0 and run.unavailable is None
    assert run.dead == [bad_uid] and run.delivered == queued - 1
    assert (
        solr_doc(good.UID())["Title"] == "Thông báo thu gom rác"
        and solr_doc(bad_uid) is None
    )
    assert f"{queued}/{queued}" in progress.getvalue().splitlines()[-1]

    assert report_delivery(portal, run) == 1
    out = capsys.readouterr().out
    assert f"đã gửi {queued - 1} mục tới Solr" in out
    assert (
        "Solr từ chối hẳn 1 mục" in out
        and bad_uid in out
        and "19786/ban-tin-hong" in out
    )

    assert status_command(portal, None) == 0
    out = capsys.readouterr().out
    assert "0 mục chờ gửi, 1 mục hỏng" in out and f"mục hỏng {bad_uid} (5 lần" in out
    assert verify_command(portal, None) == 1
    out = capsys.readouterr().out
    assert "1 mục có trong catalog nhưng thiếu trong Solr" in out and bad_uid in out

    monkeypatch.undo()  # the cause is fixed: a sync delivers it and forgets the dead letter
    assert sync_command(portal, type("Arguments", (), {"batch_size": 50})) == 0
    assert not outbox(portal).pending_set("solr").dead
    assert verify_command(portal, None) == 0
    assert "Solr khớp với catalog" in capsys.readouterr().out
