"""``@approval-queue`` answers in plone.restapi batches, attack first: a request for every
waiting item at once (a huge ``b_size``) or from a negative start is refused with a clear
message; pages follow the ``batching`` links and together hold the whole queue."""

from nguon.testing import TREE_PASSWORD
from nguon.testing import tree_user
from tests.search.helpers import create
from tests.search.helpers import transition

import requests
import transaction


def _approver(url, **params):
    return requests.get(
        url,
        params=params,
        auth=(tree_user("19786", "approvers"), TREE_PASSWORD),
        headers={"Accept": "application/json"},
        timeout=30,
    )


def test_the_queue_comes_in_bounded_batches(tree_functional):
    portal = tree_functional["portal"]
    commune, editor = portal["vn"]["46"]["19786"], tree_user("19786", "editors")
    for number in range(5):
        transition(
            editor,
            "submit",
            create(
                commune,
                "Bulletin",
                editor,
                title=f"Tin chờ duyệt {number}",
                channels={"web"},
            ),
        )
    transaction.commit()
    url = f"{portal.absolute_url()}/@approval-queue"
    for params in (
        {"b_size": 10**9},
        {"b_size": 0},
        {"b_size": "tất cả"},
        {"b_start": -1},
    ):
        refused = _approver(url, **params)
        assert refused.status_code == 400, params
        assert "b_s" in refused.json()["message"], refused.json()
    first = _approver(url, b_size=2).json()
    assert first["items_total"] == 5 and len(first["items"]) == 2
    assert first["counts"] == [
        {"unit": "19786", "title": "Phường Thuận Hóa", "count": 5}
    ]  # the whole queue
    seen, page = [], first
    while True:
        seen += [item["title"] for item in page["items"]]
        following = page.get("batching", {}).get("next")
        if not following:
            break
        page = requests.get(
            following,
            auth=(tree_user("19786", "approvers"), TREE_PASSWORD),
            headers={"Accept": "application/json"},
            timeout=30,
        ).json()
    assert sorted(seen) == [f"Tin chờ duyệt {number}" for number in range(5)]
    assert "batching" not in _approver(url).json()  # 5 fit in the default batch of 25
