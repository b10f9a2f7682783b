"""The HTTP calls nguon makes to Solr, at the address collective.solr is configured with.

Unlike collective.solr's connection, nothing here swallows an error: a Solr that cannot be
reached, times out or fails (5xx) raises ``SolrUnavailable``; a request Solr rejects (4xx)
raises ``SolrRejected`` with Solr's own message.
"""

from plone.registry.interfaces import IRegistry
from zope.component import queryUtility

import json
import os
import requests
import threading


_local = threading.local()


class SolrError(Exception):
    pass


class SolrUnavailable(SolrError):
    """Solr did not answer, answered too late, or failed on its side."""


class SolrRejected(SolrError):
    """Solr refused the request (bad document or query)."""

    def __init__(self, status, message):
        super().__init__(f"HTTP {status}: {message}")
        self.status = status


def _record(name, default=None):
    """A collective.solr setting; ``default`` while the site has no registry (being made)."""
    registry = queryUtility(IRegistry)
    if registry is None:
        return default
    return registry.get(f"collective.solr.{name}", default)


def core_url():
    """The core's URL from collective.solr's settings (environment overrides included)."""

    def setting(name):
        return os.environ.get(f"COLLECTIVE_SOLR_{name.upper()}") or _record(name)

    scheme = (
        "https" if str(setting("https_connection")).lower() in ("true", "1") else "http"
    )
    base = "/" + str(setting("base") or "/solr/plone").strip("/")
    return f"{scheme}://{setting('host')}:{setting('port')}{base}"


def is_active():
    return bool(_record("active", False))


def _session():
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
        login = os.environ.get("COLLECTIVE_SOLR_LOGIN")
        if login:
            session.auth = (login, os.environ.get("COLLECTIVE_SOLR_PASSWORD", ""))
    return session


def _timeout(kind):
    value = _record(f"{kind}_timeout", 0) or 0
    return float(value) if value > 0 else 30.0  # never wait forever


def _send(method, target, kind, as_text=False, **arguments):
    """One HTTP exchange with Solr; the decoded JSON answer (or the text, ``as_text``), or the
    error that says why not."""
    try:
        answer = _session().request(method, target, timeout=_timeout(kind), **arguments)
    except requests.RequestException as error:
        raise SolrUnavailable(
            f"{target}: {error.__class__.__name__}: {error}"
        ) from error
    if is_rejection(answer.status_code):
        raise SolrRejected(answer.status_code, _message(answer))
    if answer.status_code >= 400:
        raise SolrUnavailable(
            f"{target}: HTTP {answer.status_code}: {_message(answer)}"
        )
    if as_text:
        return answer.content.decode("utf-8")
    try:
        return answer.json()
    except ValueError as error:
        raise SolrUnavailable(f"{target}: not JSON: {answer.text[:200]}") from error


def is_rejection(status):
    """True when Solr's HTTP ``status`` says the request was wrong (a bad document or query),
    not that Solr is unwell: a 4xx other than 401, 403 and 404 (which mean the address or the
    credentials are wrong)."""
    return 400 <= status < 500 and status not in (401, 403, 404)


def _message(answer):
    try:
        return answer.json()["error"]["msg"]
    except (ValueError, KeyError, TypeError):
        return answer.text[:500]


def search(params, handler="search", url=None):
    """A query, POSTed as a form so that long filter lists fit."""
    return _send(
        "POST",
        f"{url or core_url()}/{handler}",
        "search",
        data={**params, "wt": "json"},
    )


def get(path, url=None, **params):
    return _send(
        "GET", f"{url or core_url()}/{path}", "search", params={**params, "wt": "json"}
    )


def schema_file(url=None):
    """The text of the core's schema.xml."""
    return _send(
        "GET",
        f"{url or core_url()}/admin/file",
        "index",
        as_text=True,
        params={"file": "schema.xml"},
    )


def update(commands, url=None, **params):
    """POST JSON update commands, given as ``(verb, value)`` pairs since one request may hold
    several ``add`` and ``delete`` commands (a JSON object with repeated keys)."""
    body = (
        "{"
        + ",".join(
            f"{json.dumps(verb)}:{json.dumps(value, ensure_ascii=False)}"
            for verb, value in commands
        )
        + "}"
    )
    return _send(
        "POST",
        f"{url or core_url()}/update",
        "index",
        params={**params, "wt": "json"},
        data=body.encode("utf-8"),
        headers={"Content-Type": "application/json"},
    )


def ping(url=None, timeout=2.0):
    try:
        answer = _session().get(
            f"{url or core_url()}/admin/ping", params={"wt": "json"}, timeout=timeout
        )
        return answer.status_code == 200 and answer.json().get("status") == "OK"
    except (requests.RequestException, ValueError):
        return False
