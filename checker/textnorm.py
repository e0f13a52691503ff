"""Text normalisation for matching (never for display) and a cheap language guess.

Normalised text is only compared, hashed or embedded; what the user sees always comes from the
original text, so nothing here needs to keep offsets — except `to_ascii_digits`, which maps one
character to one character so that offsets found in its output hold in its input.
"""
from __future__ import annotations

import re
import unicodedata

from pyarabic import araby

# Arabic-Indic (U+0660..) and Extended Arabic-Indic / Persian (U+06F0..) digits, one char to one char.
_DIGITS = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
_DIGITS.update({ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")})
_DIGITS_AND_SEPARATORS = dict(_DIGITS)
_DIGITS_AND_SEPARATORS.update({ord("٫"): ".", ord("٬"): ","})  # Arabic decimal and thousands separators

# Alef variants to bare alef; alef maqsura to ya; ta marbuta to ha. Hamza on waw/ya (ؤ ئ) stays:
# folding them would merge distinct words, and pyarabic's normalize_hamza turns أ into ء.
# Diacritics (pyarabic's TASHKEEL: harakat, tanwin, shadda, sukun, plus the small alef) and tatweel are
# deleted in the same single `str.translate` pass: pyarabic's strip_* functions scan the text several
# times, which shows when 10,000 articles go through.
_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه",
                          **{c: None for c in (*araby.TASHKEEL, araby.MINI_ALEF, araby.TATWEEL)}})
_SPACES = re.compile(r"\s+")
_ARABIC_LETTER = re.compile(r"[\u0620-\u064A\u0671-\u06D3\u06FA-\u06FF\uFB50-\uFDFF\uFE70-\uFEFF]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F]")
_LATIN_WORD = re.compile(r"[a-zà-ÿœ']+")

# The commonest short function words; enough to tell French from English on a paragraph.
_FRENCH = frozenset("le la les des du de et est une un dans pour que qui sur au aux avec par pas ne sont été".split())
_ENGLISH = frozenset("the of and to in is was for that on with by as at from it be are has have will said".split())


def to_ascii_digits(s: str) -> str:
    """Arabic-Indic and Persian digits to 0-9, same length as the input (offsets stay valid)."""
    return s.translate(_DIGITS)


def normalize_arabic(s: str) -> str:
    """Fold the spelling variants Arabic news mixes: diacritics, tatweel, alef forms, ى, ة."""
    return s.translate(_LETTERS)


def normalize_for_matching(s: str) -> str:
    """One comparable form: NFKC (presentation forms, ligatures), lowercase, ASCII digits,
    Arabic variants folded, whitespace collapsed."""
    s = unicodedata.normalize("NFKC", s)
    s = s.translate(_DIGITS_AND_SEPARATORS).lower()
    s = normalize_arabic(s)
    return _SPACES.sub(" ", s).strip()


def detect_language(s: str) -> str:
    """"ar", "en", "fr" or "und" by script ratio (then function words among Latin-script text)."""
    arabic = len(_ARABIC_LETTER.findall(s))
    latin = len(_LATIN_LETTER.findall(s))
    if arabic + latin < 3:
        return "und"
    if arabic >= latin:
        return "ar"
    words = _LATIN_WORD.findall(s.lower())
    french = sum(w in _FRENCH for w in words)
    english = sum(w in _ENGLISH for w in words)
    if french > english:
        return "fr"
    return "en"
