"""PostgreSQL for RelStorage: one server of the Debian package, run from a data folder of
the cluster (``var/cluster/postgresql``) on its own port, created once by initdb.

PostgreSQL refuses to run as root: as root every program runs as the ``postgres`` user
(``runuser -u postgres --``) and the folder is given to it; that user must be able to reach
the folder (every parent folder searchable by others)."""

from nguon.instance.settings import ConfigurationError
from pathlib import Path

import os
import shutil
import subprocess
import time


DATABASE = "nguon"
USER = "nguon"


def binaries():
    """The folder of PostgreSQL's server programs (not on PATH: /usr/lib/postgresql/<v>/bin),
    the newest version installed."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/postgres"),
        key=lambda path: _version(path.parent.parent.name),
    )
    if not found:
        raise ConfigurationError(
            "không có PostgreSQL trên máy này (/usr/lib/postgresql/*/bin/postgres): chạy "
            "scripts/system-packages.sh (gói postgresql)"
        )
    return found[-1].parent


def _version(name):
    try:
        return tuple(int(part) for part in name.split("."))
    except ValueError:
        return (0,)


class Postgres:
    """The cluster's PostgreSQL: ``folder`` holds ``data/`` (initdb), the log and the socket."""

    def __init__(self, folder, port, host="127.0.0.1", settings_file=None):
        self.folder = Path(folder)
        self.port = port
        self.host = host
        self.settings_file = settings_file  # deploy/postgresql/nguon.conf, included
        self.bin = binaries()
        self.as_postgres = (
            ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        )

    @property
    def data(self):
        return self.folder / "data"

    @property
    def log_path(self):
        return self.folder / "log"

    def dsn(self, database=DATABASE):
        """The libpq connection string RelStorage's ``dsn`` takes."""
        return (
            f"dbname='{database}' user='{USER}' host='{self.host}' port='{self.port}'"
        )

    def _run(self, program, *words, check=True, quiet=True):
        done = subprocess.run(
            [*self.as_postgres, str(self.bin / program), *words],
            capture_output=True,
            text=True,
        )
        if check and done.returncode != 0:
            raise ConfigurationError(
                f"PostgreSQL: {program} thất bại (mã {done.returncode}): "
                f"{(done.stderr or done.stdout).strip().splitlines()[-1:]} — xem {self.log_path}"
            )
        return done

    def initialized(self):
        return (self.data / "PG_VERSION").exists()

    def init(self):
        """initdb once (a folder that has a database keeps it); returns True when created."""
        if self.initialized():
            return False
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
            self.folder.chmod(0o700)
            self._check_reachable()
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            USER,
            "-E",
            "UTF8",
            "--no-locale",
            "-A",
            "trust",
        )
        if self.settings_file:
            with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
                conf.write(f"\ninclude_if_exists '{self.folder / 'nguon.conf'}'\n")
        return True

    def _check_reachable(self):
        probe = subprocess.run(
            ["runuser", "-u", "postgres", "--", "test", "-w", str(self.folder)]
        )
        if probe.returncode != 0:
            raise ConfigurationError(
                f"người dùng postgres không vào được {self.folder}: cho phép mọi người đi qua "
                f"các thư mục cha (chmod o+x) hoặc đặt --var ở nơi khác"
            )

    def write_settings(self):
        if self.settings_file:
            target = self.folder / "nguon.conf"
            shutil.copyfile(self.settings_file, target)
            if self.as_postgres:
                shutil.chown(target, "postgres", "postgres")

    def running(self):
        return (
            self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode
            == 0
        )

    def start(self, timeout=60):
        """Start the server (``pg_ctl start``, in the background: ``stop`` ends it)."""
        self.write_settings()
        if self.running():  # left by a run that was killed: start it again on our port
            self.stop()
        options = f"-p {self.port} -k {self.folder} -c listen_addresses={self.host}"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log_path),
            "-o",
            options,
            "-w",
            "-t",
            str(timeout),
            "start",
        )

    def stop(self, mode="fast"):
        """``fast``: clients disconnected, clean shutdown; ``immediate``: as a crash."""
        if self.running():
            self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self, mode="fast"):
        self.stop(mode)
        self.start()

    def ready(self):
        done = subprocess.run(
            [str(self.bin / "pg_isready"), "-h", self.host, "-p", str(self.port), "-q"]
        )
        return done.returncode == 0

    def wait_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while not self.ready():
            if time.monotonic() > deadline:
                raise ConfigurationError(
                    f"PostgreSQL không trả lời tại {self.host}:{self.port}: xem {self.log_path}"
                )
            time.sleep(0.2)

    def psql(self, sql, database="postgres"):
        return self._run(
            "psql",
            "-h",
            self.host,
            "-p",
            str(self.port),
            "-U",
            USER,
            "-d",
            database,
            "-tAc",
            sql,
        ).stdout.strip()

    def ensure_database(self, name=DATABASE):
        """Create the database ``name`` when missing; returns True when created."""
        exists = self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
        if exists == "1":
            return False
        self.psql(f'CREATE DATABASE "{name}"')
        return True

    def drop_database(self, name):
        self.psql(f'DROP DATABASE IF EXISTS "{name}"')
