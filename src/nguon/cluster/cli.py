"""``nguon-cluster``: the production cluster on one machine (``nguon.cluster.stack``).

nguon-cluster start [--instances N] [--var var] [--port 8080]
    start everything in the foreground; Ctrl-C (or SIGTERM) stops it all
nguon-cluster status [--var var]
    what runs, from the state file the running start wrote
nguon-cluster migrate [--from var] [--var var]
    copy a stopped single-process site (make start's FileStorage and blobs) into the
    cluster's PostgreSQL with zodbconvert (nguon.cluster.migrate)
"""

from nguon.cluster.processes import status_of
from nguon.cluster.stack import Cluster
from nguon.cluster.stack import Ports
from nguon.cluster.stack import say
from nguon.demo.users import demo_password
from nguon.demo.users import DEMO_USERS
from nguon.instance.settings import ConfigurationError
from pathlib import Path

import argparse
import json
import os
import signal
import socket
import subprocess
import sys


def _fail(message):
    print(f"nguon: LỖI: {message}", file=sys.stderr, flush=True)
    return 2


def _banner(cluster):
    demo = os.environ.get("NGUON_DEMO", "1").strip().lower() in (
        "1",
        "true",
        "yes",
        "on",
    )
    ports = cluster.ports
    say(f"địa chỉ (qua Varnish): {cluster.url}")
    say(f"qua HAProxy: {cluster.balancer_url} — thống kê: {cluster.admin_socket}")
    for i, url in enumerate(cluster.instance_urls):
        say(f"  instance{i + 1}: {url}")
    say(
        f"Solr (qua HAProxy): {cluster.solr_url} — các nút: {', '.join(cluster.solr.node_urls)}"
    )
    say(f"PostgreSQL: {cluster.postgres.dsn()}")
    say(f"Mosquitto: mqtt://127.0.0.1:{ports.mqtt} (WebSockets: {ports.mqtt_ws})")
    password = os.environ.get("NGUON_ADMIN_PASSWORD") or "admin"
    say(
        f"đăng nhập quản trị: admin / {password if demo else '(NGUON_ADMIN_PASSWORD)'}"
        f"  (quản trị Zope: http://127.0.0.1:{ports.varnish}/manage)"
    )
    if demo:
        say(f"tài khoản mẫu (mật khẩu {demo_password()}):")
        for userid, fullname, unit_code, kind in DEMO_USERS:
            say(f"  {userid:<18} {fullname} — đơn vị {unit_code}, nhóm {kind}")
    say("nhấn Ctrl-C để dừng toàn bộ cụm")


def start(args):
    cluster = Cluster(
        args.var,
        instances=args.instances,
        ports=Ports.default(args.instances, varnish=args.port),
    )

    def terminate(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    try:
        cluster.start()
        _banner(cluster)
        cluster.watch()
    except ConfigurationError as error:
        return _fail(error)
    except KeyboardInterrupt:
        say("đang dừng cụm…")
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        cluster.stop()
    return 0


def status(args):
    state_file = Path(args.var).resolve() / "cluster" / "cluster.json"
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return _fail(
            f"cụm không chạy (không có {state_file}): chạy nguon-cluster start"
        )
    bad = 0

    def line(name, ok, detail):
        nonlocal bad
        bad += not ok
        say(f"{'OK ' if ok else 'LỖI'} {name:<12} {detail}")

    line("cụm", _alive(state["pid"]), f"nguon-cluster pid {state['pid']}")
    for name, url in [("varnish", state["url"]), ("haproxy", state["balancer_url"])]:
        code = status_of(url, timeout=10)
        line(name, code == 200, f"{url} → {code}")
    for i, url in enumerate(state["instance_urls"]):
        code = status_of(url.rsplit("/", 1)[0] + "/ok", timeout=10)
        line(f"instance{i + 1}", code == 200, f"{url} → {code}")
    code = status_of(state["solr_url"] + "/admin/ping", timeout=10)
    line("solr", code == 200, f"{state['solr_url']} → {code}")
    postgres = state["postgres"]
    line("postgresql", _port_open(state["ports"]["postgres"]), postgres["dsn"])
    line(
        "mosquitto",
        _port_open(state["ports"]["mqtt"]),
        f"cổng {state['ports']['mqtt']}",
    )
    try:
        stat = _haproxy_stat(state["admin_socket"])
        say("HAProxy: " + ", ".join(f"{name} {st}" for name, st in stat.items()))
    except OSError as error:
        line("haproxy-sock", False, str(error))
    return 1 if bad else 0


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _port_open(port):
    with socket.socket() as probe:
        probe.settimeout(2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _haproxy_stat(path):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(5)
        conn.connect(path)
        conn.sendall(b"show stat\n")
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    states = {}
    for row in data.decode().splitlines():
        fields = row.split(",")
        if len(fields) > 17 and fields[1] not in ("FRONTEND", "BACKEND", "svname"):
            states[f"{fields[0]}/{fields[1]}"] = fields[17]
    return states


def migrate(args):
    from nguon.cluster.migrate import migrate as run_migration
    from nguon.cluster.migrate import MigrationError

    try:
        run_migration(Path(args.source), Path(args.var), port=args.postgres_port)
    except (ConfigurationError, MigrationError) as error:
        return _fail(error)
    except subprocess.CalledProcessError as error:
        return _fail(f"zodbconvert thất bại (mã {error.returncode})")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="nguon-cluster", description="Cụm sản xuất của Nguồn trên một máy."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    begin = commands.add_parser(
        "start", help="khởi động cả cụm (chạy tiền cảnh, Ctrl-C dừng tất cả)"
    )
    begin.add_argument("--instances", type=int, default=2, help="số instance Plone (2)")
    begin.add_argument("--var", default="var", help="thư mục dữ liệu (var)")
    begin.add_argument("--port", type=int, default=8080, help="cổng của Varnish (8080)")
    begin.set_defaults(run=start)
    look = commands.add_parser("status", help="trạng thái của cụm đang chạy")
    look.add_argument("--var", default="var")
    look.set_defaults(run=status)
    move = commands.add_parser(
        "migrate", help="chép site một tiến trình (FileStorage) vào PostgreSQL của cụm"
    )
    move.add_argument(
        "--from",
        dest="source",
        default="var",
        help="thư mục dữ liệu của make start (var)",
    )
    move.add_argument("--var", default="var", help="thư mục dữ liệu của cụm (var)")
    move.add_argument("--postgres-port", type=int, default=Ports().postgres)
    move.set_defaults(run=migrate)
    args = parser.parse_args(argv)
    if getattr(args, "instances", 1) < 1:
        return _fail("--instances phải từ 1 trở lên")
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
