"""Fixtures shared by the search tests."""

from collective.solr import solr as solr_connection

import pytest


@pytest.fixture
def sent(monkeypatch):
    """The parameters of every search sent to Solr through collective.solr's connection."""
    requests_sent = []
    original = solr_connection.SolrConnection.search

    def recording(self, **params):
        requests_sent.append(params)
        return original(self, **params)

    monkeypatch.setattr(solr_connection.SolrConnection, "search", recording)
    return requests_sent
