"""``nguon-cap-ingest``: receive CAP messages from the command line.

    nguon-cap-ingest --once       read every trusted source's Atom index once, as the
                                  poller does (cron, or a source that publishes rarely)
    nguon-cap-ingest TỆP...       receive CAP message files (a message that came another
                                  way: by mail, on a USB stick), each checked as a push is

Each message is checked as ``POST /@cap-ingest`` checks it (``receive.receive``) and
committed on its own; a refused one is listed with its reason and recorded like any
refusal. Like ``nguon-outbox``, it opens the instance's database directly: run it from the
project folder with the site stopped, or beside a running site on ZEO or RelStorage.
Exit codes: 0 every message taken, 1 some refused, 2 the command could not run.
"""

from nguon.alerts.ingest import poller
from nguon.alerts.ingest.receive import receive
from nguon.alerts.ingest.receive import Refused
from nguon.alerts.ingest.receive import vietnamese
from nguon.instance.offline import run_command
from pathlib import Path

import argparse
import sys
import transaction


WHILE_RUNNING = (
    "dừng site rồi chạy lại lệnh (khi site chạy, luồng đọc nguồn cảnh báo của nó tự "
    "đọc các chỉ mục Atom; bản tin rời gửi tới POST /@cap-ingest)"
)


def _parser():
    parser = argparse.ArgumentParser(
        prog="nguon-cap-ingest", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--once",
        action="store_true",
        help="đọc chỉ mục Atom của mọi nguồn cảnh báo tin cậy một lần",
    )
    parser.add_argument(
        "files", nargs="*", type=Path, metavar="TỆP", help="tệp bản tin CAP"
    )
    return parser


def job(site, arguments):
    """Poll and/or receive the files; the number of messages refused."""
    tm = transaction.manager
    refused = 0
    if arguments.once:
        taken, refused = poller.poll(site, tm)
        print(f"nguon: nguồn cảnh báo: nhận {taken} bản tin, từ chối {refused}")
    for path in arguments.files:
        try:
            outcome = receive(site, path.read_bytes(), via=f"file:{path}")
            print(f"nguon: {path}: {len(outcome.alerts)} cảnh báo ({outcome.key})")
        except Refused as refusal:
            refused += 1
            print(f"nguon: {path}: TỪ CHỐI: {vietnamese(refusal.message)}")
        tm.commit()
    return refused


def main(argv=None):
    arguments = _parser().parse_args(argv)
    if not (arguments.once or arguments.files):
        _parser().error("cần --once hoặc ít nhất một tệp")
    outcome = {}

    def run(site, arguments):
        outcome["refused"] = job(site, arguments)

    code = run_command(
        run, arguments, while_running=WHILE_RUNNING, log_as="nguon-cap-ingest"
    )
    return code or (1 if outcome.get("refused") else 0)


if __name__ == "__main__":
    sys.exit(main())
