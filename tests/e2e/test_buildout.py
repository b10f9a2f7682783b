"""buildout.cfg builds the same instance from the same pins, in a fresh virtualenv, and it starts."""

from pathlib import Path
from scripts.constraints_to_versions import versions
from tests.e2e.instance import free_port

import os
import pytest
import signal
import subprocess
import sys
import time
import urllib.request


ROOT = Path(__file__).resolve().parents[2]
# Eggs are kept between runs (as a buildout user's default.cfg would), so only the first
# run on a machine downloads the stack.
EGGS = Path.home() / ".cache" / "nguon" / "buildout-eggs"


def test_versions_cfg_is_generated_from_constraints():
    expected = versions((ROOT / "constraints.txt").read_text(encoding="utf-8"))
    assert (ROOT / "versions.cfg").read_text(encoding="utf-8") == expected


def _run(*command, cwd, timeout):
    done = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


@pytest.mark.slow
def test_buildout_builds_an_instance_that_starts(tmp_path):
    for name in ("buildout.cfg", "versions.cfg"):
        (tmp_path / name).write_text((ROOT / name).read_text(encoding="utf-8"))
    _run(sys.executable, "-m", "venv", ".", cwd=tmp_path, timeout=120)
    _run(
        "bin/pip",
        "install",
        "-q",
        "-c",
        str(ROOT / "constraints.txt"),
        "zc.buildout",
        "setuptools",
        "wheel",
        "pip",
        cwd=tmp_path,
        timeout=600,
    )
    port = free_port()
    EGGS.mkdir(parents=True, exist_ok=True)
    _run(
        "bin/buildout",
        f"buildout:develop={ROOT}",
        "buildout:admin-password=buildout-test-pw",
        f"buildout:eggs-directory={EGGS}",
        f"instance:http-address=127.0.0.1:{port}",
        cwd=tmp_path,
        timeout=2400,
    )

    probe = tmp_path / "probe.py"
    probe.write_text(
        "from Products.GenericSetup.registry import _profile_registry\n"
        "print(_profile_registry.getProfileInfo('nguon:default')['title'])\n"
    )
    assert "Nguồn" in _run("bin/instance", "run", str(probe), cwd=tmp_path, timeout=300)

    # The control script starts the server as a child: stop the whole process group.
    server = subprocess.Popen(
        ["bin/instance", "fg"],
        cwd=tmp_path,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        status = None
        for _attempt in range(120):
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/", timeout=5
                ) as answer:
                    status = answer.status
                    break
            except OSError:
                time.sleep(1)
        assert status == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
