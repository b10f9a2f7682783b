from ftw.upgrade import UpgradeStep


class APlainRichTextEditor(UpgradeStep):
    """A plain rich text editor.

    Rich text is written in HTML only (no "text/html / text/x-web-textile" selector under
    every text) and TinyMCE shows no English "Build with TinyMCE" link or upgrade promotion.
    TinyMCE's "other settings" are replaced: an operator who had set some adds them again.
    """

    def __call__(self):
        self.install_upgrade_profile()
