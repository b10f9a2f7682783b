from ftw.upgrade import UpgradeStep
from nguon.content.file_text import remember


class FileText(UpgradeStep):
    """Legal documents' file text kept once per file.

    For sites made before a legal document's file was read once per file: the text of every
    document's file is read now (in the confined child, as before) and kept with the file's
    SHA-256, so that later indexings and rebuilds read it from there. Without this step the
    text is still right, only read again at every indexing until the document is edited.
    """

    def __call__(self):
        for document in self.objects(
            {"portal_type": "LegalDocument"}, "Read each legal document's file once"
        ):
            remember(document)
