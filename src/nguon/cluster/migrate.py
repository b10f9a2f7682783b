"""Move a single-process site (``make start``: ``var/filestorage/Data.fs`` and
``var/blobstorage``) into the cluster's PostgreSQL with RelStorage's ``zodbconvert``
(history-free, blobs into the database). The configuration is rendered from
``deploy/relstorage/zodbconvert.conf.in``; docs/operations.md shows the same by hand.

The source must be stopped (its FileStorage lock free) and the destination database empty:
the cluster's first start then finds the site and uses it as it is."""

from nguon.cluster.postgres import DATABASE
from nguon.cluster.postgres import Postgres
from nguon.cluster.stack import deploy_dir
from nguon.cluster.stack import render
from nguon.cluster.stack import say
from pathlib import Path

import subprocess
import sys
import zc.lockfile


class MigrationError(Exception):
    """Why the copy cannot be made, in one line."""


def check_source(data_fs):
    if not data_fs.exists():
        raise MigrationError(
            f"không thấy {data_fs}: đặt --from tới thư mục var của site"
        )
    try:
        lock = zc.lockfile.LockFile(f"{data_fs}.lock")
    except zc.lockfile.LockError:
        raise MigrationError(
            f"{data_fs} đang được dùng (site đang chạy): dừng make start rồi chạy lại"
        ) from None
    lock.close()


def destination_has_data(postgres, database):
    if not postgres.psql("SELECT to_regclass('public.object_state')", database):
        return False
    return postgres.psql("SELECT count(*) FROM object_state", database) != "0"


def convert(data_fs, blob_dir, postgres, database, folder, log=say):
    """zodbconvert ``data_fs`` (+ ``blob_dir``) into ``database`` of the running
    ``postgres``; returns the path of the configuration it used."""
    data_fs, blob_dir, folder = Path(data_fs), Path(blob_dir), Path(folder)
    check_source(data_fs)
    postgres.ensure_database(database)
    if destination_has_data(postgres, database):
        raise MigrationError(
            f"cơ sở dữ liệu {database} đã có dữ liệu: chỉ chép vào một cơ sở dữ liệu trống"
        )
    folder.mkdir(parents=True, exist_ok=True)
    conf = render(
        deploy_dir() / "relstorage" / "zodbconvert.conf.in",
        folder / "zodbconvert.conf",
        data_fs=data_fs,
        blob_dir=blob_dir,
        cache_dir=folder / "zodbconvert-blobcache",
        dsn=postgres.dsn(database),
    )
    log(f"zodbconvert {conf}: {data_fs} → PostgreSQL {database}")
    zodbconvert = Path(sys.executable).with_name("zodbconvert")
    subprocess.run([str(zodbconvert), str(conf)], check=True)
    return conf


def migrate(source_var, var, port, database=DATABASE, log=say):
    """The ``nguon-cluster migrate`` command: PostgreSQL of ``var/cluster`` is created and
    started when needed (and stopped after, when it was not running)."""
    source_var, folder = Path(source_var).resolve(), Path(var).resolve() / "cluster"
    check_source(source_var / "filestorage" / "Data.fs")
    postgres = Postgres(
        folder / "postgresql",
        port,
        settings_file=deploy_dir() / "postgresql" / "nguon.conf",
    )
    postgres.init()
    started = not postgres.running()
    if started:
        postgres.start()
    try:
        convert(
            source_var / "filestorage" / "Data.fs",
            source_var / "blobstorage",
            postgres,
            database,
            folder,
            log=log,
        )
    finally:
        if started:
            postgres.stop()
    log(
        f"đã chép site vào PostgreSQL ({postgres.dsn(database)}): chạy nguon-cluster start"
    )
