"""Shared by the upgrade tests: nguon's profile and what ftw.upgrade proposes for it."""

from ftw.upgrade.interfaces import IExecutioner
from ftw.upgrade.interfaces import IUpgradeInformationGatherer
from ftw.upgrade.interfaces import IUpgradeStepRecorder
from plone import api
from zope.component import getMultiAdapter


PROFILE = "nguon:default"
# Every step's title (the first line of its docstring), oldest first: what an old site is
# offered, in order. A new step is added here, and the upgrade tests follow.
TITLES = (
    "Search on Solr through the outbox.",
    "Syndication to commune websites.",
    "Radio playout.",
    "Public boards.",
    "An item reaches only inside the area of the units that approved it.",
    "Device credentials and reports in nguon.devices.",
    "Every host name themed.",
    "My work in the user menu.",
    "Citizen pages and navigation for thousands of units.",
    "Product and province branding.",
    "A plain rich text editor.",
    "The product's mark as the browser tab's icon.",
    "Publication dates of demo items.",
    "The delivery ledger.",
    "Essential information.",
    "Device health.",
    "Reports upward.",
    "Statistics pages.",
    "Warnings as CAP alerts.",
    "Device broadcast.",
    "CAP alerts signed and served.",
    "CAP alerts from other systems.",
    "Citizen feedback and surveys.",
    "HTTP caching behind a caching proxy.",
    "Legal documents' file text kept once per file.",
    "Web Push of alerts.",
    "Units' locations.",
    "Web Push limits.",
)
LATEST = "20261201053000"  # the newest step's version


def titles_from(first):
    """The titles of the steps from ``first`` on, as ftw.upgrade should propose them."""
    return list(TITLES[TITLES.index(first) :])


def proposed(setup_tool, profile_id=PROFILE):
    """The upgrade steps ftw.upgrade proposes for the profile (nguon:default), oldest first."""
    gatherer = IUpgradeInformationGatherer(setup_tool)
    return [
        upgrade
        for profile in gatherer.get_profiles(proposed_only=True)
        if profile["id"] == profile_id
        for upgrade in profile["upgrades"]
    ]


def run_next(setup_tool):
    """Run the oldest proposed step, as an administrator does in @@manage-upgrades."""
    IExecutioner(setup_tool).install([(PROFILE, [proposed(setup_tool)[0]["id"]])])


def run_only(portal, title):
    """Run the step called ``title`` on a site that looks as if it were made just before
    it: every other step is recorded as installed, that one as not."""
    setup_tool = api.portal.get_tool("portal_setup")
    recorder = getMultiAdapter((portal, PROFILE), IUpgradeStepRecorder)
    recorder.clear()
    for step in proposed(setup_tool):
        if step["title"] != title:
            recorder.mark_as_installed(step["dest"][0])
    run_next(setup_tool)
