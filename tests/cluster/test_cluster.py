"""The cluster runs as nguon-cluster starts it: two instances on one RelStorage database
behind HAProxy and Varnish, the demo site answering on every path, an edit made on one
instance seen by the other, Solr behind HAProxy, and ``nguon-cluster status``."""

from pathlib import Path

import base64
import json
import pytest
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid


pytestmark = pytest.mark.slow  # the session's cluster takes minutes to start

ADMIN = "admin:admin"


def fetch(url, method="GET", data=None, auth=None, accept=None):
    request = urllib.request.Request(url, method=method)
    if data is not None:
        request.data = json.dumps(data).encode()
        request.add_header("Content-Type", "application/json")
    if auth:
        request.add_header(
            "Authorization", "Basic " + base64.b64encode(auth.encode()).decode()
        )
    if accept:
        request.add_header("Accept", accept)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def until(condition, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return condition()


def test_two_instances_behind_haproxy_are_up(cluster):
    assert len(cluster.instance_urls) == 2
    states = cluster.haproxy_states()
    assert states["i1"] == "UP" and states["i2"] == "UP", states


@pytest.mark.parametrize("which", ["url", "balancer_url"])
def test_the_demo_site_answers_through_varnish_and_haproxy(cluster, which):
    status, body = fetch(getattr(cluster, which))
    assert status == 200
    assert "Nguồn" in body


def test_every_instance_serves_the_site(cluster):
    for url in cluster.instance_urls:
        status, body = fetch(url)
        assert status == 200, url
        assert "Nguồn" in body


def test_an_edit_on_one_instance_is_seen_by_the_other(cluster):
    first, second = cluster.instance_urls
    name = f"cluster-{uuid.uuid4().hex[:8]}"
    status, _ = fetch(
        first,
        "POST",
        {"@type": "Document", "id": name, "title": "Trên instance 1"},
        auth=ADMIN,
        accept="application/json",
    )
    assert status == 201
    status, body = fetch(f"{second}/{name}", auth=ADMIN, accept="application/json")
    assert status == 200
    assert json.loads(body)["title"] == "Trên instance 1"
    status, _ = fetch(
        f"{second}/{name}",
        "PATCH",
        {"title": "Sửa trên instance 2"},
        auth=ADMIN,
        accept="application/json",
    )
    assert status == 204
    status, body = fetch(f"{first}/{name}", auth=ADMIN, accept="application/json")
    assert json.loads(body)["title"] == "Sửa trên instance 2"


def test_solr_answers_behind_haproxy(cluster):
    status, body = fetch(f"{cluster.solr_url}/admin/ping?wt=json")
    assert status == 200
    assert json.loads(body)["status"] == "OK"
    assert all(
        cluster.haproxy_states()[f"s{i + 1}"] == "UP"
        for i in range(len(cluster.solr.node_urls))
    )


def test_a_blob_stored_through_one_instance_is_served_by_the_other(cluster):
    """Blobs live in PostgreSQL (shared-blob-dir false): the second instance fetches the
    file from the database into its own cache."""
    conf = (cluster.folder / "instance1" / "etc" / "zope.conf").read_text()
    assert "<relstorage>" in conf and "keep-history false" in conf
    assert "shared-blob-dir false" in conf
    first, second = cluster.instance_urls
    name = f"blob-{uuid.uuid4().hex[:8]}"
    payload = f"Tệp thử của cụm {name}\n".encode() * 200
    status, _ = fetch(
        first,
        "POST",
        {
            "@type": "File",
            "id": name,
            "title": name,
            "file": {
                "data": base64.b64encode(payload).decode(),
                "encoding": "base64",
                "filename": f"{name}.txt",
                "content-type": "text/plain",
            },
        },
        auth=ADMIN,
        accept="application/json",
    )
    assert status == 201
    request = urllib.request.Request(f"{second}/{name}/@@download/file")
    request.add_header(
        "Authorization", "Basic " + base64.b64encode(ADMIN.encode()).decode()
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        assert answer.read() == payload
    assert int(cluster.postgres.psql("SELECT count(*) FROM blob_chunk", "nguon")) > 0


def test_status_command_reports_every_part(cluster):
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("nguon-cluster")),
            "status",
            "--var",
            str(cluster.var),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for part in ("varnish", "haproxy", "instance1", "instance2", "solr", "postgresql"):
        assert f"OK  {part}" in done.stdout


def test_a_postgresql_restart_gives_a_clear_503_and_the_cluster_recovers(cluster):
    """While PostgreSQL is down every request gets a 503 with a short Vietnamese page (from
    the instance, or from HAProxy once the checks took the instances out); once it is back
    the instances reconnect and HAProxy brings them back, with no restart."""
    cluster.postgres_stop()
    try:
        for url in (cluster.instance_urls[0], cluster.balancer_url):
            status, body = fetch(url)
            assert status == 503, url
            assert "Hệ thống tạm thời gián đoạn" in body
    finally:
        cluster.postgres_start()
    assert until(lambda: all(fetch(url)[0] == 200 for url in cluster.instance_urls))
    assert until(
        lambda: all(cluster.haproxy_states()[f"i{i + 1}"] == "UP" for i in range(2))
    )
    assert fetch(cluster.balancer_url)[0] == 200
