"""Databases made before ``nguon.publication`` hold the change log under the class paths of
``nguon.syndication.store``: they must load as the classes of the publication core."""

from nguon.publication.store import Anchor
from nguon.publication.store import ChangeLog
from nguon.publication.store import Record
from ZODB.broken import find_global

import pickle
import pytest


@pytest.mark.parametrize(
    "name,cls", [("Syndication", ChangeLog), ("Record", Record), ("Anchor", Anchor)]
)
def test_old_class_paths_resolve_as_zodb_reads_them(name, cls):
    assert find_global("nguon.syndication.store", name) is cls


def test_an_old_pickle_of_the_change_log_loads_as_the_change_log():
    # GLOBAL 'nguon.syndication.store Syndication', EMPTY_TUPLE, NEWOBJ: what an old record starts with
    old = b"\x80\x02cnguon.syndication.store\nSyndication\n)\x81."
    assert type(pickle.loads(old)) is ChangeLog


def test_objects_written_again_are_stored_under_the_new_path():
    assert (ChangeLog.__module__, ChangeLog.__name__) == (
        "nguon.publication.store",
        "ChangeLog",
    )
