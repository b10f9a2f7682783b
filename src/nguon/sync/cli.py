"""``nguon-sync``: mirror a unit's items from a Nguồn site, by polling or by push.

    nguon-sync poll      --feed URL --db FILE [--folder DIR] [--interval S | --once]
                         [--subscription ID]
    nguon-sync serve     --feed URL --db FILE --listen HOST:PORT [--folder DIR]
                         [--subscription ID]
    nguon-sync subscribe --feed URL --callback URL --user NAME
    nguon-sync status    --db FILE

``--feed`` is the unit's JSON feed (``…/feed.json``, filters in its query string). The push
secret and the password are read from the environment (``NGUON_SYNC_SECRET``,
``NGUON_SYNC_PASSWORD``), never from the command line where other users could see them.
``serve`` first catches up from the feed cursor (what was missed while it was down), then
takes pushes and polls again every ``--interval`` seconds as a safety net. A read that failed
(the site busy, restarting or unreachable) is tried again after 5 s, then 10, 20… up to the
interval: a commune back after an outage does not wait a whole interval for what it missed. With
``--subscription`` (the id ``subscribe`` printed), every feed request is signed with the
push secret, so the site counts what the feed served as delivered to the unit.
"""

from nguon.environment import required
from nguon.sync.mirror import Mirror
from nguon.sync.poller import catch_up
from nguon.sync.poller import FeedError
from nguon.sync.poller import Signer
from nguon.sync.receiver import make_server
from nguon.sync.receiver import Receiver

import argparse
import requests
import sys
import threading
import time


RETRY = 5  # seconds before the first new try after a failed read


def pause(interval, failures):
    """Seconds to wait before the next read: the interval after a read that worked; after
    ``failures`` failed ones in a row, ``RETRY`` doubling each time, never above the interval."""
    if not failures:
        return interval
    return min(interval, RETRY * 2 ** min(failures - 1, 20))


def _secret(name):
    return required(name, "nguon-sync")


def _report(counts):
    return "%d cập nhật, %d xóa, %d bỏ qua" % counts


def _signer(args):
    """The ``Signer`` of ``--subscription`` (with the push secret), or None."""
    if not args.subscription:
        return None
    return Signer(args.subscription, _secret("NGUON_SYNC_SECRET"))


def _catch_up(feed, mirror, say, signer=None):
    """Read the feed from the mirror's cursor; print what changed (``say(counts)``) or the
    error. True when it worked."""
    try:
        counts = catch_up(feed, mirror, signer=signer)
    except FeedError as error:
        print(f"nguon-sync: LỖI: {error}", file=sys.stderr, flush=True)
        return False
    print(f"nguon-sync: {say(counts)}", flush=True)
    return True


def poll(args):
    mirror, signer = Mirror(args.db, args.folder), _signer(args)

    def say(counts):
        return f"{_report(counts)}; con trỏ {mirror.cursor}; {mirror.count()} tin"

    failures = 0
    while True:
        worked = _catch_up(args.feed, mirror, say, signer)
        if args.once:
            return 0 if worked else 1
        failures = 0 if worked else failures + 1
        time.sleep(pause(args.interval, failures))


def serve(args):
    mirror, signer = Mirror(args.db, args.folder), _signer(args)
    host, _colon, port = args.listen.rpartition(":")
    receiver = Receiver(
        mirror,
        _secret("NGUON_SYNC_SECRET"),
        args.feed,
        on_change=lambda counts: print(
            f"nguon-sync: nhận đẩy: {_report(counts)}", flush=True
        ),
    )
    server = make_server(receiver, host or "127.0.0.1", int(port))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(
        f"nguon-sync: nhận tin tại http://{host}:{server.server_address[1]}/",
        flush=True,
    )

    def say(counts):
        return f"đồng bộ từ nguồn tin: {_report(counts)}; {mirror.count()} tin"

    failures = 0
    while True:
        with receiver.lock:
            worked = _catch_up(args.feed, mirror, say, signer)
        failures = 0 if worked else failures + 1
        time.sleep(pause(args.interval, failures))


def subscribe(args):
    unit_url = args.feed.split("?")[0].rsplit("/", 1)[0]
    feed_name = args.feed.split("?")[0].rsplit("/", 1)[1]
    body = {
        "callback": args.callback,
        "secret": _secret("NGUON_SYNC_SECRET"),
        "format": feed_name.removeprefix("feed."),
        "lease_seconds": args.lease,
    }
    from urllib.parse import parse_qs
    from urllib.parse import urlsplit

    for name, values in parse_qs(urlsplit(args.feed).query).items():
        if name in ("channel", "category", "priority"):
            body[name] = ",".join(values)
    response = requests.post(
        f"{unit_url}/@subscriptions",
        json=body,
        auth=(args.user, _secret("NGUON_SYNC_PASSWORD")),
        headers={"Accept": "application/json"},
        timeout=60,
    )
    if response.status_code != 201:
        try:
            message = response.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = response.text[:300]
        print(
            f"nguon-sync: LỖI: đăng ký không thành công ({response.status_code}): {message}",
            file=sys.stderr,
        )
        return 1
    data = response.json()
    print(
        f"nguon-sync: đã đăng ký {data['id']}, hiệu lực đến {time.ctime(data['expires_at'])}"
    )
    return 0


def status(args):
    mirror = Mirror(args.db)
    print(f"con trỏ: {mirror.cursor}\nsố tin: {mirror.count()}")
    for uid, title in list(mirror.items().items())[:20]:
        print(f"  {uid}  {title}")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="nguon-sync", description="Sao chép tin của một đơn vị từ Nguồn."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("poll", help="đọc nguồn tin định kỳ")
    p.add_argument("--feed", required=True)
    p.add_argument("--db", required=True)
    p.add_argument("--folder")
    p.add_argument("--interval", type=float, default=60)
    p.add_argument("--once", action="store_true")
    p.add_argument("--subscription", help="mã đăng ký: ký các yêu cầu đọc nguồn tin")
    p.set_defaults(run=poll)
    s = commands.add_parser("serve", help="nhận tin đẩy (và đọc nguồn tin dự phòng)")
    s.add_argument("--feed", required=True)
    s.add_argument("--db", required=True)
    s.add_argument("--listen", required=True)
    s.add_argument("--folder")
    s.add_argument("--interval", type=float, default=300)
    s.add_argument("--subscription", help="mã đăng ký: ký các yêu cầu đọc nguồn tin")
    s.set_defaults(run=serve)
    u = commands.add_parser("subscribe", help="đăng ký nhận tin đẩy")
    u.add_argument("--feed", required=True)
    u.add_argument("--callback", required=True)
    u.add_argument("--user", required=True)
    u.add_argument("--lease", type=int, default=10 * 24 * 3600)
    u.set_defaults(run=subscribe)
    t = commands.add_parser("status", help="tình trạng bản sao")
    t.add_argument("--db", required=True)
    t.set_defaults(run=status)
    args = parser.parse_args(argv)
    try:
        return args.run(args) or 0
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
