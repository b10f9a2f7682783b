"""Icecast mounts, as the radio end-to-end test and the radio benchmark listen to them."""

import requests


def mounted(url):
    """True once a source feeds the mount (Icecast 2.4's status-json.xsl is not always valid
    JSON, so the mount itself is asked)."""
    try:
        with requests.get(url, stream=True, timeout=5) as answer:
            return answer.status_code == 200
    except requests.RequestException:
        return False
