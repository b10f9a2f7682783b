"""Test layers: the add-on installed on a fresh site, and the same site with the demo data."""
from plone.app.testing import applyProfile
from plone.app.testing import FunctionalTesting
from plone.app.testing import IntegrationTesting
from plone.app.testing import PLONE_FIXTURE
from plone.app.testing import PloneSandboxLayer
from plone.testing.zope import WSGI_SERVER_FIXTURE


class NguonLayer(PloneSandboxLayer):
    defaultBases = (PLONE_FIXTURE,)

    def setUpZope(self, app, configurationContext):
        import nguon

        self.loadZCML(package=nguon)

    def setUpPloneSite(self, portal):
        applyProfile(portal, "nguon:default")


class NguonDemoLayer(PloneSandboxLayer):
    defaultBases = ()

    def setUpPloneSite(self, portal):
        applyProfile(portal, "nguon:demo")


NGUON_FIXTURE = NguonLayer()
NGUON_DEMO_FIXTURE = NguonDemoLayer(bases=(NGUON_FIXTURE,), name="NguonDemoLayer:Fixture")

INTEGRATION_TESTING = IntegrationTesting(bases=(NGUON_FIXTURE,), name="Nguon:Integration")
FUNCTIONAL_TESTING = FunctionalTesting(
    bases=(NGUON_FIXTURE, WSGI_SERVER_FIXTURE), name="Nguon:Functional"
)
DEMO_INTEGRATION_TESTING = IntegrationTesting(
    bases=(NGUON_DEMO_FIXTURE,), name="NguonDemo:Integration"
)
DEMO_FUNCTIONAL_TESTING = FunctionalTesting(
    bases=(NGUON_DEMO_FIXTURE, WSGI_SERVER_FIXTURE), name="NguonDemo:Functional"
)
