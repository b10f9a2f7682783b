"""Vietnamese text as it must be read aloud: numbers, dates, times, units and abbreviations
written out in words, so that any speech engine reads "25/11" as "ngày hai mươi lăm tháng
mười một" and "UBND" as "Ủy ban nhân dân"."""

import re
import unicodedata


DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ((10**9, "tỷ"), (10**6, "triệu"), (1000, "nghìn"))

# Longest first where one is a prefix of another. Whole words only, case-sensitive.
ABBREVIATIONS = {
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "MTTQ": "Mặt trận Tổ quốc",
    "THPT": "trung học phổ thông",
    "THCS": "trung học cơ sở",
    "BHYT": "bảo hiểm y tế",
    "BHXH": "bảo hiểm xã hội",
    "PCCC": "phòng cháy chữa cháy",
    "PCTT": "phòng chống thiên tai",
    "TTHC": "thủ tục hành chính",
    "CSGT": "cảnh sát giao thông",
    "CCCD": "căn cước công dân",
    "TP.": "thành phố",
    "TP": "thành phố",
    "Tp.": "thành phố",
    "TX.": "thị xã",
    "TT.": "thị trấn",
    "KP": "khu phố",
    "QL": "quốc lộ",
    "TL": "tỉnh lộ",
    "VNĐ": "đồng",
    "đ": "đồng",
    "km": "ki lô mét",
    "m2": "mét vuông",
    "m²": "mét vuông",
    "ha": "héc ta",
    "kg": "ki lô gam",
    "mm": "mi li mét",
    "°C": "độ xê",
    "%": "phần trăm",
    "STT": "số thứ tự",
    "SĐT": "số điện thoại",
}


def number_words(n):
    """``n`` (a whole number, 0 ≤ n < 10**15) in Vietnamese words."""
    if n < 0:
        return "âm " + number_words(-n)
    if n < 10:
        return DIGITS[n]
    parts = []
    rest = n
    started = False
    for scale, name in SCALES:
        if rest >= scale:
            count, rest = divmod(rest, scale)
            parts.append(f"{_hundreds(count, full=started)} {name}")
            started = True
    if rest or not parts:
        parts.append(_hundreds(rest, full=started))
    return " ".join(part for part in parts if part)


def _hundreds(n, full):
    """0–999; ``full`` when a higher group came before (then "không trăm", "linh" are said)."""
    if n >= 1000:
        return number_words(n)
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds or (full and rest):
        words.append(f"{DIGITS[hundreds]} trăm")
    if rest:
        tens, units = divmod(rest, 10)
        if tens == 0:
            if hundreds or full:
                words.append("linh")
            words.append(DIGITS[units])
        elif tens == 1:
            words.append(
                "mười"
                + ("" if units == 0 else " lăm" if units == 5 else f" {DIGITS[units]}")
            )
        else:
            unit_word = {0: "", 1: " mốt", 4: " tư", 5: " lăm"}.get(
                units, f" {DIGITS[units]}"
            )
            words.append(f"{DIGITS[tens]} mươi{unit_word}")
    return " ".join(words)


def _digits_words(text):
    """Leading zeros read digit by digit ("05" in a phone number: "không năm")."""
    return " ".join(DIGITS[int(d)] for d in text)


def _plain_number(text):
    if len(text) > 1 and text.startswith("0"):
        return _digits_words(text)
    return number_words(int(text))


DATE = re.compile(r"(?:\b([Nn]gày)\s+)?\b(\d{1,2})[/-](\d{1,2})(?:[/-](\d{4}))?\b")
TIME = re.compile(r"\b(\d{1,2})(?::|h|giờ\s?)(\d{2})(?:'|\s?phút)?\b")
HOUR = re.compile(r"\b(\d{1,2})h\b")
DECIMAL = re.compile(r"\b(\d+),(\d+)\b")
GROUPED = re.compile(r"\b\d{1,3}(?:\.\d{3})+\b")
NUMBER = re.compile(r"\d+")
ORDINAL_NO = re.compile(r"\bsố\s+(\d+)/(\d{4})/([A-ZĐ\-]+)\b")


def _date(match):
    said, day, month, year = match.groups()
    if not (1 <= int(day) <= 31 and 1 <= int(month) <= 12):
        return match.group(0).replace("/", " trên ")
    words = (
        f"{said or 'ngày'} {number_words(int(day))} tháng {number_words(int(month))}"
    )
    if year:
        words += f" năm {number_words(int(year))}"
    return words


def _time(match):
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 24 or minute > 59:
        return match.group(0)
    return f"{number_words(hour)} giờ" + (
        f" {number_words(minute)} phút" if minute else ""
    )


def _abbreviations(text):
    for short in sorted(ABBREVIATIONS, key=len, reverse=True):
        long = ABBREVIATIONS[short]
        if not short[0].isalnum():  # a symbol: wherever it is
            text = text.replace(short, f" {long} ")
            continue
        end = r"(?![\w])" if short[-1].isalnum() else ""
        text = re.sub(rf"(?<![\w]){re.escape(short)}{end}", long, text)
    return text


def normalise(text):
    """The text to give a speech engine; NFC, one space between words."""
    text = unicodedata.normalize("NFC", text or "")
    text = DATE.sub(_date, text)
    text = TIME.sub(_time, text)
    text = HOUR.sub(lambda m: f"{number_words(int(m.group(1)))} giờ", text)
    text = GROUPED.sub(lambda m: m.group(0).replace(".", ""), text)
    text = DECIMAL.sub(
        lambda m: f"{_plain_number(m.group(1))} phẩy {_digits_or_number(m.group(2))}",
        text,
    )
    text = _abbreviations(text)
    text = NUMBER.sub(lambda m: f" {_plain_number(m.group(0))} ", text)
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" ([.,;:!?])", r"\1", text)
    return re.sub(r"\s*\n\s*", "\n", text).strip()


def _digits_or_number(text):
    return _digits_words(text) if text.startswith("0") else number_words(int(text))


def has_words(text):
    """True when the text holds at least one letter to read."""
    return any(unicodedata.category(ch).startswith("L") for ch in text or "")
