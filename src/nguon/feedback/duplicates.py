"""The key that finds the same report sent twice: ``fingerprint(text)``.

Two texts have one fingerprint when they differ only in case, spacing, punctuation or the
Unicode form of their diacritics (a phone's keyboard sends "ờ" as one character, another as
"o" with two combining marks). Diacritics are kept by default, because in Vietnamese they
change the word ("ma", "má", "mà" are three words); ``folded=True`` also drops them, for the
same text typed without diacritics, as many people text. The store keeps
(unit, fingerprint) → report id and flags a report whose key it already holds.
"""

from nguon.units.finder import fold

import hashlib
import re
import unicodedata


_NOT_WORDS = re.compile(r"[\W_]+")


def fingerprint(text, folded=False):
    """16 hex digits of the SHA-256 of ``text``'s words, NFC, lower-cased, separated by one
    space (without diacritics, đ as d, when ``folded``)."""
    text = unicodedata.normalize("NFC", text or "").lower()
    if folded:
        text = fold(text)
    words = _NOT_WORDS.sub(" ", text).split()
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()[:16]
