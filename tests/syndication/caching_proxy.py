"""A real varnishd with the product's VCL (``deploy/varnish/nguon.vcl``) in front of a
backend, for the caching tests and ``tests/bench/bench_cache.py``: rendered as nguon-cluster
renders it (string.Template), in a private work folder (``-n``), on a free port, in the
foreground as a child process stopped by its pid."""

from pathlib import Path

import json
import shutil
import socket
import string
import subprocess
import tempfile
import time


REPO = Path(__file__).resolve().parents[2]
VCL = REPO / "deploy" / "varnish" / "nguon.vcl"


def varnishd():
    """The varnishd binary, or None (scripts/system-packages.sh installs it)."""
    return shutil.which("varnishd") or (
        "/usr/sbin/varnishd" if Path("/usr/sbin/varnishd").exists() else None
    )


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def render_vcl(backend_host, backend_port, template=VCL):
    return string.Template(template.read_text()).substitute(
        backend_host=backend_host, backend_port=str(backend_port)
    )


class Varnish:
    """``with Varnish(host, port) as cache: cache.url`` — varnishd in front of the backend."""

    def __init__(
        self, backend_host, backend_port, folder=None, memory="128m", params=()
    ):
        self.backend = (backend_host, backend_port)
        # varnishd drops root's privileges before it reads the VCL: a folder anyone can read
        # (pytest's tmp_path is private to root)
        self.own_folder = folder is None
        self.folder = Path(folder or tempfile.mkdtemp(prefix="nguon-varnish-"))
        self.memory = memory
        self.params = list(params)
        self.port = None
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def workdir(self):
        return self.folder / "work"

    def start(self, timeout=30):
        binary = varnishd()
        if binary is None:
            raise RuntimeError("varnishd not installed (scripts/system-packages.sh)")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.folder.chmod(0o755)
        vcl = self.folder / "nguon.vcl"
        vcl.write_text(render_vcl(*self.backend))
        vcl.chmod(0o644)
        self.port = free_port()
        command = [
            binary,
            "-F",
            "-a",
            f"127.0.0.1:{self.port}",
            "-T",
            f"127.0.0.1:{free_port()}",
            "-f",
            str(vcl),
            "-n",
            str(self.workdir),
            "-s",
            f"malloc,{self.memory}",
        ]
        for param in self.params:
            command += ["-p", param]
        self.log = open(self.folder / "varnishd.log", "w")
        self.process = subprocess.Popen(
            command, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"varnishd stopped: {(self.folder / 'varnishd.log').read_text()}"
                )
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.1)
        raise RuntimeError("varnishd did not listen in time")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        if self.process is not None:
            self.log.close()
            if self.own_folder:
                shutil.rmtree(self.folder, ignore_errors=True)
        self.process = None

    def stats(self, *fields):
        """Counters from varnishstat, e.g. ``stats("MAIN.cache_hit")``."""
        out = subprocess.run(
            ["varnishstat", "-n", str(self.workdir), "-1", "-j"]
            + [arg for field in fields for arg in ("-f", field)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        data = json.loads(out)
        counters = data.get("counters", data)
        return {
            name: value["value"]
            for name, value in counters.items()
            if isinstance(value, dict) and "value" in value
        }

    def healthy(self):
        out = subprocess.run(
            ["varnishadm", "-n", str(self.workdir), "backend.list"],
            capture_output=True,
            text=True,
        ).stdout
        return "healthy" in out.lower() and "sick" not in out.lower()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
