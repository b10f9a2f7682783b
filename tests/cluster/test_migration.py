"""A single-process site's FileStorage (content and a blob) moves into PostgreSQL with
``nguon-cluster migrate`` (zodbconvert, history-free, blobs into the database), and
RelStorage opens it with the content and the blob."""

from nguon.cluster import cli
from nguon.cluster.migrate import convert
from nguon.cluster.migrate import MigrationError
from nguon.cluster.postgres import Postgres
from nguon.cluster.stack import free_port
from persistent.mapping import PersistentMapping
from ZODB.blob import Blob

import os
import pytest
import shutil
import tempfile
import ZODB
import ZODB.config
import ZODB.FileStorage


PAYLOAD = "Văn bản đính kèm của xã\n".encode() * 1000


@pytest.fixture
def folder():
    path = tempfile.mkdtemp(prefix="nguon-migration-")
    os.chmod(path, 0o755)  # PostgreSQL runs as the postgres user when root
    yield os.path.realpath(path)
    shutil.rmtree(path, ignore_errors=True)


def make_single_process_site(var):
    """var/filestorage/Data.fs and var/blobstorage as make start lays them out."""
    os.makedirs(f"{var}/filestorage")
    storage = ZODB.FileStorage.FileStorage(
        f"{var}/filestorage/Data.fs", blob_dir=f"{var}/blobstorage"
    )
    db = ZODB.DB(storage)
    with db.transaction() as conn:
        site = conn.root()["Plone"] = PersistentMapping()
        site["title"] = "Nguồn"
        site["thong-bao"] = PersistentMapping(title="Thông báo lịch tiêm chủng")
        site["tep"] = Blob()
        with site["tep"].open("w") as blob:
            blob.write(PAYLOAD)
    db.close()


def open_relstorage(postgres, cache):
    return ZODB.config.databaseFromString(f"""
        %import relstorage
        <zodb>
          <relstorage>
            keep-history false
            blob-dir {cache}
            shared-blob-dir false
            <postgresql>
              dsn {postgres.dsn()}
            </postgresql>
          </relstorage>
        </zodb>
    """)


def test_migrate_moves_content_and_blobs_into_postgresql(folder):
    source = f"{folder}/single"
    make_single_process_site(source)
    port = free_port()
    code = cli.main(
        [
            "migrate",
            "--from",
            source,
            "--var",
            f"{folder}/var",
            "--postgres-port",
            str(port),
        ]
    )
    assert code == 0
    postgres = Postgres(f"{folder}/var/cluster/postgresql", port)
    postgres.start()
    try:
        assert int(postgres.psql("SELECT count(*) FROM blob_chunk", "nguon")) > 0
        db = open_relstorage(postgres, f"{folder}/blobcache")
        try:
            with db.transaction() as conn:
                site = conn.root()["Plone"]
                assert site["title"] == "Nguồn"
                assert site["thong-bao"]["title"] == "Thông báo lịch tiêm chủng"
                with site["tep"].open() as blob:
                    assert blob.read() == PAYLOAD
        finally:
            db.close()
        # The destination is not empty any more: a second copy is refused.
        with pytest.raises(MigrationError, match="đã có dữ liệu"):
            convert(
                f"{source}/filestorage/Data.fs",
                f"{source}/blobstorage",
                postgres,
                "nguon",
                f"{folder}/var/cluster",
            )
    finally:
        postgres.stop()
    assert not postgres.running()


def test_a_running_site_is_not_copied(folder):
    source = f"{folder}/single"
    make_single_process_site(source)
    storage = ZODB.FileStorage.FileStorage(
        f"{source}/filestorage/Data.fs"
    )  # holds the lock
    try:
        code = cli.main(
            [
                "migrate",
                "--from",
                source,
                "--var",
                f"{folder}/var",
                "--postgres-port",
                str(free_port()),
            ]
        )
    finally:
        storage.close()
    assert code == 2
    assert not os.path.exists(f"{folder}/var/cluster/postgresql/data")
