"""The key of a report's text for duplicates (nguon.feedback.duplicates.fingerprint)."""

from nguon.feedback.duplicates import fingerprint

import unicodedata


TEXT = "Đèn đường ở tổ 5, phường Thuận Hóa bị hỏng đã 3 tuần!"


def test_case_spacing_and_punctuation_do_not_matter():
    assert fingerprint(TEXT) == fingerprint(
        "  đèn ĐƯỜNG ở tổ 5 phường thuận hóa\n bị hỏng đã 3 tuần. "
    )


def test_the_unicode_form_of_diacritics_does_not_matter():
    decomposed = unicodedata.normalize("NFD", TEXT)
    assert decomposed != TEXT
    assert fingerprint(decomposed) == fingerprint(TEXT)


def test_diacritics_matter_unless_folded():
    # "ma", "má" and "mà" are different words
    assert fingerprint("Cây đổ trên đường má") != fingerprint("Cây đổ trên đường mà")
    plain = "Den duong o to 5, phuong Thuan Hoa bi hong da 3 tuan!"
    assert fingerprint(plain) != fingerprint(TEXT)
    assert fingerprint(plain, folded=True) == fingerprint(TEXT, folded=True)


def test_different_texts_differ():
    assert fingerprint(TEXT) != fingerprint(TEXT.replace("5", "6"))


def test_the_key_is_short_hex():
    key = fingerprint(TEXT)
    assert len(key) == 16
    int(key, 16)
    assert fingerprint("") == fingerprint("  ,. ")
