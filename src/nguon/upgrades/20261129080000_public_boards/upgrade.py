from ftw.upgrade import UpgradeStep
from nguon.boards.install import install


class PublicBoards(UpgradeStep):
    """Public boards.

    For sites made before nguon drove public boards: the PublicBoard type (addable in units,
    kept private) and the proof-of-play log. Board items need nothing: boards read the
    syndication change log, which already holds them.
    """

    def __call__(self):
        self.install_upgrade_profile()
        install(self.portal)
