"""Browser views of search: the citizen search page, and collective.solr's unfiltered term
suggestions turned off."""
