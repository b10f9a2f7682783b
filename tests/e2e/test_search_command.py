"""``nguon-search`` on a stopped instance, as an operator runs it: status, verify, rebuild and
clean against a real Solr, the bundled Solr started for one run, and one-line errors when Solr
cannot be reached or the site is running."""

from nguon.instance.files import write_instance
from nguon.instance.settings import from_environment
from tests.e2e.instance import BIN
from tests.e2e.instance import free_port
from tests.e2e.instance import port_is_free
from tests.solr_node import SolrNode

import os
import pytest
import re
import subprocess
import sys


pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    node = SolrNode(tmp_path_factory.mktemp("search-command-solr")).start()
    yield node
    node.stop()


@pytest.fixture(scope="module")
def project(tmp_path_factory, node):
    """A folder with a demo site made against ``node``, as `make start` leaves it (Plone
    stopped); nothing delivered the sync queued at creation, so Solr is empty."""
    folder = tmp_path_factory.mktemp("search-command")
    env = {
        **os.environ,
        "NGUON_VAR": str(folder / "var"),
        "SOLR_URL": node.url,
        "NGUON_SOLR_BUNDLED": "0",
    }
    write_instance(from_environment(env, cwd=folder))
    done = subprocess.run(
        [sys.executable, "-m", "nguon.instance.site"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return folder, env


def _search(project, *arguments, **env):
    folder, base = project
    return subprocess.run(
        [str(BIN / "nguon-search"), *arguments],
        cwd=folder,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


def _number(pattern, text):
    found = re.search(pattern, text)
    assert found, f"{pattern!r} not in {text!r}"
    return int(found.group(1))


def _one_line_error(done):
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith("nguon: LỖI: "), done.stderr
    return errors[0]


def test_status_verify_rebuild_and_again(project, node):
    status = _search(project, "status")
    assert status.returncode == 0, status.stderr
    catalog = _number(r"catalog (\d+), Solr 0", status.stdout)
    assert catalog > 100  # the demo units and items
    assert (
        _number(r"outbox «solr» \(Solr\): (\d+) mục chờ gửi", status.stdout) == catalog
    )
    assert "Solr: trả lời" in status.stdout and status.stderr == ""

    differs = _search(project, "verify")
    assert differs.returncode == 1, differs.stderr
    assert f"{catalog} mục có trong catalog nhưng thiếu trong Solr" in differs.stdout
    assert f"… và {catalog - 20} mục nữa" in differs.stdout  # the first 20 only
    assert "Solr KHÁC catalog" in differs.stdout

    rebuild = _search(project, "rebuild")
    assert rebuild.returncode == 0, rebuild.stderr
    assert f"{catalog} mục được xếp hàng" in rebuild.stdout
    assert _number(r"đã gửi (\d+) mục tới Solr", rebuild.stdout) == catalog
    assert re.search(r"mục/giây\)", rebuild.stdout)
    bar = rebuild.stderr.strip().splitlines()[
        -1
    ]  # not a terminal: whole lines, the last one
    assert f"] {catalog}/{catalog} " in bar and "còn 0:00" in bar
    assert node.get("select", q="*:*", rows=0)["response"]["numFound"] == catalog

    same = _search(project, "verify")
    assert (
        same.returncode == 0 and f"Solr khớp với catalog ({catalog} mục)" in same.stdout
    )

    status = _search(project, "status")
    assert status.returncode == 0
    assert "0 mục chờ gửi, 0 mục hỏng" in status.stdout
    assert f"số mục: catalog {catalog}, Solr {catalog}\n" in status.stdout
    assert "lần gửi cuối: chưa có" not in status.stdout


def test_clean_deletes_what_only_solr_holds(project, node):
    ghost = "0123456789abcdef0123456789abcdef"
    node.post(
        "update",
        {
            "add": {
                "doc": {
                    "UID": ghost,
                    "Title": "bóng ma",
                    "path_string": "/Plone/bong-ma",
                }
            },
            "commit": {},
        },
    )
    differs = _search(project, "verify")
    assert differs.returncode == 1
    assert "1 mục chỉ có trong Solr" in differs.stdout
    assert f"{ghost} /Plone/bong-ma" in differs.stdout
    clean = _search(project, "clean")
    assert clean.returncode == 0, clean.stderr
    assert "1 mục chỉ có trong Solr sẽ bị xóa" in clean.stdout
    assert node.get("select", q=f'UID:"{ghost}"', rows=0)["response"]["numFound"] == 0
    assert _search(project, "verify").returncode == 0


def test_unreachable_solr_is_one_line(project):
    dead = f"http://127.0.0.1:{free_port()}/solr/plone"
    for command in ("verify", "rebuild", "sync", "clean"):
        line = _one_line_error(_search(project, command, SOLR_URL=dead))
        assert f"Solr không trả lời tại {dead}/admin/ping" in line
    status = _search(project, "status", SOLR_URL=dead)
    assert "Solr: KHÔNG trả lời" in status.stdout and "mục chờ gửi" in status.stdout
    _one_line_error(status)


def test_a_running_site_is_named_instead_of_a_lock_traceback(project):
    from ZODB.FileStorage import FileStorage

    folder, _env = project
    storage = FileStorage(str(folder / "var" / "filestorage" / "Data.fs"))
    try:
        done = _search(project, "rebuild")
    finally:
        storage.close()
    line = _one_line_error(done)
    assert "site đang chạy" in line and "worker" in line and "dừng site" in line


def test_the_bundled_solr_is_started_for_the_run_and_stopped_after(project):
    port = free_port()
    done = _search(
        project,
        "rebuild",
        SOLR_URL=f"http://127.0.0.1:{port}/solr/plone",
        NGUON_SOLR_BUNDLED="1",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "khởi động Solr đi kèm" in done.stdout
    assert _number(r"đã gửi (\d+) mục tới Solr", done.stdout) > 100
    assert port_is_free(port)
