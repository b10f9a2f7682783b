from ftw.upgrade import UpgradeStep


class MyWorkInTheUserMenu(UpgradeStep):
    """My work in the user menu.

    The user menu's first entry is **Việc của tôi** (``@@viec-cua-toi``): an editor's and
    approver's drafts, items waiting, items returned with the reason, what waits for their
    approval and what their unit published today.
    """

    def __call__(self):
        self.install_upgrade_profile()
