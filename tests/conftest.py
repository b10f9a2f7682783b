"""pytest fixtures: the Plone layers of nguon.testing, through pytest-plone."""
from nguon.testing import DEMO_FUNCTIONAL_TESTING
from nguon.testing import DEMO_INTEGRATION_TESTING
from nguon.testing import FUNCTIONAL_TESTING
from nguon.testing import INTEGRATION_TESTING
from pytest_plone import fixtures_factory


pytest_plugins = ["pytest_plone"]

globals().update(
    fixtures_factory(
        (
            (INTEGRATION_TESTING, "integration"),
            (FUNCTIONAL_TESTING, "functional"),
            (DEMO_INTEGRATION_TESTING, "demo_integration"),
            (DEMO_FUNCTIONAL_TESTING, "demo_functional"),
        )
    )
)
