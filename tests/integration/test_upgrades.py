"""ftw.upgrade is wired in: a new upgrade step in an upgrade directory is found and runs.

The step lives in a probe package written to a temporary folder, registered exactly as
``src/nguon/upgrades/configure.zcml`` registers nguon's own directory, so that adding a step
needs no change to the tree under test.
"""

from ftw.upgrade.interfaces import IExecutioner
from ftw.upgrade.interfaces import IUpgradeStepRecorder
from nguon.testing import NGUON_FIXTURE
from pathlib import Path
from plone import api
from plone.app.testing import applyProfile
from plone.app.testing import IntegrationTesting
from plone.app.testing import PloneSandboxLayer
from tests.integration.upgrade_steps import proposed
from tests.layers import layer_fixture
from zope.component import getMultiAdapter

import importlib
import pytest
import shutil
import sys
import tempfile
import textwrap


PROBE = "nguon_upgrade_probe"
PROFILE = f"{PROBE}:default"
STEP_VERSION = "20261123090000"
FILES = {
    "__init__.py": "",
    "configure.zcml": f"""
        <configure xmlns="http://namespaces.zope.org/zope"
                   xmlns:genericsetup="http://namespaces.zope.org/genericsetup"
                   xmlns:upgrade-step="http://namespaces.zope.org/ftw.upgrade">
          <include package="ftw.upgrade" file="meta.zcml" />
          <genericsetup:registerProfile name="default" title="probe" directory="profiles/default"
              provides="Products.GenericSetup.interfaces.EXTENSION" />
          <upgrade-step:directory profile="{PROFILE}" directory="upgrades" />
        </configure>""",
    "profiles/default/metadata.xml": "<metadata></metadata>",
    "upgrades/__init__.py": "",
    f"upgrades/{STEP_VERSION}_mark_the_site/__init__.py": "",
    f"upgrades/{STEP_VERSION}_mark_the_site/upgrade.py": """
        from ftw.upgrade import UpgradeStep

        class MarkTheSite(UpgradeStep):
            \"\"\"Mark the site.\"\"\"

            def __call__(self):
                self.portal.nguon_upgrade_probe = "ran"
        """,
}


class ProbeLayer(PloneSandboxLayer):
    defaultBases = (NGUON_FIXTURE,)

    def setUpZope(self, app, configurationContext):
        self.folder = tempfile.mkdtemp()
        for name, text in FILES.items():
            path = Path(self.folder, PROBE, name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text))
        sys.path.insert(0, self.folder)
        self.loadZCML(package=importlib.import_module(PROBE))

    def setUpPloneSite(self, portal):
        applyProfile(portal, PROFILE)
        # As if installed before the step existed: the version before it, nothing recorded.
        api.portal.get_tool("portal_setup").setLastVersionForProfile(
            PROFILE, "10000000000000"
        )
        getMultiAdapter((portal, PROFILE), IUpgradeStepRecorder).clear()

    def tearDownZope(self, app):
        sys.path.remove(self.folder)
        shutil.rmtree(self.folder)


PROBE_TESTING = IntegrationTesting(
    bases=(ProbeLayer(),), name="NguonUpgradeProbe:Integration"
)
probe = layer_fixture(PROBE_TESTING, "probe")


@pytest.fixture
def setup_tool(probe):
    return api.portal.get_tool("portal_setup")


def _proposed(setup_tool):
    return proposed(setup_tool, PROFILE)


def test_the_new_step_is_found_and_proposed(setup_tool):
    proposed = _proposed(setup_tool)
    assert [u["title"] for u in proposed] == ["Mark the site."]
    assert proposed[0]["dest"] == (STEP_VERSION,)


def test_the_proposed_step_runs_and_is_not_proposed_again(setup_tool):
    portal = api.portal.get()
    assert getattr(portal, "nguon_upgrade_probe", None) is None
    step = _proposed(setup_tool)[0]
    IExecutioner(setup_tool).install([(PROFILE, [step["id"]])])
    assert portal.nguon_upgrade_probe == "ran"
    assert setup_tool.getLastVersionForProfile(PROFILE) == (STEP_VERSION,)
    assert _proposed(setup_tool) == []


def test_nguon_profile_version_comes_from_its_upgrade_directory(setup_tool):
    # The newest step's timestamp (ftw.upgrade's start version, 10**13, while there is none).
    import nguon.upgrades

    folder = Path(nguon.upgrades.__file__).parent
    steps = sorted(path.parent.name[:14] for path in folder.glob("*/upgrade.py"))
    assert setup_tool.getVersionForProfile("nguon:default") == (
        steps[-1] if steps else str(10**13)
    )
