"""Web Push of an alert to 10,000 phones: from the approval to the last push accepted by a
real push service, beside sending the same pushes one after the other in the same run.

1. **The push service** (``tests/webpush/pushservice.py``) runs in a process of its own on
   a free port, over HTTPS: it checks every push's VAPID JWT (ES256) against the site's
   public key and decrypts its aes128gcm body with the subscription's private key as a
   browser would, and notes when each was accepted.
2. **The site** is the tests' tree site (``tree_functional``, a real ZODB and Plone in this
   process), with N subscriptions (10,000 by default) of one ward (Thuận Hóa, 19786) made
   by the push service as browsers make them.
3. **Round "fan-out"** (what the product does): an approver publishes an alert for the
   province (Huế, 46) and the transaction commits; the outbox consumer ``webpush`` runs as
   the delivery thread runs it (``drain``): the payload encrypted for each subscription,
   sent by ``syndication.fanout`` (one event loop, keep-alive connections), the ledger's
   notes written and committed. Per push: the time from the approval's start to its
   acceptance by the push service (p50, p99, max); the total is the last one.
4. **Round "one by one"** (the alternative): the same alert's pushes sent with
   ``pywebpush.webpush()`` one after the other, each on a new connection (no session, no
   pool), M of them (``--sequential``, all by default), timed the same way from the first
   send.

    make bench-webpush
    .venv/bin/python tests/bench/bench_webpush.py --subscriptions 2000 --sequential 500

Figures are printed as a table and as JSON (``--json FILE``); docs/benchmarks.md, section
"Web Push of alerts", keeps the last ones with the machine and the code.
"""

from pathlib import Path

import json
import os
import subprocess
import sys
import time


REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

OPTIONS = {"subscriptions": 10000, "sequential": None, "json": None}


def percentile(values, share):
    ordered = sorted(values)
    if not ordered:
        return None
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def summary(times, start):
    delays = [at - start for at in times]
    return {
        "count": len(delays),
        "p50_s": round(percentile(delays, 0.50), 3),
        "p99_s": round(percentile(delays, 0.99), 3),
        "max_s": round(max(delays), 3),
    }


class ServiceProcess:
    """The push service in its own process, driven through ``/_control/``."""

    def __init__(self):
        self.process = subprocess.Popen(
            [sys.executable, str(REPO / "tests" / "webpush" / "pushservice.py")],
            stdout=subprocess.PIPE,
            text=True,
            cwd=str(REPO),
        )
        port, ca = self.process.stdout.readline().split()
        self.port, self.ca = int(port), ca
        self.origin = f"https://127.0.0.1:{self.port}"

    def call(self, path, data):
        import requests

        answer = requests.post(
            f"{self.origin}/_control/{path}", json=data, verify=self.ca, timeout=600
        )
        answer.raise_for_status()
        return answer.json()

    def cpu(self):
        """CPU seconds the service's process used so far (user and system)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1]
        utime, stime = fields.split()[11:13]
        return (int(utime) + int(stime)) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


def machine():
    return {
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": sys.version.split()[0],
    }


def test_bench_webpush(tree_functional, monkeypatch):
    from nguon.outbox.worker import drain
    from nguon.syndication import fanout
    from nguon.webpush import consumer
    from nguon.webpush import message
    from nguon.webpush.store import state
    from plone import api
    from py_vapid import Vapid02
    from pywebpush import webpush
    from tests.alerts.alert_support import make_alert
    from tests.alerts.alert_support import publish

    import ssl
    import transaction

    count = OPTIONS["subscriptions"]
    sequential = OPTIONS["sequential"] or count
    portal = tree_functional["portal"]
    api.portal.set_registry_record(
        "nguon.syndication.allowed_networks", ["127.0.0.0/8"]
    )
    found = state(portal)
    service = ServiceProcess()
    try:
        monkeypatch.setattr(
            fanout, "_tls", ssl.create_default_context(cafile=service.ca)
        )
        names = [f"p{n}" for n in range(count)]
        started = time.monotonic()
        bodies = service.call(
            "subscribe", {"names": names, "vapid_key": found.public_key}
        )
        for body in bodies:
            found.subscribe(
                "19786", body["endpoint"], body["keys"]["p256dh"], body["keys"]["auth"]
            )
        transaction.commit()
        print(f"\n{count} subscriptions in {time.monotonic() - started:.1f} s")

        # -- round "fan-out": the product ------------------------------------------
        alert = make_alert()
        transaction.commit()
        load_before = os.getloadavg()[0]
        cpu_site, cpu_service = time.process_time(), service.cpu()
        start = time.time()
        publish(alert)
        transaction.commit()
        approved = time.time()
        results = drain(portal, names=["webpush"])
        transaction.commit()
        done = time.time()
        cpu_site, cpu_service = (
            time.process_time() - cpu_site,
            service.cpu() - cpu_service,
        )
        assert results["webpush"].unavailable is None
        got = service.call("messages", {"forget": True})
        assert not got["refused"], got["refused"][:3]
        times = [m["at"] for m in got["messages"]]
        assert len(times) == count, (len(times), count)
        pooled = summary(times, start)
        pooled.update(
            approval_commit_s=round(approved - start, 3),
            consumer_s=round(done - approved, 3),
            connections=got["connections"],
            load_average_before=round(load_before, 2),
            cpu_site_s=round(cpu_site, 2),
            cpu_push_service_s=round(cpu_service, 2),
        )

        # -- round "one by one": pywebpush.webpush(), a new connection each ------------
        os.environ["REQUESTS_CA_BUNDLE"] = service.ca
        vapid = Vapid02.from_pem(found.private_pem.encode("ascii"))
        url = alert.absolute_url()
        headers = {"Urgency": "high", "Topic": message.topic(alert)}
        connections_before = got["connections"]
        load_before = os.getloadavg()[0]
        cpu_site, cpu_service = time.process_time(), service.cpu()
        start = time.time()
        for body in bodies[:sequential]:
            data = message.encoded(
                message.payload(alert, "new", "19786", url, alert.UID())
            )
            webpush(
                body,
                data=data,
                vapid_private_key=vapid,
                vapid_claims={"sub": consumer.subject(portal)},
                headers=dict(headers),
                ttl=message.ttl(alert),
            )
        got = service.call("messages", {"forget": True})
        assert not got["refused"], got["refused"][:3]
        times = [m["at"] for m in got["messages"]]
        assert len(times) == sequential
        one_by_one = summary(times, start)
        one_by_one.update(
            connections=got["connections"] - connections_before,
            load_average_before=round(load_before, 2),
            cpu_site_s=round(time.process_time() - cpu_site, 2),
            cpu_push_service_s=round(service.cpu() - cpu_service, 2),
        )
    finally:
        service.stop()
        os.environ.pop("REQUESTS_CA_BUNDLE", None)
        for endpoint in list(found.subscriptions("19786")):
            found.unsubscribe("19786", endpoint)
        transaction.commit()

    figures = {
        "subscriptions": count,
        "fan_out": pooled,
        "one_by_one": one_by_one,
        "machine": machine(),
    }
    if one_by_one["count"] < count:
        figures["one_by_one"]["projected_total_s"] = round(
            one_by_one["max_s"] * count / one_by_one["count"], 1
        )
    print(json.dumps(figures, indent=2))
    print(
        "\n| | pushes | p50 | p99 | max (= total) | connections |\n|---|--:|--:|--:|--:|--:|"
    )
    for name, row in (("fan-out", pooled), ("one by one", one_by_one)):
        print(
            f"| {name} | {row['count']:,} | {row['p50_s']} s | {row['p99_s']} s |"
            f" {row['max_s']} s | {row['connections']} |"
        )
    if OPTIONS["json"]:
        Path(OPTIONS["json"]).write_text(json.dumps(figures, indent=2))


def main(argv=None):
    import argparse
    import pytest

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscriptions", type=int, default=10000)
    parser.add_argument(
        "--sequential", type=int, default=None, help="pushes one by one (all)"
    )
    parser.add_argument("--json", default=None, help="write the figures here")
    args = parser.parse_args(argv)
    os.environ["BENCH_WEBPUSH"] = json.dumps(vars(args))
    return pytest.main([__file__, "-q", "-s", "-p", "no:cacheprovider"])


if "BENCH_WEBPUSH" in os.environ:
    OPTIONS.update(json.loads(os.environ["BENCH_WEBPUSH"]))

if __name__ == "__main__":
    sys.exit(main())
