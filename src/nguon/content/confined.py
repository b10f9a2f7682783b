"""Run a program on an untrusted file in a child process that the file cannot make exceed
its limits: address space (memory), CPU time, size of the files it writes, wall-clock time.

The limits are set by util-linux's ``prlimit`` on the child alone, not by a ``preexec_fn``
(unsafe in a threaded process such as Zope's). A child killed by a limit, or still running
when the time is up, raises :class:`LimitExceeded`; its caller refuses the file with a
message of its own.
"""

from dataclasses import dataclass

import signal
import subprocess


MB = 1024 * 1024
# How a child dies when it hits a limit (an allocation refused may end in a crash too).
KILLED_BY_LIMIT = {
    -signal.SIGKILL,
    -signal.SIGXCPU,
    -signal.SIGXFSZ,
    -signal.SIGSEGV,
    -signal.SIGABRT,
}


@dataclass(frozen=True)
class Limits:
    memory_mb: int
    cpu_seconds: int
    wall_seconds: int
    output_mb: int = 0  # the largest file the child may write


class LimitExceeded(Exception):
    """The child ran out of memory, CPU time, output size or time."""


def limited(argv, limits):
    """``argv`` run under ``limits`` (through ``prlimit``)."""
    return [
        "prlimit",
        f"--as={limits.memory_mb * MB}",
        f"--cpu={limits.cpu_seconds}",
        f"--fsize={limits.output_mb * MB}",
        "--core=0",
        "--",
        *argv,
    ]


def run(argv, limits, data=None):
    """Run ``argv`` with ``data`` on its standard input (nothing when None); returns the
    ``subprocess.CompletedProcess`` with its output (bytes). Raises ``LimitExceeded``."""
    try:
        done = subprocess.run(
            limited(argv, limits),
            input=data,
            capture_output=True,
            stdin=subprocess.DEVNULL if data is None else None,
            timeout=limits.wall_seconds,
        )
    except subprocess.TimeoutExpired:
        raise LimitExceeded(f"{argv[0]}: more than {limits.wall_seconds} s") from None
    if done.returncode in KILLED_BY_LIMIT:
        raise LimitExceeded(f"{argv[0]}: stopped by a limit ({done.returncode})")
    return done
