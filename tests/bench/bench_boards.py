"""Public boards: slide rendering throughput per resolution, and the time from an emergency's
approval to its first frame on 100 simulated players.

1. **Rendering** (no site): the same long Vietnamese notice rendered by the product's renderer
   (bisection to the largest size that fits, Be Vietnam Pro) for 192×96, 384×192, 1080×1920
   and 1920×1080, and PNG-encoded; slides per second on one core. Beside it, in the same run,
   the naive alternative a board vendor often ships: one fixed font size, no fitting.
2. **Emergency to first frame**: a site with the official tree and 100 boards spread over 100
   communes, served by ``runwsgi``; 100 simulated kiosk players (one asyncio process) poll
   ``@board-playlist`` every 2 s with ``If-None-Match`` as ``kiosk.js`` does and, when the
   emergency appears, download its slide. The centre approves an emergency for the whole
   country; the figure is the time from the approving request's answer to each player
   holding the emergency's slide.

    .venv/bin/python tests/bench/bench_boards.py
"""

from datetime import datetime
from pathlib import Path

import argparse
import asyncio
import json
import statistics
import sys
import time


REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # run as a script: make ``tests.*`` importable
    sys.path.insert(0, str(REPO))

from tests.bench.bench_approval import build_in_child  # noqa: E402
from tests.bench.bench_approval import build_units  # noqa: E402
from tests.bench.bench_approval import code_version  # noqa: E402
from tests.bench.bench_approval import describe_code  # noqa: E402
from tests.bench.bench_approval import ensure_template  # noqa: E402
from tests.bench.bench_approval import free_port  # noqa: E402
from tests.bench.bench_approval import fresh_copy  # noqa: E402
from tests.bench.bench_approval import lap  # noqa: E402
from tests.bench.bench_approval import machine  # noqa: E402
from tests.bench.bench_approval import new_site  # noqa: E402
from tests.bench.bench_approval import PASSWORD  # noqa: E402
from tests.bench.bench_approval import say  # noqa: E402
from tests.bench.bench_approval import wait_until_serving  # noqa: E402
from tests.bench.bench_search import replace_section  # noqa: E402
from tests.bench.bench_syndication import start_server  # noqa: E402


SECTION = "## Boards: slide rendering, and an emergency's first frame on 100 players (issue 7)"
SECTION_PREFIX = "## Boards:"
BEGIN = "<!-- bench_boards.py: generated figures, replaced at every run -->"
END = "<!-- bench_boards.py: end of generated figures -->"
DATASET_VERSION = 1
SIZES = ((192, 96), (384, 192), (1080, 1920), (1920, 1080))
EDITOR, APPROVER = "bench-board-editor", "bench-board-approver"
TITLE = "Thông báo của UBND phường Thuận Hóa về việc phòng chống bão số 15"
TEXT = (
    "Nghệ An, Quảng Trị, Thừa Thiên Huế: người dân ở vùng trũng thấp, ven sông Hương cần di "
    "dời trước 17 giờ ngày 25/11. Đường Trường Chinh, Nguyễn Trãi ngập sâu; không đi qua "
    "ngầm, tràn. Mọi thông tin xin liên hệ tổ dân phố, công an phường, ban chỉ huy phòng "
    "chống thiên tai để được hỗ trợ kịp thời."
)


# --- 1. rendering ------------------------------------------------------------------------------


def naive(width, height):
    """One fixed size, lines cut at the edge: what the product must beat only in speed."""
    from nguon.boards import render
    from PIL import Image
    from PIL import ImageDraw

    slide = Image.new("RGB", (width, height), render.PALETTES["normal"][0])
    draw = ImageDraw.Draw(slide)
    font = render._font(render.REGULAR, max(8, height // 12))
    draw.text((4, 4), TITLE + " " + TEXT, font=font, fill=(255, 255, 255))
    return slide


def rendering(seconds):
    from nguon.boards import render

    rows = []
    for width, height in SIZES:
        row = {"size": f"{width}×{height}"}
        for name, make in (
            (
                "product",
                lambda w=width, h=height: render.render(
                    render.Board(w, h), TITLE, TEXT
                ),
            ),
            ("naive", lambda w=width, h=height: naive(w, h)),
        ):
            count, started = 0, time.perf_counter()
            while time.perf_counter() - started < seconds:
                render.png(make())
                count += 1
            row[name] = count / (time.perf_counter() - started)
        say(
            f"rendering {row['size']}: {row['product']:.1f} slides/s (naive {row['naive']:.1f})"
        )
        rows.append(row)
    return rows


# --- 2. the site and the players -----------------------------------------------------------------


def build(root, boards=100):
    from nguon.devices.credentials import issue
    from nguon.units.tree import group_id
    from nguon.units.tree import UNIT_TYPE
    from plone import api

    import transaction

    started = time.perf_counter()
    steps = {}
    _app, site, _settings = new_site(root)
    transaction.commit()
    with api.env.adopt_user(username="admin"):
        build_units(site)
        steps["units"] = lap(started, steps)
        for userid, kind in ((EDITOR, "editors"), (APPROVER, "approvers")):
            api.user.create(
                username=userid, email=f"{userid}@nguon.invalid", password=PASSWORD
            )
            api.group.add_user(groupname=group_id("VN", kind), username=userid)
        communes = [
            b._unrestrictedGetObject()
            for b in api.content.find(
                portal_type=UNIT_TYPE,
                unit_level="commune",
                unrestricted=True,
                sort_on="id",
            )
        ]
        step = max(1, len(communes) // boards)
        tokens = []
        for commune in communes[::step][:boards]:
            board = api.content.create(
                container=commune,
                type="PublicBoard",
                title=f"Bảng tin {commune.Title()}",
                location="Nhà văn hóa",
                size_class="lcd",
                width=1920,
                height=1080,
                opening_start="00:00",
                opening_end="23:59",
            )
            tokens.append(issue(board))
        transaction.commit()
        steps["boards"] = lap(started, steps)
    central = "/".join(
        api.content.find(portal_type=UNIT_TYPE, unit_code="VN", unrestricted=True)[0]
        .getPath()
        .split("/")[2:]
    )
    return {
        "tokens": tokens,
        "central": central,
        "steps": steps,
        "code": code_version(),
        "site": site.getId(),
    }


async def player(port, base_path, token, state, interval, stop):
    """One kiosk: poll the playlist every ``interval`` s; fetch the emergency's slide."""
    etag = None
    connection = {}
    board = f"X-Board-Token: {token}\r\n"  # a token never travels in a URL

    async def get(path, headers=""):
        for attempt in (1, 2):  # the server may close an idle keep-alive connection
            if "writer" not in connection:
                (
                    connection["reader"],
                    connection["writer"],
                ) = await asyncio.open_connection("127.0.0.1", port)
            reader, writer = connection["reader"], connection["writer"]
            try:
                writer.write(
                    f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n".encode()
                )
                await writer.drain()
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            except (asyncio.IncompleteReadError, ConnectionError):
                connection.clear()
                if attempt == 2:
                    raise
                continue
            status = int(head.split()[1])
            fields = {}
            for line in head.split("\r\n")[1:]:
                name, _sep, value = line.partition(":")
                fields[name.strip().lower()] = value.strip()
            length = int(fields.get("content-length") or 0)
            body = await reader.readexactly(length) if length else b""
            if fields.get("connection", "").lower() == "close":
                writer.close()
                connection.clear()
            return status, fields.get("etag"), body

    while not stop.is_set():
        status, new_etag, body = await get(
            f"{base_path}/@board-playlist",
            board
            + "Accept: application/json\r\n"
            + (f"If-None-Match: {etag}\r\n" if etag else ""),
        )
        if status == 200:
            etag = new_etag
            data = json.loads(body)
            if data["emergency"] and state.get(token) is None and state.get("armed"):
                uid = data["slides"][0]["uid"]
                slide_status, _e, png = await get(
                    f"{base_path}/@@board-slide/{uid}", board
                )
                if slide_status == 200 and png:
                    state[token] = time.time()
        try:
            await asyncio.wait_for(stop.wait(), interval)
        except TimeoutError:
            pass
    if "writer" in connection:
        connection["writer"].close()


def emergency_to_first_frame(base_path, port, manifest, interval):
    import requests
    import threading

    state = {}
    result = {}

    def players():
        async def main():
            stop = asyncio.Event()
            result["stop"] = (asyncio.get_running_loop(), stop)
            await asyncio.gather(
                *(
                    player(port, base_path, token, state, interval, stop)
                    for token in manifest["tokens"]
                )
            )

        asyncio.run(main())

    thread = threading.Thread(target=players, daemon=True)
    thread.start()
    time.sleep(interval * 3)  # every player has its ETag
    base = f"http://127.0.0.1:{port}{base_path}"
    editor, approver = requests.Session(), requests.Session()
    editor.auth, approver.auth = (EDITOR, PASSWORD), (APPROVER, PASSWORD)
    editor.headers["Accept"] = approver.headers["Accept"] = "application/json"
    created = editor.post(
        f"{base}/{manifest['central']}",
        json={
            "@type": "BoardNotice",
            "title": "KHẨN CẤP: bão số 15 đổ bộ",
            "text": TEXT[:240],
            "priority": "emergency",
            "category": "disaster",
            "target_scope": "subtree",
            "display_duration": 20,
        },
    )
    assert created.status_code == 201, created.text
    item = created.json()["@id"]
    assert editor.post(f"{item}/@workflow/submit").status_code == 200
    state["armed"] = True
    published = approver.post(f"{item}/@workflow/publish")
    approved = time.time()
    assert published.status_code == 200, published.text
    deadline = time.time() + 120
    while time.time() < deadline and sum(
        1 for t in manifest["tokens"] if t in state
    ) < len(manifest["tokens"]):
        time.sleep(0.1)
    loop, stop = result["stop"]
    loop.call_soon_threadsafe(stop.set)
    thread.join(30)
    delays = sorted(state[t] - approved for t in manifest["tokens"] if t in state)
    return {
        "players": len(manifest["tokens"]),
        "reached": len(delays),
        "interval": interval,
        "first": delays[0],
        "median": statistics.median(delays),
        "p95": delays[int(len(delays) * 0.95) - 1],
        "last": delays[-1],
    }


# --- orchestration and the document ----------------------------------------------------------


def run(args):
    figures = {"rendering": rendering(args.render_seconds)}
    folder = Path(args.db).resolve() / f"v{DATASET_VERSION}"
    manifest, built_now = ensure_template(
        args,
        folder / "template",
        lambda template: build_in_child(__file__, template),
        "the unit tree and 100 boards",
    )
    run_folder = folder / "run"
    fresh_copy(folder / "template", run_folder)
    port = free_port()
    server, log = start_server(run_folder, port)
    base_path = f"/{manifest['site']}"
    try:
        wait_until_serving(server, f"http://127.0.0.1:{port}{base_path}")
        figures["emergency"] = emergency_to_first_frame(
            base_path, port, manifest, args.interval
        )
    finally:
        server.terminate()
        server.wait(timeout=120)
        log.close()
    e = figures["emergency"]
    say(
        f"emergency: {e['reached']}/{e['players']} players, last {e['last']:.2f} s after approval"
    )
    generated = section(args, manifest, built_now, figures)
    print(generated)
    if not args.no_doc:
        replace_section(SECTION, SECTION_PREFIX, BEGIN, END, generated)
        say("written to docs/benchmarks.md")


def section(args, manifest, built_now, figures):
    m = machine()
    e = figures["emergency"]
    lines = [
        BEGIN,
        "",
        f"Generated {datetime.now():%Y-%m-%d %H:%M} by `tests/bench/bench_boards.py` on {m['cpu']} "
        f"({m['nproc']} cores), {m['ram_gib']} GiB, Python {m['python']}, Plone {m['plone']}; "
        f"{describe_code(manifest['code'], code_version())}.",
        "",
        "**Rendering** the same long notice (title and ~60 words), PNG included, one core:",
        "",
        "| board | slides/s (product: fit, wrap, Be Vietnam Pro) | slides/s (naive: one size, no fitting) |",
        "|---|---:|---:|",
    ]
    for row in figures["rendering"]:
        lines.append(f"| {row['size']} | {row['product']:.1f} | {row['naive']:.1f} |")
    lines += [
        "",
        f"**Emergency to first frame** on {e['players']} simulated kiosk players polling every "
        f"{e['interval']:g} s (site {'built now' if built_now else 'reused'}: "
        + ", ".join(f"{k} {v} s" for k, v in manifest["steps"].items())
        + "), from the approving "
        "request's answer to each player holding the emergency's slide:",
        "",
        "| players reached | first s | median s | p95 s | last s |",
        "|---:|---:|---:|---:|---:|",
        f"| {e['reached']}/{e['players']} | {e['first']:.2f} | {e['median']:.2f} | {e['p95']:.2f} | {e['last']:.2f} |",
        "",
        END,
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--render-seconds", type=float, default=5)
    parser.add_argument("--interval", type=float, default=2)
    parser.add_argument("--db", default=str(REPO / "var" / "bench" / "boards"))
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--no-doc", action="store_true")
    parser.add_argument("--phase", choices=["build"], help=argparse.SUPPRESS)
    parser.add_argument("--root", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase == "build":
        Path(args.out).write_text(json.dumps(build(Path(args.root))))
        return 0
    run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
