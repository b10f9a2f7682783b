"""Plone's search page (``@@search``) on a form that cannot crash it.

Plone's page reads its form as it was sent: ``?b_start=on`` or a repeated ``b_start`` (an
``int()`` of a list), a repeated ``SearchableText``, bytes that are not UTF-8 (which its batch
links cannot quote), and collective.solr's facet viewlet unpacks any ``fq`` as ``field:value``:
each was a 500. The form is cleaned before the page reads it: paging is a bounded number (a
wrong one answers 400 like ``@search``), the text is one string, invalid characters are
replaced, ``created`` holds dates, and Solr's parameters (which the catalog guard drops anyway) are removed.
"""

from collective.solr import browser as solr_browser
from collective.solr.browser.facets import SearchView
from nguon.search import guard
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile

import os


class GuardedSearch(SearchView):
    """collective.solr's search page (which replaces Plone's), with a clean form."""

    index = ViewPageTemplateFile(
        os.path.join(os.path.dirname(solr_browser.__file__), "templates", "search.pt")
    )

    def __call__(self):
        clean_form(self.request.form)
        return self.index()


def clean_form(form):
    """Make ``form`` (a request's form) safe for Plone's search page, in place."""
    for key in list(form):
        if guard.is_solr_parameter(key):
            del form[key]
        else:
            form[key] = _valid_text(form[key])
    if form.get("b_start") not in (None, ""):
        form["b_start"] = guard.bounded("b_start", form["b_start"], guard.MAX_START)
    created = form.get("created")
    if created is not None:
        guard.check_dates(
            "created", created.get("query") if hasattr(created, "get") else created
        )
    text = form.get("SearchableText")
    if isinstance(text, (list, tuple)):
        form["SearchableText"] = " ".join(str(part) for part in text)


def _valid_text(value):
    """``value`` with what UTF-8 cannot carry (the surrogates of undecodable bytes) replaced."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, list):
        return [_valid_text(one) for one in value]
    return value
