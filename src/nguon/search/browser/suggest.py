"""collective.solr's ``@@suggest-terms`` and ``@@solr-autocomplete`` send the raw term to Solr
with no security filter, so they could reveal words of unpublished drafts: on nguon's layer
they answer an empty list."""

from Products.Five.browser import BrowserView


class NoSuggestions(BrowserView):
    def __call__(self):
        self.request.response.setHeader("Content-Type", "application/json")
        return "[]"
