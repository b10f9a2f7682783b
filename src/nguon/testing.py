"""Test layers: the add-on on a fresh site, the same site with the demo data, and a small
unit tree with one user per unit group."""

from collections import Counter
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
        from plone import api

        with api.env.adopt_roles(["Manager"]):
            applyProfile(portal, "nguon:demo")


# A small tree covering every relation between units: two provinces, sibling communes, and
# a central unit above them. Each unit's groups have one user each, named "<code>-<kind>",
# e.g. "19786-approvers"; every user's password is TREE_PASSWORD.
TREE = (
    ("VN", "central", "Trung ương", None),
    ("46", "province", "Thành phố Huế", "VN"),
    ("19786", "commune", "Phường Thuận Hóa", "46"),
    ("19777", "commune", "Phường Vỹ Dạ", "46"),
    ("44", "province", "Tỉnh Quảng Trị", "VN"),
    ("18880", "commune", "Phường Đồng Hới", "44"),
)
TREE_PASSWORD = "tree-password-1"


def tree_user(code, kind):
    return f"{code}-{kind}"


class NguonTreeLayer(PloneSandboxLayer):
    defaultBases = ()

    def setUpPloneSite(self, portal):
        from plone import api

        with api.env.adopt_roles(["Manager"]):
            self.build_tree(portal)

    def build_tree(self, portal):
        from nguon.units.groups import OWN_ROLES
        from nguon.units.importer import sync_unit
        from nguon.units.official import OfficialUnit
        from nguon.units.tree import find_unit
        from nguon.units.tree import group_id
        from plone import api

        for code, level, title, parent in TREE:
            container = find_unit(parent) if parent else portal
            official = OfficialUnit(
                code=code,
                title=title,
                level=level,
                division_type=level,
                slug=code.lower(),
            )
            sync_unit(container, official, Counter())
            for kind in OWN_ROLES:
                userid = tree_user(code, kind)
                api.user.create(
                    username=userid,
                    email=f"{userid}@nguon.invalid",
                    password=TREE_PASSWORD,
                )
                api.group.add_user(groupname=group_id(code, kind), username=userid)


NGUON_FIXTURE = NguonLayer()
NGUON_DEMO_FIXTURE = NguonDemoLayer(
    bases=(NGUON_FIXTURE,), name="NguonDemoLayer:Fixture"
)
NGUON_TREE_FIXTURE = NguonTreeLayer(
    bases=(NGUON_FIXTURE,), name="NguonTreeLayer:Fixture"
)

INTEGRATION_TESTING = IntegrationTesting(
    bases=(NGUON_FIXTURE,), name="Nguon:Integration"
)
FUNCTIONAL_TESTING = FunctionalTesting(
    bases=(NGUON_FIXTURE, WSGI_SERVER_FIXTURE), name="Nguon:Functional"
)
DEMO_INTEGRATION_TESTING = IntegrationTesting(
    bases=(NGUON_DEMO_FIXTURE,), name="NguonDemo:Integration"
)
DEMO_FUNCTIONAL_TESTING = FunctionalTesting(
    bases=(NGUON_DEMO_FIXTURE, WSGI_SERVER_FIXTURE), name="NguonDemo:Functional"
)
TREE_INTEGRATION_TESTING = IntegrationTesting(
    bases=(NGUON_TREE_FIXTURE,), name="NguonTree:Integration"
)
TREE_FUNCTIONAL_TESTING = FunctionalTesting(
    bases=(NGUON_TREE_FIXTURE, WSGI_SERVER_FIXTURE), name="NguonTree:Functional"
)
