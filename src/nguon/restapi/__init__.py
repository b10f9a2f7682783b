"""plone.restapi services of Nguồn, one folder per endpoint."""
