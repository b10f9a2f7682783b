"""The text of a legal document's attached file, extracted once per file.

Extracting runs a parser in a confined child process (``text_extraction``), tens of
milliseconds a file; the catalog and Solr each index a document several times in its life
(every edit, every workflow change, every rebuild). ``remember`` extracts when a document
is added or edited and its file changed, and keeps the text with the file's SHA-256 in an
annotation; ``text_of`` answers from it while the file is the same one, and extracts
otherwise (a document saved before this existed, or a file replaced behind the events), so
the index never holds the text of another file. The last few texts read stay in the process
too: a subscriber of the same event that searches the catalog has the document indexed
before ``remember`` runs, and the file is read once all the same."""

from collections import OrderedDict
from nguon.content.text_extraction import searchable_text
from zope.annotation.interfaces import IAnnotations

import hashlib
import threading


KEY = "nguon.content.file_text"
RECENT_FILES = 8
_recent = OrderedDict()  # digest -> text, the files this process read last
_recent_lock = threading.Lock()


def _data(document):
    return document.file.data if getattr(document, "file", None) else b""


def _digest(data):
    return hashlib.sha256(data).hexdigest()


def _read(data, digest):
    with _recent_lock:
        text = _recent.get(digest)
    if text is None:
        text = searchable_text(data)
        with _recent_lock:
            _recent[digest] = text
            while len(_recent) > RECENT_FILES:
                _recent.popitem(last=False)
    return text


def remember(document, event=None):
    """Subscriber (added, modified): keep the text of the document's file, or forget it."""
    data = _data(document)
    annotations = IAnnotations(document)
    if not data:
        annotations.pop(KEY, None)
        return
    digest = _digest(data)
    stored = annotations.get(KEY)
    if stored is None or stored["digest"] != digest:
        annotations[KEY] = {"digest": digest, "text": _read(data, digest)}


def text_of(document):
    """The text of the document's file ("" without one)."""
    data = _data(document)
    if not data:
        return ""
    digest = _digest(data)
    stored = IAnnotations(document).get(KEY)
    if stored is not None and stored["digest"] == digest:
        return stored["text"]
    return _read(data, digest)
