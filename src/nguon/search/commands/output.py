"""The lines ``nguon-search`` writes: ``nguon: …`` on stdout, lists cut after SHOWN entries,
items named by their path in the catalog or in Solr."""

from nguon.search import client

import sys


SHOWN = 20  # differences, refusals and dead letters listed per kind


def say(message="", stream=None):
    print(f"nguon: {message}", file=stream or sys.stdout, flush=True)


def more(count):
    if count > SHOWN:
        say(f"  … và {count - SHOWN} mục nữa")


def catalog_paths(site, uids):
    if not uids:
        return {}
    brains = site.portal_catalog.unrestrictedSearchResults(UID=list(uids))
    return {brain.UID: brain.getPath() for brain in brains}


def solr_paths(uids):
    if not uids:
        return {}
    query = " OR ".join(f'"{uid}"' for uid in uids)
    answer = client.get(
        "select", q=f"UID:({query})", fl="UID,path_string", rows=len(uids)
    )
    return {
        doc["UID"]: doc.get("path_string", "") for doc in answer["response"]["docs"]
    }
