"""Shared by the upgrade tests: nguon's profile and what ftw.upgrade proposes for it."""
from ftw.upgrade.interfaces import IExecutioner
from ftw.upgrade.interfaces import IUpgradeInformationGatherer


PROFILE = "nguon:default"


def proposed(setup_tool, profile_id=PROFILE):
    """The upgrade steps ftw.upgrade proposes for the profile (nguon:default), oldest first."""
    gatherer = IUpgradeInformationGatherer(setup_tool)
    return [upgrade for profile in gatherer.get_profiles(proposed_only=True)
            if profile["id"] == profile_id for upgrade in profile["upgrades"]]


def run_next(setup_tool):
    """Run the oldest proposed step, as an administrator does in @@manage-upgrades."""
    IExecutioner(setup_tool).install([(PROFILE, [proposed(setup_tool)[0]["id"]])])
