"""``nguon-export`` and ``nguon-import`` as an operator runs them: the demo site of one project
folder, stopped, exported to a folder and imported into a second project folder that has no
site yet; refusals are one line on stderr."""

from nguon.instance.files import write_instance
from nguon.instance.settings import from_environment
from tests.e2e.instance import BIN

import os
import pytest
import subprocess
import sys


pytestmark = pytest.mark.slow


def _project(folder, create):
    env = {**os.environ, "NGUON_VAR": str(folder / "var")}
    write_instance(from_environment(env, cwd=folder))
    if create:
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


def _run(project, command, *arguments):
    folder, env = project
    return subprocess.run(
        [str(BIN / command), *arguments],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_export_then_import_into_a_new_project(tmp_path):
    source = _project(tmp_path / "source", create=True)
    target = _project(tmp_path / "target", create=False)
    export = tmp_path / "export"

    unknown = _run(source, "nguon-export", str(export), "--unit", "99999")
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr
    assert unknown.stderr.startswith("nguon: LỖI: không có đơn vị mã «99999»")
    assert not export.exists()

    done = _run(source, "nguon-export", str(export))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "nguon: đã xuất site «Plone»" in done.stdout
    assert (export / "nguon" / "manifest.json").is_file()

    not_an_export = _run(target, "nguon-import", str(tmp_path))
    assert not_an_export.returncode == 2 and "thiếu" in not_an_export.stderr

    imported = _run(target, "nguon-import", str(export))
    assert imported.returncode == 0, imported.stderr[-2000:]
    assert "tạo site trống" in imported.stdout
    assert "mọi mục đúng như lúc xuất" in imported.stdout
