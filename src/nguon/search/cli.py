"""``nguon-search``: look at and repair the Solr index of a stopped site.

    nguon-search status    pending items and dead letters per consumer, Solr against the catalog
    nguon-search verify    compare Solr with the catalog item by item (exit 1 when they differ)
    nguon-search sync      queue and deliver only the items that differ
    nguon-search clean     queue and delete what Solr holds and the catalog does not
    nguon-search rebuild   queue and deliver every item (``make reindex``)

It opens the instance's database directly (run it from the project folder, with the site
stopped); while the site runs, its outbox worker keeps Solr in step by itself. With the bundled
Solr (no ``SOLR_URL``) the command starts the node for its run and stops it afterwards.

Maintenance goes through the outbox like any edit: the items are queued and committed first,
then delivered batch by batch with a commit after each, so a run that Solr interrupts leaves
the rest queued for the next run or the next start of the site.

Exit codes: 0 done (verify: Solr equals the catalog), 1 verify found differences or Solr
refused items for good, 2 the command could not run (database in use, Solr unreachable, no
site, bad settings), with one line on stderr that says why.

This module parses the arguments and opens the site (``nguon.instance.offline``); each job
has its module in ``nguon.search.commands``.
"""

from nguon.instance.offline import offline_site
from nguon.instance.offline import POINT
from nguon.instance.offline import solr_for_the_run
from nguon.instance.settings import ConfigurationError
from nguon.instance.settings import from_environment
from nguon.outbox.worker import BATCH_SIZE
from nguon.search import client
from nguon.search.commands.check import verify_command
from nguon.search.commands.output import say
from nguon.search.commands.repair import clean_command
from nguon.search.commands.repair import rebuild_command
from nguon.search.commands.repair import sync_command
from nguon.search.commands.status import status_with_solr

import argparse
import sys


WHILE_RUNNING = (
    "khi site chạy, worker của nó tự giữ Solr khớp với catalog; muốn chạy bảo trì "
    "thì dừng site rồi chạy lại lệnh"
)
COMMANDS = {
    "verify": verify_command,
    "sync": sync_command,
    "clean": clean_command,
    "rebuild": rebuild_command,
}


def _parser():
    parser = argparse.ArgumentParser(
        prog="nguon-search",
        description="Kiểm tra và sửa chỉ mục Solr của một site đang dừng.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="LỆNH")
    commands.add_parser(
        "status", help="mục chờ gửi, mục hỏng, lần gửi cuối; Solr so với catalog"
    )
    commands.add_parser(
        "verify", help="so Solr với catalog từng mục (mã thoát 1 khi khác)"
    )
    commands.add_parser("sync", help="gửi lại những mục Solr khác catalog")
    commands.add_parser("clean", help="xóa khỏi Solr những mục catalog không có")
    commands.add_parser("rebuild", help="gửi lại mọi mục (make reindex)")
    for name, command in commands.choices.items():
        if name != "status" and name != "verify":
            command.add_argument(
                "--batch-size",
                type=int,
                default=BATCH_SIZE,
                metavar="SỐ",
                help=f"số mục mỗi lần gửi (mặc định {BATCH_SIZE})",
            )
    return parser


def main(argv=None):
    arguments = _parser().parse_args(argv)
    try:
        settings = from_environment()
        # status and verify change nothing; the others commit as they go: the rest is aborted
        with offline_site(
            settings, solr=POINT, while_running=WHILE_RUNNING, log_as="nguon-search"
        ) as site:
            if arguments.command == "status":
                return status_with_solr(site, settings, arguments)
            with solr_for_the_run(settings):
                return COMMANDS[arguments.command](site, arguments)
    except ConfigurationError as error:
        say(f"LỖI: {error}", sys.stderr)
        return 2
    except client.SolrRejected as error:
        say(f"LỖI: Solr từ chối yêu cầu: {error}", sys.stderr)
        return 2
    except client.SolrError as error:
        say(f"LỖI: Solr không trả lời: {error}", sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
