"""``nguon-station``: the agent a commune runs next to its radio equipment.

    nguon-station run --site URL --public-key KEY [--public-key OLD@NOT_AFTER] --cache DIR \
        --icecast HOST:PORT --mount /xa.mp3
    nguon-station check --site URL --public-key KEY

The station's token and the Icecast source password come from the environment
(``NGUON_STATION_TOKEN``, ``NGUON_ICECAST_PASSWORD``). ``--public-key`` is the base64 key of
the site's ``@radio-signing-key`` (pinned: a schedule signed by any other key is refused); give
it once per key the station trusts, ``KEY@NOT_AFTER`` for a key it trusts only until then
(while the site's key is rotated). The station is the one the token names: a document signed
for another station, or of another kind, is refused.
``run`` starts Liquidsoap, airs the schedule, pre-empts for emergencies and reports what
played; ``check`` fetches and verifies the schedule once and prints it. With ``--listen`` and
``--emergency-feed`` (and ``NGUON_STATION_PUSH_SECRET``, the secret of a subscription a unit
admin made for that callback), a push of the unit's emergency feed makes the agent ask for
emergencies at once, so it can poll rarely (``--events-interval 60``). With ``--broker
HOST:PORT`` it subscribes to its unit's topics on the messaging engine (Mosquitto, MQTT 5;
anonymous, read-only) and airs an emergency the moment the site publishes it; its poll then
only runs every ``--fallback-interval`` seconds while the broker is connected.
"""

from nguon.environment import required
from nguon.radio.signing import SCHEDULE
from nguon.station.acceptance import accept
from nguon.station.acceptance import Refused
from nguon.station.agent import Agent
from nguon.station.agent import pinned_key
from nguon.station.agent import station_of
from nguon.station.cache import Cache
from nguon.station.player import Player

import argparse
import logging
import requests
import signal
import sys
import threading


def _env(name):
    return required(name, "nguon-station")


def run(args):
    cache = Cache(args.cache)
    host, _colon, port = args.icecast.rpartition(":")
    player = Player(
        args.cache,
        host or "127.0.0.1",
        int(port),
        args.mount,
        _env("NGUON_ICECAST_PASSWORD"),
        args.name,
        args.telnet_port,
    ).start()
    agent = Agent(
        args.site,
        _env("NGUON_STATION_TOKEN"),
        args.public_key,
        cache,
        player,
        schedule_interval=args.schedule_interval,
        events_interval=args.events_interval,
        broker=args.broker,
        fallback_interval=args.fallback_interval,
    )
    if args.listen:
        listen(args, agent)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    agent.run()
    print(f"nguon-station: đang phát lên {args.icecast}{args.mount}", flush=True)
    stopped.wait()
    agent.stop()
    agent.report()
    player.stop()
    return 0


def listen(args, agent):
    """Answer the site's push (WebSub) for the unit's emergency feed: each verified push makes
    the agent ask for emergencies at once."""
    from nguon.station.agent import EmergencyDoorbell
    from nguon.sync.receiver import make_server
    from nguon.sync.receiver import Receiver

    host, _colon, port = args.listen.rpartition(":")
    receiver = Receiver(
        EmergencyDoorbell(agent),
        required("NGUON_STATION_PUSH_SECRET", "nguon-station"),
        args.emergency_feed,
    )
    server = make_server(receiver, host or "127.0.0.1", int(port))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"nguon-station: nhận tin khẩn cấp đẩy tại http://{args.listen}/", flush=True)


def check(args):
    token = _env("NGUON_STATION_TOKEN")
    response = requests.get(
        f"{args.site.rstrip('/')}/@station-schedule",
        timeout=30,
        headers={"X-Station-Token": token, "Accept": "application/json"},
    )
    if response.status_code != 200:
        print(
            f"nguon-station: LỖI: máy chủ trả lời {response.status_code}",
            file=sys.stderr,
        )
        return 1
    try:
        schedule = accept(response.json(), args.public_key, SCHEDULE, station_of(token))
    except Refused as error:
        print(f"nguon-station: LỖI: {error}", file=sys.stderr)
        return 1
    print(
        f"lịch phát số {schedule['sequence']} của {schedule['station_title']}, "
        f"hiệu lực đến {schedule['valid_until']}"
    )
    for slot in schedule["slots"]:
        print(f"  {slot['start']} – {slot['end']}: {len(slot['items'])} tin")
    print(f"  tin khẩn cấp: {len(schedule['emergencies'])}")
    return 0


def _pin(text):
    try:
        return pinned_key(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"khóa không hợp lệ: {error}") from None


def _address(text):
    host, _colon, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"cần HOST:PORT, không phải «{text}»")
    return host, int(port)


def main(argv=None):
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s"
    )
    parser = argparse.ArgumentParser(
        prog="nguon-station", description="Tác tử đài truyền thanh của Nguồn."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    r = commands.add_parser(
        "run", help="phát theo lịch, ưu tiên tin khẩn cấp, báo cáo nhật ký phát"
    )
    c = commands.add_parser("check", help="lấy và kiểm tra lịch phát một lần")
    for sub in (r, c):
        sub.add_argument(
            "--site",
            required=True,
            help="địa chỉ site Nguồn, ví dụ https://nguon.hue.gov.vn/Plone",
        )
        sub.add_argument(
            "--public-key",
            required=True,
            action="append",
            type=_pin,
            metavar="KEY[@NOT_AFTER]",
            help="khóa công khai của @radio-signing-key (base64), có thể kèm thời điểm "
            "thôi tin khóa (ISO 8601); lặp lại cho mỗi khóa đài tin",
        )
    r.add_argument("--cache", required=True)
    r.add_argument("--icecast", required=True, help="HOST:PORT của Icecast")
    r.add_argument("--mount", default="/dai.mp3")
    r.add_argument("--name", default="Đài truyền thanh")
    r.add_argument("--telnet-port", type=int, default=1234)
    r.add_argument("--schedule-interval", type=float, default=60)
    r.add_argument("--events-interval", type=float, default=2)
    r.add_argument(
        "--broker",
        type=_address,
        metavar="HOST:PORT",
        help="Mosquitto (MQTT) của site: nhận tin khẩn cấp ngay khi site gửi "
        "(mặc định: không, chỉ hỏi định kỳ)",
    )
    r.add_argument(
        "--fallback-interval",
        type=float,
        default=30,
        help="số giây giữa hai lần hỏi tin khẩn cấp khi đã kết nối Mosquitto",
    )
    r.add_argument(
        "--listen",
        help="HOST:PORT nhận tin khẩn cấp đẩy (WebSub) của nguồn tin khẩn cấp của đơn vị",
    )
    r.add_argument(
        "--emergency-feed",
        help="chủ đề đã đăng ký: …/feed.json?priority=emergency của đơn vị",
    )
    r.set_defaults(run=run)
    c.set_defaults(run=check)
    args = parser.parse_args(argv)
    if getattr(args, "listen", None) and not args.emergency_feed:
        parser.error("--listen cần --emergency-feed (chủ đề đã đăng ký)")
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
