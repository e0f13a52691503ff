"""Arabic normalisation for matching, digits, language guess."""
from __future__ import annotations

import pytest

from checker.textnorm import detect_language, normalize_arabic, normalize_for_matching, to_ascii_digits


def test_digits_keep_length():
    s = "في ٢٧ أيلول ۲۰۲۵"
    out = to_ascii_digits(s)
    assert out == "في 27 أيلول 2025" and len(out) == len(s)


@pytest.mark.parametrize("raw, expected", [
    ("أَعْلَنَ", "اعلن"),            # diacritics and hamza-on-alef
    ("إنسحاب", "انسحاب"),
    ("آب", "اب"),
    ("ٱلقوات", "القوات"),
    ("الماضى", "الماضي"),          # alef maqsura -> ya
    ("المقبلة", "المقبله"),        # ta marbuta -> ha
    ("الأمـــريكية", "الامريكيه"),  # tatweel
    ("مسؤول", "مسؤول"),            # hamza on waw stays
    ("رئيس", "رئيس"),              # hamza on ya stays
])
def test_normalize_arabic(raw, expected):
    assert normalize_arabic(raw) == expected


def test_normalize_for_matching():
    assert normalize_for_matching("  القوات   الأمريكيّة\nتنسحب في ٢٠٢١ ") == "القوات الامريكيه تنسحب في 2021"
    assert normalize_for_matching("The U.S.  Army") == "the u.s. army"
    assert normalize_for_matching("ﻻ") == "لا"  # presentation-form ligature
    assert normalize_for_matching("٢٧٫٢٥") == "27.25"


@pytest.mark.parametrize("text, lang", [
    ("قال المسؤول إن القوات ستبقى", "ar"),
    ("The army will leave by the end of the year.", "en"),
    ("L'armée française quitte le Mali dans les six mois.", "fr"),
    ("قال ماكرون (Macron) إن القوات الفرنسية ستنسحب", "ar"),
    ("2021 - 12", "und"),
])
def test_detect_language(text, lang):
    assert detect_language(text) == lang
