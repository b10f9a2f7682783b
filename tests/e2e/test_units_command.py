"""``nguon-units`` on a stopped site: sync, merge and locate, and a clear error while the site
runs."""

from nguon.instance.files import write_instance
from nguon.instance.settings import from_environment
from tests.e2e.instance import BIN

import os
import pytest
import subprocess
import sys


pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A folder with a demo site created in it, as `make start` leaves it (Plone stopped)."""
    folder = tmp_path_factory.mktemp("units-command")
    env = {**os.environ, "NGUON_VAR": str(folder / "var")}
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


def _units(project, *arguments):
    folder, env = project
    return subprocess.run(
        [str(BIN / "nguon-units"), *arguments],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_sync_again_changes_nothing(project):
    done = _units(project, "sync", "--province", "46")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "tạo mới 0, cập nhật 0, giữ nguyên 42" in done.stdout


def test_an_unknown_province_is_refused_before_anything_changes(project):
    done = _units(project, "sync", "--province", "46", "--province", "99")
    assert (
        done.returncode == 2
        and "mã 99" in done.stderr
        and "Traceback" not in done.stderr
    )


def test_locate_from_a_csv_and_its_refusals(project, tmp_path):
    points = tmp_path / "diem.csv"
    points.write_text(
        "mã,vĩ độ,kinh độ\n19786,16.46,107.59\n99999,16.5,107.5\n", encoding="utf-8"
    )
    done = _units(project, "locate", str(points))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "cập nhật 1, giữ nguyên 0, mã không có đơn vị 1" in done.stdout
    # The shipped points go only to units that have none: the one set above stays.
    official = _units(project, "locate", "--official")
    assert official.returncode == 0, official.stderr[-2000:]
    assert "cập nhật 0," in official.stdout
    points.write_text("19786,16.46\n19777,91,107.6\n", encoding="utf-8")
    refused = _units(project, "locate", str(points))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert f"{points}:1: cần đúng 3 cột" in refused.stderr
    assert f"{points}:2: vĩ độ «91»" in refused.stderr


def test_merge_and_refusals(project):
    merged = _units(project, "merge", "19777", "19786")
    assert merged.returncode == 0 and "Phường Vỹ Dạ" in merged.stdout
    assert _units(project, "merge", "19777", "19786").stderr.strip().endswith("«19777»")
    refused = _units(project, "merge", "46", "19786")
    assert refused.returncode == 2 and "trực thuộc" in refused.stderr


def test_a_running_site_is_named_instead_of_a_lock_traceback(project):
    from ZODB.FileStorage import FileStorage

    folder, _env = project
    storage = FileStorage(str(folder / "var" / "filestorage" / "Data.fs"))
    try:
        done = _units(project, "sync", "--province", "46")
    finally:
        storage.close()
    assert done.returncode == 2 and "units-controlpanel" in done.stderr
    assert "Traceback" not in done.stderr
