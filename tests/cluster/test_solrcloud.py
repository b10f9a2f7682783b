"""SolrCloud (nguon.cluster.solrcloud): ZooKeeper and three Solr nodes, each a JVM of its own,
holding the collection ``plone`` of the project's configset (one shard, a replica on every
node). nguon's indexing works through any node, and a node killed with SIGKILL loses neither
a search nor a document.

One cloud for the module (its start is most of the time): the tests run in file order and the
fault test comes last."""

from nguon.cluster.solrcloud import solr_dir
from nguon.cluster.solrcloud import SolrCloud
from nguon.instance.settings import ConfigurationError
from nguon.search import client
from tests.e2e.instance import free_port
from types import SimpleNamespace

import pytest
import shutil
import socket
import time


pytestmark = pytest.mark.slow  # four JVMs start, one dies and starts again: minutes

CONFIGSET = solr_dir() / "home" / "configsets" / "plone" / "conf"


def free_ports(count):
    ports = set()
    while len(ports) < count:
        ports.add(free_port())
    return list(ports)


@pytest.fixture(scope="module")
def cloud(tmp_path_factory):
    zk_port, *node_ports = free_ports(4)
    folder = tmp_path_factory.mktemp("solrcloud")
    # The project's configset as it is now: an edit of the checkout during the run would be
    # a change that the setup step must upload.
    configset = shutil.copytree(CONFIGSET, folder / "conf")
    cloud = SolrCloud(
        folder,
        zk_port,
        node_ports,
        heap="384m",
        configset=configset,
        # C1 only: the JVMs start with less CPU (the tests run beside others on 2 cores)
        java_options=["-XX:TieredStopAtLevel=1"],
    )
    cloud.start()
    yield cloud
    cloud.stop()


def test_a_taken_port_is_named_before_anything_starts(tmp_path):
    zk_port, *node_ports = free_ports(4)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", node_ports[1]))
        taken.listen()
        cloud = SolrCloud(tmp_path / "cloud", zk_port, node_ports)
        with pytest.raises(ConfigurationError) as error:
            cloud.start()
    assert str(error.value) == (
        f"cổng {node_ports[1]} trên 127.0.0.1 (của nút Solr 1) đang bận: "
        "có SolrCloud khác đang chạy?"
    )
    assert cloud.zookeeper is None
    assert not (tmp_path / "cloud").exists()


def until(condition, timeout=60, pause=0.3):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(pause)


def document(uid, title, text="", **fields):
    return {
        "UID": uid,
        "path_string": f"/plone/tin/{uid}",
        "portal_type": "News Item",
        "review_state": "published",
        "allowedRolesAndUsers": ["Anonymous"],
        "Title": title,
        "SearchableText": f"{title} {text}",
        **fields,
    }


def add(url, docs, **params):
    client.update([("add", {"doc": doc}) for doc in docs], url=url, **params)


def commit(url):
    client.update([("commit", {})], url=url)


def uids_on(url, local=False):
    """The UIDs a node answers for ``*:*``; ``local``: only its own replica's."""
    params = {"q": "*:*", "fl": "UID", "rows": 10000}
    if local:
        params["distrib"] = "false"
    answer = client.search(params, handler="select", url=url)
    return {doc["UID"] for doc in answer["response"]["docs"]}


def test_every_node_holds_an_active_replica(cloud):
    state = cloud.cluster_state()
    names = sorted(r["node_name"] for r in state["replicas"])
    assert names == sorted(cloud.node_name(i) for i in range(3))
    assert {r["state"] for r in state["replicas"]} == {"active"}
    assert cloud.leader() in (0, 1, 2)
    for url in cloud.node_urls:
        assert client.ping(url, timeout=10)
        # collective.solr reads the classic schema.xml as a file, in cloud mode from ZooKeeper
        assert "<uniqueKey>UID</uniqueKey>" in client.schema_file(url=url)


def test_setup_again_changes_nothing(cloud):
    log = cloud.folder / "setup.log"
    first = log.read_text()
    assert "configset 'plone' uploaded" in first
    assert "collection 'plone' created" in first
    cloud.setup()
    again = log.read_text()[len(first) :]
    assert "nguon-solr: ready collection plone" in again
    assert "uploaded" not in again
    assert "created" not in again
    assert "reloaded" not in again


def test_nguon_indexing_through_any_node(cloud):
    first, second, third = cloud.node_urls
    add(
        first,
        [
            document("cloud-a", "Thông báo cắt điện", "phường Thuận Hóa"),
            document("cloud-b", "Lịch tiêm chủng", "trạm y tế"),
        ],
        commitWithin=500,
    )
    # An atomic update (as collective.solr sends them) through another node than the leader's
    # or the first one's: the leader reads the stored document and rewrites it.
    client.update(
        [("add", {"doc": {"UID": "cloud-b", "Description": {"set": "Tiêm vắc xin"}}})],
        url=second,
        commitWithin=500,
    )

    def found(url, query):
        answer = client.search({"q": query}, url=url)  # the /search handler
        return [doc["UID"] for doc in answer["response"]["docs"]]

    # Typed without diacritics: found through the schema's *_folded copyFields, on every node
    for url in (first, second, third):
        assert until(lambda url=url: found(url, "thong bao cat dien")) == ["cloud-a"]
        assert until(lambda url=url: found(url, "vac xin")) == ["cloud-b"]
    for url in cloud.node_urls:
        docs = client.search(
            {"q": "UID:cloud-b", "fl": "UID,Title,Description", "distrib": "false"},
            handler="select",
            url=url,
        )["response"]["docs"]
        assert docs == [
            {
                "UID": "cloud-b",
                "Title": "Lịch tiêm chủng",
                "Description": "Tiêm vắc xin",
            }
        ]


def test_collective_solr_through_a_node(cloud, monkeypatch):
    """collective.solr's own connection (one host, XML updates with update="set" and
    commitWithin, the schema read as a file) against a node that is not the leader."""
    from collective.solr import solr

    # No Plone here: the registry record the site has (profiles/default/registry.xml)
    monkeypatch.setattr(solr, "getConfig", lambda: SimpleNamespace(atomic_updates=True))

    i = (cloud.leader() + 1) % 3
    connection = solr.SolrConnection(
        host=f"127.0.0.1:{cloud.node_ports[i]}", solrBase="/solr/plone", timeout=30
    )
    try:
        assert connection.get_schema()["uniqueKey"] == "UID"
        connection.add(UID="cloud-c", Title="Đường Đông Đô", commitWithin=500)
        connection.add(
            UID="cloud-c", Description="sửa chữa"
        )  # update="set": Title stays
        connection.flush()
    finally:
        connection.close()
    for url in cloud.node_urls:
        assert until(
            lambda url=url: client.search(
                {"q": "duong dong do", "fl": "UID,Title,Description"}, url=url
            )["response"]["docs"]
        ) == [{"UID": "cloud-c", "Title": "Đường Đông Đô", "Description": "sửa chữa"}]


def test_a_killed_node_loses_no_search_and_no_document(cloud):
    """The node holding the shard's leader is killed (the harder case: updates wait for a new
    leader); searches on the two others answer all along, documents indexed while it is down
    reach it when it starts again, and every replica ends with every document."""
    victim = cloud.leader()
    survivors = [i for i in range(3) if i != victim]
    entry = cloud.node_urls[survivors[0]]
    before = {f"before-{n}" for n in range(40)}
    add(entry, [document(uid, f"Tin số {uid}") for uid in sorted(before)])
    commit(entry)
    everything = before | {"cloud-a", "cloud-b", "cloud-c"}
    assert uids_on(entry) == everything

    cloud.kill_node(victim, wait=False)
    for i in survivors:  # at once, before ZooKeeper has noticed
        assert uids_on(cloud.node_urls[i]) == everything
        assert client.ping(cloud.node_urls[i], timeout=10)
    assert not client.ping(cloud.node_urls[victim], timeout=2)

    # wait until ZooKeeper dropped it and a survivor leads
    print(f"a new leader {cloud.kill_node(victim)} s after the kill")
    assert cloud.leader() in survivors
    during = {f"during-{n}" for n in range(20)}
    add(
        cloud.node_urls[survivors[1]],
        [document(uid, f"Tin số {uid}") for uid in sorted(during)],
    )
    commit(entry)
    everything |= during
    for i in survivors:
        assert uids_on(cloud.node_urls[i]) == everything
        assert uids_on(cloud.node_urls[i], local=True) == everything

    # returns once its replica is active: it caught up
    print(f"the killed node active again in {cloud.start_node(victim)} s")
    assert sorted(cloud.active_nodes()) == [0, 1, 2]
    for url in cloud.node_urls:
        assert uids_on(url, local=True) == everything
    assert uids_on(cloud.node_urls[victim]) == everything
