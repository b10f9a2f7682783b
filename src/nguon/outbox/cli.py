"""``nguon-outbox``: what every channel of the outbox has yet to deliver, and its dead letters
offered again, on a stopped site.

    nguon-outbox status [KÊNH]   waiting items, dead letters (with the channel's reason), the
                                 last delivery and the last failure, per channel
    nguon-outbox retry [KÊNH]    offer the dead letters again, of one channel or of all

A dead letter is an item a channel refused MAX_ATTEMPTS times (Solr rejecting a document, a
syndication target refusing an entry, speech synthesis failing on a text): the worker stops
offering it, so that one bad item does not hold the channel. Once the cause is fixed, ``retry``
puts the dead letters back in the queue; the site's worker delivers them when it starts (for
Solr, ``nguon-search sync`` delivers at once). An item refused again becomes a dead letter
again after MAX_ATTEMPTS refusals.

Like ``nguon-units``, it opens the instance's database directly (run it from the project
folder, with the site stopped). Exit codes: 0 done, 2 the command could not run (database in
use, no site, no outbox, unknown channel), with one line on stderr that says why.
"""

from nguon.instance.offline import run_command
from nguon.instance.settings import ConfigurationError
from nguon.outbox.report import consumer_lines
from nguon.outbox.storage import outbox

import argparse
import sys
import transaction


WHILE_RUNNING = (
    "dừng site rồi chạy lại lệnh (khi site chạy, worker của nó tự gửi các mục "
    "chờ; mục hỏng chỉ được gửi lại bằng nguon-outbox retry)"
)


def _parser():
    parser = argparse.ArgumentParser(
        prog="nguon-outbox", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="LỆNH")
    status = commands.add_parser(
        "status", help="mục chờ gửi, mục hỏng, lần gửi cuối mỗi kênh"
    )
    retry = commands.add_parser(
        "retry", help="xếp hàng lại các mục hỏng (sau khi đã sửa nguyên nhân)"
    )
    for command in (status, retry):
        command.add_argument(
            "consumer",
            nargs="?",
            metavar="KÊNH",
            help="tên kênh, ví dụ solr (mặc định: mọi kênh)",
        )
    return parser


def pending_sets(site, name=None):
    """(name, pending set) of every channel, or of channel ``name``."""
    box = outbox(site)
    if box is None:
        raise ConfigurationError(
            "site chưa có outbox: chạy các bước nâng cấp (upgrade install --proposed)"
        )
    if name is None:
        return list(box.consumers.items())
    if name not in box.consumers:
        raise ConfigurationError(
            f"không có kênh «{name}»; các kênh: {', '.join(box.consumers.keys())}"
        )
    return [(name, box.consumers[name])]


def status(site, arguments):
    for name, pending in pending_sets(site, arguments.consumer):
        for line in consumer_lines(name, pending):
            print(f"nguon: {line}")


def retry(site, arguments):
    retried = {
        name: pending.retry_dead()
        for name, pending in pending_sets(site, arguments.consumer)
    }
    transaction.commit()
    for name, count in retried.items():
        print(f"nguon: outbox «{name}»: {count} mục hỏng được xếp hàng gửi lại")
    if any(retried.values()):
        print(
            "nguon: worker của site gửi chúng khi site khởi động "
            "(với Solr: nguon-search sync gửi ngay)"
        )
    return retried


def main(argv=None):
    arguments = _parser().parse_args(argv)
    job = status if arguments.command == "status" else retry
    return run_command(
        job, arguments, while_running=WHILE_RUNNING, log_as="nguon-outbox"
    )


if __name__ == "__main__":
    sys.exit(main())
