"""``nguon-outbox`` once the site is open: status lists every channel with its dead letters and
their reasons; retry puts the dead letters of one channel, or of all, back in the queue."""

from argparse import Namespace
from nguon.instance.settings import ConfigurationError
from nguon.outbox import cli
from nguon.outbox.storage import MAX_ATTEMPTS
from nguon.outbox.storage import outbox

import pytest
import transaction


@pytest.fixture
def portal(functional):
    return functional["portal"]


def _dead_letter(pending, uid, message):
    pending.record(uid, None)
    for _ in range(MAX_ATTEMPTS):
        pending.taken(
            [entry for entry in pending.batch(100) if entry[0] == uid], {uid: message}
        )


def test_status_and_retry_of_one_channel_then_of_all(portal, capsys):
    box = outbox(portal)
    assert {"solr", "syndication"} <= set(box.consumers.keys())
    _dead_letter(box.pending_set("solr"), "a" * 32, "HTTP 400: bad date")
    _dead_letter(box.pending_set("syndication"), "b" * 32, "entry refused")
    transaction.commit()

    cli.status(portal, Namespace(consumer=None))
    out = capsys.readouterr().out
    assert "nguon: outbox «solr» (Solr): 0 mục chờ gửi, 1 mục hỏng" in out
    assert (
        f"mục hỏng {'a' * 32} ({MAX_ATTEMPTS} lần" in out
        and "HTTP 400: bad date" in out
    )
    assert "outbox «syndication»" in out and "entry refused" in out

    assert cli.retry(portal, Namespace(consumer="solr")) == {"solr": 1}
    assert "«solr»: 1 mục hỏng được xếp hàng gửi lại" in capsys.readouterr().out
    transaction.abort()  # retry committed: nothing left to lose
    solr, syndication = box.pending_set("solr"), box.pending_set("syndication")
    assert solr.uids() == ["a" * 32] and not solr.dead
    assert list(syndication.dead) == ["b" * 32]

    retried = cli.retry(portal, Namespace(consumer=None))
    assert retried["syndication"] == 1 and retried["solr"] == 0
    assert syndication.uids() == ["b" * 32] and not syndication.dead


def test_an_unknown_channel_is_named_with_the_known_ones(portal):
    with pytest.raises(
        ConfigurationError, match="không có kênh «nope»; các kênh: .*solr"
    ):
        cli.retry(portal, Namespace(consumer="nope"))


def test_the_arguments():
    parser = cli._parser()
    assert parser.parse_args(["retry"]).consumer is None
    assert parser.parse_args(["status", "solr"]).consumer == "solr"
    with pytest.raises(SystemExit):
        parser.parse_args([])
