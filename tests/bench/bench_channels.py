"""What proving a delivery adds to the request that proves it: the channels' ledger entries.

Issue 15's goal: recording a delivery adds under 1 ms to the request that proves it. Here
the request's own work is measured with the product's code, on a real FileStorage:

- a Plone site with ``nguon:default``, the official tree of one province (Nghệ An: 130
  communes), a radio station and a board in ``--devices`` of its communes, and
  ``--essential`` essential items (radio, board and web) targeted at the whole province,
  entered in the ledger as at their publication (``nguon.ledger.obligations.enter``), so each
  proof finds an obligation of 130 × 3 pairs;
- **radio**: a station's as-run report of one record (``started``, then ``finished``, whose
  seconds come from the ``started`` record), stored with ``nguon.devices.reports.report`` and
  committed, as ``POST @station-asrun`` does; **board**: a proof of play of one record, as
  ``POST @board-proof`` does. Each sample alternates between the kind without its ledger
  entry (``then`` removed) and the product's kind, and also times the entry alone;
- **web**: the entry of one acknowledged push (``nguon.syndication.delivery.acknowledged``)
  of one item, committed, beside a commit of the subscription's delivery note alone.

Usage::

    .venv/bin/python tests/bench/bench_channels.py                 # docs/benchmarks.md
    .venv/bin/python tests/bench/bench_channels.py --samples 100 --no-doc
"""

from collections import Counter
from dataclasses import replace
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from pathlib import Path

import argparse
import random
import shutil
import sys
import time


REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # run as a script: make ``tests.*`` importable
    sys.path.insert(0, str(REPO))

from tests.bench.bench_approval import code_version  # noqa: E402
from tests.bench.bench_approval import machine  # noqa: E402
from tests.bench.bench_approval import new_site  # noqa: E402
from tests.bench.bench_approval import say  # noqa: E402
from tests.bench.bench_approval import stats  # noqa: E402
from tests.bench.bench_search import ms  # noqa: E402
from tests.bench.bench_search import replace_section  # noqa: E402


SECTION = "## Channels: what proving a delivery adds to its request (issue 15)"
SECTION_PREFIX = "## Channels:"
BEGIN = "<!-- bench_channels.py: generated figures, replaced at every run -->"
END = "<!-- bench_channels.py: end of generated figures -->"
PROVINCE = "40"  # Tỉnh Nghệ An, 130 communes


def build(root, devices, essential):
    """The site (see the module); returns it, the communes with devices as ``(code,
    station, board)`` and the essential items' UIDs."""
    from nguon.ledger.obligations import enter
    from nguon.ledger.store import ledger
    from nguon.ledger.units import receiving_units
    from nguon.units.importer import sync_tree
    from nguon.units.importer import sync_unit
    from nguon.units.official import CENTRAL
    from nguon.units.official import provinces
    from nguon.units.tree import find_unit
    from nguon.workflow.approval import ApprovalState
    from plone import api

    import transaction

    _app, site, _settings = new_site(root)
    transaction.commit()
    with api.env.adopt_user(username="admin"):
        sync_tree(sync_unit(site, CENTRAL, Counter()), provinces()[PROVINCE])
        transaction.commit()
        communes = receiving_units(((PROVINCE, True),), site)
        equipped = []
        for unit in (find_unit(commune.code) for commune in communes[:devices]):
            station = api.content.create(
                container=unit, type="RadioStation", title=f"Đài {unit.title}"
            )
            board = api.content.create(
                container=unit,
                type="PublicBoard",
                title=f"Bảng tin {unit.title}",
                size_class="led",
                width=384,
                height=192,
            )
            equipped.append((unit.code, station.UID(), board.UID()))
        store, uids = ledger(site), []
        for number in range(essential):
            item = api.content.create(
                container=find_unit(PROVINCE),
                type="Bulletin",
                title=f"Thông báo thiết yếu số {number}",
                category="disaster",
                channels={"radio", "board", "web"},
                essential=True,
                target_scope="subtree",
            )
            approval = ApprovalState(item)
            approval.start()
            approval.record_approval("admin")
            enter(store, item, datetime.now(UTC) - timedelta(days=1))
            uids.append(item.UID())
        transaction.commit()
    say(f"{len(communes)} communes, {len(equipped)} equipped, {essential} items")
    return site, equipped, uids


def timed(kind, spent):
    """``kind`` whose ``then`` notes its own duration in ``spent``."""

    def then(*args, **context):
        started = time.perf_counter()
        kind.then(*args, **context)
        spent.append(time.perf_counter() - started)

    return replace(kind, then=then)


def device_reports(site, equipped, uids, samples):
    """Per channel: ``{"without": [...], "with": [...], "entry": [...]}`` in seconds."""
    from nguon.boards.proof import PROOF
    from nguon.devices.reports import report
    from nguon.radio.asrun import ASRUN

    import transaction

    found = {}
    rng = random.Random(15)
    base = datetime.now(UTC) - timedelta(hours=12)
    for channel, kind in (("radio", ASRUN), ("board", PROOF)):
        entry = []
        kinds = {"without": replace(kind, then=None), "with": timed(kind, entry)}
        times = {"without": [], "with": []}
        for sample in range(samples):
            unit, station, board = rng.choice(equipped)
            item = rng.choice(uids)
            for variant in ("without", "with"):
                at = base + timedelta(seconds=sample * 10 + (variant == "with") * 5)
                if channel == "radio":
                    device, context = station, {"unit_code": unit}
                    report(
                        site,
                        kinds[variant],
                        station,
                        [{"item": item, "status": "started", "at": at.isoformat()}],
                        **context,
                    )
                    transaction.commit()
                    at += timedelta(seconds=3)
                    raw = {"item": item, "status": "finished", "at": at.isoformat()}
                else:
                    device, context = board, {"unit_code": unit}
                    raw = {"item": item, "shown_at": at.isoformat(), "seconds": 8}
                started = time.perf_counter()
                report(site, kinds[variant], device, [raw], **context)
                transaction.commit()
                times[variant].append(time.perf_counter() - started)
        found[channel] = {
            **times,
            "entry": entry[1::2] if channel == "radio" else entry,
        }
    return found


def web_pushes(site, equipped, uids, samples):
    from nguon.syndication.delivery import acknowledged
    from nguon.syndication.pusher import Push
    from nguon.syndication.subscriptions import Delivery
    from persistent.mapping import PersistentMapping
    from zope.annotation.interfaces import IAnnotations

    import transaction

    class Subscription:  # what ``acknowledged`` reads of one
        def __init__(self, unit_code):
            self.unit_code = unit_code

    notes = IAnnotations(site).setdefault("bench.channels", PersistentMapping())
    delivery = notes["delivery"] = Delivery(0)
    transaction.commit()
    rng = random.Random(16)
    times = {"without": [], "with": [], "entry": []}
    for sample in range(samples):
        unit, _station, _board = rng.choice(equipped)
        push = Push(f"sub-{unit}", "http://127.0.0.1:9/nhan-tin", b"", {}, 0, 1, "d")
        push.items, push.code, push.ok = (rng.choice(uids),), 200, True
        started = time.perf_counter()
        delivery.succeeded(sample, 1, 200, 1.0)
        transaction.commit()
        times["without"].append(time.perf_counter() - started)
        started = time.perf_counter()
        delivery.succeeded(sample, 1, 200, 1.0)
        moment = time.perf_counter()
        acknowledged(site, Subscription(unit), push, time.time() + sample)
        times["entry"].append(time.perf_counter() - moment)
        transaction.commit()
        times["with"].append(time.perf_counter() - started)
    return times


def section(results, args):
    code = code_version()
    computer = machine()
    lines = [
        BEGIN,
        "",
        f"Measured {datetime.now():%Y-%m-%d} on {computer['cpu']} ({computer['nproc']} "
        f"cores, {computer['ram_gib']} GiB), code {code['commit']}"
        + (" with local changes" if code["changed"] else "")
        + f"; {args.samples} samples per row, one report (or push) per transaction, on a "
        f"FileStorage; obligations of {args.essential} essential items × 130 communes × "
        "3 channels. `tests/bench/bench_channels.py`.",
        "",
        "| channel | request without ledger p50 ms | p95 | with ledger p50 ms | p95 "
        "| ledger entry alone p50 ms | p95 | mean |",
        "|---|---|---|---|---|---|---|---|",
    ]
    names = {
        "radio": "radio: as-run `finished` (seconds from its `started`)",
        "board": "board: proof of play",
        "web": "web: acknowledged push of one item (the push thread)",
    }
    for channel, times in results.items():
        without, with_, entry = (
            stats(times["without"]),
            stats(times["with"]),
            stats(times["entry"]),
        )
        lines.append(
            f"| {names[channel]} | {ms(without['p50'])} | {ms(without['p95'])} "
            f"| {ms(with_['p50'])} | {ms(with_['p95'])} | {ms(entry['p50'])} "
            f"| {ms(entry['p95'])} | {ms(entry['mean'])} |"
        )
    lines += [
        "",
        "The request columns include the commit (what the device waits for); the entry is "
        "the channel's ledger code alone (`then` of the report kind, or `acknowledged`).",
        "",
        END,
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--devices", type=int, default=20)
    parser.add_argument("--essential", type=int, default=50)
    parser.add_argument("--db", default=str(REPO / "var" / "bench" / "channels"))
    parser.add_argument("--no-doc", action="store_true")
    args = parser.parse_args(argv)
    root = Path(args.db).resolve()
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    site, equipped, uids = build(root, args.devices, args.essential)
    results = device_reports(site, equipped, uids, args.samples)
    results["web"] = web_pushes(site, equipped, uids, args.samples)
    generated = section(results, args)
    print(generated)
    if not args.no_doc:
        replace_section(SECTION, SECTION_PREFIX, BEGIN, END, generated)


if __name__ == "__main__":
    main()
