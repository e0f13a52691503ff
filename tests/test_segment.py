"""Segmentation: exact offsets, Arabic punctuation, quotations, line breaks."""
from __future__ import annotations

from pathlib import Path

import pytest

from checker.ingest import ingest
from checker.model import Source
from checker.segment import segment

REPO = Path(__file__).resolve().parent.parent


def source(text: str, language: str = "ar") -> Source:
    return Source(id="t", path="t.txt", text=text, language=language)


def texts(text: str, language: str = "ar") -> list[str]:
    return [s.text for s in segment(source(text, language))]


def test_offsets_exact_on_every_seed_and_devstory():
    result = ingest([REPO / "seeds", REPO / "tests" / "data" / "ingest"])
    for src in result.sources:
        sentences = segment(src)
        assert sentences, src.id
        for i, s in enumerate(sentences):
            assert src.text[s.start:s.end] == s.text
            assert s.index == i and s.source_id == src.id and s.normalized
        starts = [s.start for s in sentences]
        assert starts == sorted(starts)


def test_line_breaks_are_boundaries():
    assert texts("عنوان الخبر بلا نقطة\nقال الوزير إن القوات ستبقى.") == [
        "عنوان الخبر بلا نقطة", "قال الوزير إن القوات ستبقى."]


def test_arabic_question_mark_and_comma_chain():
    assert texts("هل تنسحب القوات؟ قال الوزير، بعد الاجتماع، إن القوات ستبقى، وإن الحوار مستمر؛ والقرار للحكومة.") == [
        "هل تنسحب القوات؟", "قال الوزير، بعد الاجتماع، إن القوات ستبقى، وإن الحوار مستمر؛ والقرار للحكومة."]


def test_quote_then_full_stop_splits():
    out = texts('قال ماكنزى: "أعتقد أننا لن نغادر قريبا". وأشاد ماكنزي بدور الجيش.')
    assert out == ['قال ماكنزى: "أعتقد أننا لن نغادر قريبا".', "وأشاد ماكنزي بدور الجيش."]


def test_double_dot_separator_splits_two_statements_not_a_tail():
    out = texts('رئيس الوزراء يبحث مع وفد أمريكى انسحاب القوات.. "الكاظمى" يؤكد أهمية التعاون مع واشنطن')
    assert out == ["رئيس الوزراء يبحث مع وفد أمريكى انسحاب القوات..", '"الكاظمى" يؤكد أهمية التعاون مع واشنطن']
    assert texts("النفط يرتفع.. مع انخفاض مخزونات الخام الأميركية") == ["النفط يرتفع.. مع انخفاض مخزونات الخام الأميركية"]
    assert len(texts("البيانات الرسمية التركية تظهر مخاطر كبيرة.. والمركزي قلق")) == 1


def test_short_quotation_stays_whole():
    out = texts("وقال الوزير «القوات باقية. والحوار مستمر» أمام الصحفيين. ثم غادر.")
    assert out == ["وقال الوزير «القوات باقية. والحوار مستمر» أمام الصحفيين.", "ثم غادر."]


def test_decimals_and_abbreviations_do_not_split():
    assert len(texts("يرتفع العائد إلى 27.25 في المئة وفق د. أحمد.")) == 1
    assert texts("The U.S. Army left. Officials said so.", "en") == ["The U.S. Army left.", "Officials said so."]


@pytest.mark.parametrize("language", ["ar", "en", "und"])
def test_empty_and_blank(language):
    assert segment(source("", language)) == []
    assert segment(source("\n  \n", language)) == []


def test_opening_quote_starts_the_next_sentence():
    assert texts('The troops left. "We are done." Mr. Smith agreed.', "en") == [
        "The troops left.", '"We are done."', "Mr. Smith agreed."]
    assert texts("انتهى الاجتماع. «القوات باقية» قال الوزير.") == ["انتهى الاجتماع.", "«القوات باقية» قال الوزير."]


def test_ellipsis_is_a_pause_not_a_boundary():
    assert texts("وأضاف... أن الوضع صعب") == ["وأضاف... أن الوضع صعب"]
