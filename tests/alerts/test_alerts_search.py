"""A published Test or Exercise alert is in no public search: the anonymous user lost View
on it, the security indexes follow, and the search on the real Solr answers accordingly."""

from tests.alerts.alert_support import APPROVER
from tests.alerts.alert_support import make_alert
from tests.alerts.alert_support import publish
from tests.search.helpers import deliver
from tests.search.helpers import solr_doc
from tests.search.helpers import use_node

import requests


def test_an_exercise_alert_is_found_by_its_officials_only(tree_solr):
    use_node(tree_solr["solr"])
    portal = tree_solr["portal"]
    actual = publish(make_alert(title="Lũ quét sông Hương"))
    exercise = publish(make_alert(title="Lũ quét diễn tập", cap_status="Exercise"))
    deliver(portal)
    assert solr_doc(actual.UID()) and solr_doc(exercise.UID())  # both indexed

    def found(auth=None):
        answer = requests.get(
            f"{portal.absolute_url()}/@search",
            params={"SearchableText": "lu quet", "portal_type": "Alert"},
            headers={"Accept": "application/json"},
            auth=auth,
            timeout=30,
        )
        return sorted(entry["title"] for entry in answer.json()["items"])

    assert found() == ["Lũ quét sông Hương"]
    assert found((APPROVER, "tree-password-1")) == [
        "Lũ quét diễn tập",
        "Lũ quét sông Hương",
    ]
