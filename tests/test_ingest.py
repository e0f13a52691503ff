"""Ingest: which lines of each seed survive, manifest handling, bad input, publication dates."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from checker.errors import ManifestError, NothingReadableError
from checker.ingest import clean_text, find_origin, find_publication_date, html_metadata, ingest, load_manifest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
DATA = Path(__file__).resolve().parent / "data" / "ingest"


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def kept_lines(prefix: str) -> list[str]:
    return clean_text(seed(prefix).read_text(encoding="utf-8")).text.split("\n")


def kept_numbers(prefix: str) -> tuple[int, ...]:
    return clean_text(seed(prefix).read_text(encoding="utf-8")).line_map


def any_line_has(lines: list[str], fragment: str) -> bool:
    return any(fragment in line for line in lines)


# ---------------------------------------------------------------- boilerplate, per seed


def test_seed_000_drops_crawl_stamp_logo_top_and_repeated_title():
    lines = kept_lines("000")
    assert not any_line_has(lines, "February 2026")
    assert "logo" not in lines and "Top" not in lines
    title = "طالباني يبحث مع جيفري الدعم الاميركي للقوات المسلحة العراقية"
    assert lines.count(title) == 1  # printed twice on the page, kept once
    # every paragraph of the article stays: lines 4, 7, 9, ..., 23 of the file
    assert kept_numbers("000") == (4, 7, 9, 11, 13, 15, 17, 19, 21, 23)


def test_seed_001_keeps_article_drops_trending_list():
    lines = kept_lines("001")
    assert any_line_has(lines, "كشف قائد القيادة المركزية الأمريكية، الجنرال كينيث ماكنزي")
    assert any_line_has(lines, "أعتقد أننا لن نغادر قريبا")
    assert any_line_has(lines, "وكان ترامب قد أمر بسحب القوات")
    for trending in ("منتخب مصر", "عروس المنوفية", "بوشكاش", "16 ديسمبر 2025", "الطقس غدا",
                     "الأكثر قراءة", "Trending", "Google News", "لا يفوتك", "Applcation", "كتب أحمد جمعة"):
        assert not any_line_has(lines, trending), trending
    # title, subtitle (its repeat on line 4 and the byline on line 5 dropped), then every paragraph
    # from Kadhimi (7) to Trump (63); nothing after
    assert kept_numbers("001") == (1, 3) + tuple(range(7, 64, 4))


def test_seed_002_drops_menu_unrelated_headlines_and_comments():
    lines = kept_lines("002")
    assert any_line_has(lines, "فؤاد حسين") and any_line_has(lines, "مايك بومبيو")
    assert any_line_has(lines, "وأقر الوفدان الأمريكي والعراقي")
    for menu in ("اشتباكات حلب", "واشنطن تعتقل مادورو", "جنوب اليمن", "كأس أمم إفريقيا", "مباشر",
                 "أين يمكنك متابعتنا", "Stories", "34 خبر", "التعليقات", "مارينيرا", "زيلينسكي", "الشخصية القيادية"):
        assert not any_line_has(lines, menu), menu
    title = "العراق والولايات المتحدة يؤكدان التزامهما بعلاقات ثنائية قوية ومثمرة"
    assert lines[0] == title and lines.count(title) == 1
    # title, lead, the paragraphs (the title repeated on line 36 dropped) and the source line
    assert kept_numbers("002") == (32, 34) + tuple(range(38, 57, 2))


def test_seed_003_drops_share_bar_and_site_name():
    lines = kept_lines("003")
    assert lines[0] == "أمريكا والعراق يؤكدان التزامهما بالتعاون الأمني والعسكري"
    for furniture in ("الموقع الرسمي", "مشاركة :", "post-title"):
        assert not any_line_has(lines, furniture), furniture
    assert any_line_has(lines, "ثابت العباسي") and any_line_has(lines, "يشار إلى أن العراق")
    # title, photo caption, paragraphs; the "القاهرة الإخبارية - وكالات" credit line (9) dropped
    assert kept_numbers("003") == (3, 7) + tuple(range(11, 26, 2))


def test_seed_004_keeps_every_paragraph():
    numbers = kept_numbers("004")
    assert numbers == (2, 3, 4)


@pytest.mark.parametrize("name, dropped", [
    ("m1_france_mali_announce.txt", "Related: Markets"),
    ("m2_mali_restated_ar.txt", "اقرأ أيضا"),
    ("u2_minusma_stay_ar.txt", "الأكثر قراءة"),
])
def test_devstory_teasers_dropped_paragraphs_kept(name, dropped):
    raw = (DATA / name).read_text(encoding="utf-8")
    cleaned = clean_text(raw)
    assert dropped not in cleaned.text
    paragraphs = [ln for ln in raw.split("\n") if ln.rstrip().endswith(".")]
    for p in paragraphs:
        assert p.strip() in cleaned.text
    if name.startswith("u2"):
        assert "منتخب مالي" not in cleaned.text  # the headline under "most read"


def test_headline_only_text_is_kept():
    # a one-line jsonl article (a headline) has no paragraph: it must not be emptied
    cleaned = clean_text("الجيش الأمريكي ينسحب من العراق نهاية العام")
    assert cleaned.text == "الجيش الأمريكي ينسحب من العراق نهاية العام" and cleaned.kept == 1


def test_line_map_points_at_original_lines():
    raw = seed("002").read_text(encoding="utf-8").split("\n")
    cleaned = clean_text("\n".join(raw))
    for kept, number in zip(cleaned.text.split("\n"), cleaned.line_map):
        assert kept in raw[number - 1]


# ---------------------------------------------------------------- manifest and sources


def test_seeds_with_manifest():
    result = ingest([SEEDS])
    by_id = {s.id: s for s in result.sources}
    assert len(by_id) == 5 and result.root == SEEDS
    s0 = by_id["000_09922462f1c2237b"]
    assert s0.outlet.startswith("AKnews") and s0.published == "2011" and s0.published_how == "manifest"
    assert s0.language == "ar" and s0.lines_dropped == 4 and s0.lines_kept == 10
    assert by_id["002_6548ff7d16ce7baf"].published == "2020-08"
    assert by_id["004_5ef256accc8a372d"].origin == "Rudaw"
    assert all(len(s.content_hash) == 64 for s in by_id.values())
    assert all(s.line_of(0) == s.line_map[0] for s in by_id.values())


def test_single_file_uses_its_folder_manifest():
    result = ingest([seed("001")])
    assert [s.outlet for s in result.sources] == ["Youm7"]


def copy_seeds(tmp_path: Path, manifest: str | None) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in SEEDS.glob("*.txt"):
        shutil.copy(f, corpus / f.name)
    if manifest is not None:
        (corpus / "sources.yaml").write_text(manifest, encoding="utf-8")
    return corpus


def test_manifest_unknown_key_names_line(tmp_path):
    corpus = copy_seeds(tmp_path, "sources:\n  - file: 000_09922462f1c2237b.txt\n    outlett: AKnews\n")
    with pytest.raises(ManifestError) as err:
        ingest([corpus])
    assert err.value.line == 3 and "outlett" in err.value.message  # the line of the key itself
    assert "sources.yaml" in err.value.one_line()


def test_manifest_bad_date(tmp_path):
    corpus = copy_seeds(tmp_path, 'sources:\n  - file: 000_09922462f1c2237b.txt\n    published: "2011-13"\n')
    with pytest.raises(ManifestError, match="month") as err:
        ingest([corpus])
    assert err.value.line == 3


def test_manifest_malformed_yaml(tmp_path):
    corpus = copy_seeds(tmp_path, "sources:\n  - file: [unclosed\n")
    with pytest.raises(ManifestError) as err:
        ingest([corpus])
    assert err.value.line is not None and err.value.exit_code == 2


def test_manifest_entry_for_missing_file(tmp_path):
    corpus = copy_seeds(tmp_path, "sources:\n  - file: 999_missing.txt\n    outlet: X\n")
    with pytest.raises(ManifestError) as err:
        load_manifest(corpus / "sources.yaml")
    assert "999_missing.txt" in err.value.message and "remove the entry" in err.value.hint


def test_no_manifest_flag_ignores_it():
    result = ingest([SEEDS], use_manifest=False)
    assert all(s.outlet is None and s.published_how != "manifest" for s in result.sources)


def test_same_stem_gets_relative_path_ids(tmp_path):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "story.txt").write_text("قال المسؤول إن القوات ستبقى في البلاد حتى نهاية العام المقبل.",
                                                    encoding="utf-8")
    result = ingest([tmp_path])
    assert sorted(s.id for s in result.sources) == ["a/story", "b/story"]


def test_jsonl_one_article_per_line(tmp_path):
    feed = tmp_path / "feed.jsonl"
    rows = [
        {"text": "الجيش ينسحب من المدينة", "published": "2020-01-02", "outlet": "X"},
        "not json",
        {"text": "The army left the city on Monday, officials said.", "url": "https://example.org/a"},
    ]
    feed.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows),
                    encoding="utf-8")
    result = ingest([feed])
    assert [s.id for s in result.sources] == ["feed-1", "feed-3"]
    first, third = result.sources
    assert first.published == "2020-01-02" and first.language == "ar" and first.outlet == "X"
    assert third.language == "en" and third.url == "https://example.org/a"
    assert any("feed.jsonl:2: bad line" in w for w in result.warnings)


# ---------------------------------------------------------------- bad input


def test_bad_files_warn_and_skip(tmp_path):
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "latin.txt").write_bytes("caf\xe9 cr\xe8me br\xfbl\xe9e".encode("latin-1") + bytes([0x81, 0x8d, 0x9d]) * 30)
    (tmp_path / "image.png").write_bytes(b"x")
    (tmp_path / "utf16.txt").write_text("قال المسؤول إن القوات ستبقى في البلاد حتى نهاية العام.", encoding="utf-16")
    (tmp_path / "good.txt").write_text("قال المسؤول إن القوات ستبقى في البلاد حتى نهاية العام المقبل.", encoding="utf-8")
    result = ingest([tmp_path])
    assert [s.id for s in result.sources] == ["good", "utf16"]
    text = "\n".join(result.warnings)
    assert "empty.txt: empty file" in text
    assert "binary.txt: binary file" in text
    assert "latin.txt: not UTF-8" in text
    assert "image.png: 1 file(s) in the corpus are not article files (.png ×1) — skipped" in text


def test_non_article_files_in_a_folder_are_one_line_and_metadata_is_quiet(tmp_path):
    (tmp_path / "a.txt").write_text("قال المسؤول إن القوات ستبقى في البلاد حتى نهاية العام المقبل.", encoding="utf-8")
    (tmp_path / "expectations.yaml").write_text("expected: []\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("# notes\n", encoding="utf-8")
    for name in ("x.pdf", "y.pdf", "z.docx"):
        (tmp_path / name).write_bytes(b"%PDF")
    warnings = [w for w in ingest([tmp_path]).warnings if "publication date" not in w]
    assert len(warnings) == 1 and "3 file(s)" in warnings[0] and ".docx ×1, .pdf ×2" in warnings[0]
    named = ingest([tmp_path / "a.txt", tmp_path / "expectations.yaml"]).warnings
    assert any("expectations.yaml: not an article file" in w for w in named)  # named by the user: said


def test_cp1256_arabic_is_read(tmp_path):
    sentence = "قال المسؤول إن القوات ستبقى في البلاد حتى نهاية العام المقبل."
    (tmp_path / "old.txt").write_bytes(sentence.encode("cp1256"))
    result = ingest([tmp_path])
    assert result.sources[0].text == sentence
    assert any("Windows-1256" in w for w in result.warnings)


def test_nothing_readable_is_fatal(tmp_path):
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    with pytest.raises(NothingReadableError) as err:
        ingest([tmp_path])
    assert err.value.exit_code == 2


def test_missing_path_is_fatal(tmp_path):
    with pytest.raises(NothingReadableError):
        ingest([tmp_path / "nope"])


# ---------------------------------------------------------------- origin


@pytest.mark.parametrize("first_line, origin", [
    ("عشتارتيفي كوم- رووداو/", "Rudaw"),
    ("القاهرة الإخبارية - وكالات", None),
    ("Army pulls out of base (quoting Reuters)", "Reuters"),
    ("بغداد - نقلا عن رويترز", "Reuters"),
    ("طالباني يبحث مع جيفري الدعم الاميركي", None),
])
def test_find_origin(first_line, origin):
    assert find_origin([first_line, "نص الخبر."]) == origin


# ---------------------------------------------------------------- publication dates

SHARED_DEVSTORIES = REPO.parent / "shared" / "data" / "devstories"


@pytest.mark.parametrize("name, published", [
    ("m1_france_mali_announce.txt", "2022-02-17"),   # PARIS, 17 February 2022 —
    ("m2_mali_restated_ar.txt", "2022-02-18"),       # باريس - 18 شباط 2022
    ("u2_minusma_stay_ar.txt", "2023-07-03"),        # باماكو - 3 تموز 2023
])
def test_dateline_gives_publication_date(name, published):
    source = ingest([DATA / name]).sources[0]
    assert (source.published, source.published_how) == (published, "dateline")
    assert 0.5 < source.published_confidence < 1


@pytest.mark.parametrize("opening, published", [
    ("ALGIERS, December 3, 2024 — Algeria's plants will open", "2024-12-03"),   # month first (AP style)
    ("RABAT, Sept 22, 2023 — Morocco will spend", "2023-09-22"),
    ("GOMA, Dec. 22, 2023 — Residents voiced fears", "2023-12-22"),
    ("DAMASCUS, July 13, 2025\n\nSyria signed a deal", "2025-07-13"),
    ("BEIRUT, Lebanon, Oct. 5, 2024 (Reuters) - Talks resumed", "2024-10-05"),   # with the country
    ("NOUMÉA, 12 May 2024 — The vote was moved", "2024-05-12"),
    ("أبيدجان في 1 جانفي 2025 -\nأعلن الرئيس", "2025-01-01"),   # place في date -
    ("نيامي في 14 فيفري 2025 (وكالات) - أعلنت الحكومة", "2025-02-14"),
    ("القاهرة في 3 يونيو 2024 -", "2024-06-03"),
    ("نيروبي في ٦ ديسمبر ٢٠٢٣ -\nقال مسؤول", "2023-12-06"),   # Arabic-Indic digits
    ("بغداد - ٣ آذار ٢٠٢١ - قال", "2021-03-03"),
])
def test_datelines_in_the_common_wire_shapes(opening, published):
    from checker.ingest import find_publication_date

    assert find_publication_date(opening + " on Friday, officials said.")[:2] == (published, "dateline")


def test_a_place_without_a_date_is_no_dateline():
    from checker.ingest import find_publication_date

    assert find_publication_date("CAIRO, Egypt — Officials said in 2024 that talks would resume.")[1] != "dateline"
    # a sentence that starts "X في <date>" is not a dateline: the date runs on into the sentence
    text = "أعلنت الحكومة في 3 مارس 2025 أن القوات ستنسحب."
    assert find_publication_date(text)[1] != "dateline"


@pytest.mark.skipif(not SHARED_DEVSTORIES.is_dir(), reason="../shared/data/devstories not beside the checkout")
def test_every_devstory_dated_from_its_dateline():
    import yaml

    expected = yaml.safe_load((SHARED_DEVSTORIES / "expectations.yaml").read_text(encoding="utf-8"))["published"]
    found = {s.id: s.published for s in ingest([SHARED_DEVSTORIES]).sources}
    assert found == {k: str(v) for k, v in expected.items()}


def test_seeds_without_manifest_ignore_stamps_and_trending_dates():
    by_id = {s.id: s for s in ingest([SEEDS], use_manifest=False).sources}
    s000, s001 = by_id["000_09922462f1c2237b"], by_id["001_18121cc7327a64c0"]
    # the crawl stamp "Monday, 09 February 2026" and the trending "16 ديسمبر 2025" are not dates of these
    assert s000.published is None and s000.published_how == "unknown"
    assert s001.published is None and s001.published_how == "unknown"
    # "في بيان صباح اليوم الجمعة (7 تشرين الثاني 2025)"
    s004 = by_id["004_5ef256accc8a372d"]
    assert (s004.published, s004.published_how) == ("2025-11-07", "dateline")
    # latest reported event: "فبراير 2023" -> the year, low confidence
    s003 = by_id["003_4c26b03a841427a8"]
    assert (s003.published, s003.published_how) == ("2023", "inferred") and s003.published_confidence <= 0.5


def test_unknown_date_warns(tmp_path):
    (tmp_path / "a.txt").write_text("قال المسؤول إن القوات ستبقى في البلاد حتى إشعار آخر.", encoding="utf-8")
    result = ingest([tmp_path])
    assert result.sources[0].published is None
    assert any("a.txt: no publication date found" in w and "manifest" in w for w in result.warnings)


def test_date_line_under_headline_counts_stamp_above_does_not():
    raw = ("• Monday, 09 February 2026\nlogo\n"
           "الجيش الأمريكي ينهي مهامه القتالية في العراق\n"
           "• الثلاثاء، 04 مايو 2021 10:00 م\n"
           "قال المتحدث باسم الجيش الأمريكي، في مؤتمر صحفي، إن القوات ستنهي مهامها القتالية قبل نهاية العام.")
    cleaned = clean_text(raw)
    assert cleaned.line_map == (3, 5) and cleaned.date_line == "الثلاثاء، 04 مايو 2021 10:00 م"
    assert find_publication_date(cleaned.text, date_line=cleaned.date_line) == ("2021-05-04", "dateline", 0.6)
    stamp_only = clean_text(raw.replace("• الثلاثاء، 04 مايو 2021 10:00 م\n", ""))
    assert stamp_only.date_line is None
    assert find_publication_date(stamp_only.text)[0] is None


def test_deadline_is_not_evidence_of_publication_year():
    text = "قال الوزير، في مؤتمر صحفي، إن القوات ستنسحب بحلول نهاية أيلول 2026 وفق الاتفاق."
    assert find_publication_date(text) == (None, "unknown", 0.0)


# ---------------------------------------------------------------- HTML


def test_html_page_main_text_and_metadata():
    source = ingest([DATA / "rt_hcc_2020.html"]).sources[0]
    assert source.published == "2020-08-20" and source.published_how == "metadata"
    assert source.outlet == "RT Arabic" and source.url.startswith("https://arabic.rt.com/")
    assert "فؤاد حسين" in source.text and "وأقر الوفدان" in source.text
    for furniture in ("اشتباكات حلب", "مادورو", "الأكثر قراءة", "زيلينسكي", "جميع الحقوق", "أقسام مهمة"):
        assert furniture not in source.text, furniture
    assert source.language == "ar"


def test_html_json_ld_date_and_crawl_bar_ignored():
    source = ingest([DATA / "wire_mali_2022.html"]).sources[0]
    assert (source.published, source.published_how) == ("2022-02-17", "metadata")
    assert source.language == "en" and "four to six months" in source.text
    for furniture in ("February 2026", "Subscribe", "Gold prices", "Privacy"):
        assert furniture not in source.text, furniture


def test_html_without_article_is_skipped(tmp_path):
    (tmp_path / "menu.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>", encoding="utf-8")
    (tmp_path / "ok.txt").write_text("قال المسؤول إن القوات ستبقى في البلاد حتى نهاية العام المقبل.", encoding="utf-8")
    result = ingest([tmp_path])
    assert [s.id for s in result.sources] == ["ok"]
    assert any(w.startswith(str(tmp_path / "menu.html") + ": no article text") for w in result.warnings)


def test_jsonl_html_line(tmp_path):
    page = (DATA / "wire_mali_2022.html").read_text(encoding="utf-8")
    (tmp_path / "pages.jsonl").write_text(json.dumps({"html": page, "id": "wire-mali"}) + "\n", encoding="utf-8")
    source = ingest([tmp_path]).sources[0]
    assert source.id == "wire-mali" and source.published == "2022-02-17"


def test_manifest_defaults_subfolder_entries_and_jsonl(tmp_path):
    (tmp_path / "sub").mkdir()
    sentence = "قال المسؤول إن القوات ستبقى في البلاد حتى نهاية العام المقبل."
    (tmp_path / "sub" / "a.txt").write_text(sentence, encoding="utf-8")
    (tmp_path / "feed.jsonl").write_text(json.dumps({"text": sentence}) + "\n" +
                                         json.dumps({"text": sentence, "outlet": "Own"}) + "\n", encoding="utf-8")
    (tmp_path / "sources.yaml").write_text(
        "defaults:\n  language: ar\n  outlet: Default\n"
        "sources:\n  - file: sub/a.txt\n    outlet: Sub\n    published: 2020-08-19\n"
        "  - file: feed.jsonl\n    published: \"2021-07\"\n", encoding="utf-8")
    by_id = {s.id: s for s in ingest([tmp_path]).sources}
    assert (by_id["a"].outlet, by_id["a"].published) == ("Sub", "2020-08-19")
    assert (by_id["feed-1"].outlet, by_id["feed-1"].published, by_id["feed-1"].published_how) == ("Default", "2021-07", "manifest")
    assert by_id["feed-2"].outlet == "Own"  # the line's own field wins over the manifest


def test_manifest_bad_language(tmp_path):
    corpus = copy_seeds(tmp_path, "sources:\n  - file: 000_09922462f1c2237b.txt\n    language: Arabic\n")
    with pytest.raises(ManifestError, match="language"):
        ingest([corpus])


# ---------------------------------------------------------------- general layouts (not the seeds)


def test_layout_en_teaser_links_and_footer_dropped_article_kept():
    source = ingest([DATA / "layout_en.txt"]).sources[0]
    # headline, dateline paragraph, paragraph, subheading and the paragraph after the link block
    assert source.line_map == (8, 10, 12, 16, 17)
    assert (source.published, source.published_how, source.language) == ("2021-12-10", "dateline", "en")
    for junk in ("Storm batters", "Gold prices", "Champions League", "By Staff", "Share", "©"):
        assert junk not in source.text, junk


def test_layout_ar_stamp_teaser_read_also_and_most_viewed_dropped():
    source = ingest([DATA / "layout_ar.txt"]).sources[0]
    assert source.line_map == (4, 8, 10, 14)
    # the page's date under the headline, not the crawl stamp above it (12 May)
    assert (source.published, source.published_how) == ("2024-03-06", "dateline")
    for junk in ("عاجل", "اقرأ أيضا", "منتخب مصر", "الطقس غدا", "الأكثر مشاهدة", "سوق العبور", "كتب محمد"):
        assert junk not in source.text, junk


def test_same_stem_same_folder_keeps_suffix(tmp_path):
    sentence = "قال المسؤول إن القوات ستبقى في البلاد حتى نهاية العام المقبل."
    (tmp_path / "a.txt").write_text(sentence, encoding="utf-8")
    (tmp_path / "a.html").write_text(f"<html><body><article><p>{sentence}</p></article></body></html>", encoding="utf-8")
    assert sorted(s.id for s in ingest([tmp_path]).sources) == ["a.html", "a.txt"]


def test_short_last_sentence_stays_headlines_after_a_marker_go():
    raw = ("نيامي - 21 مايو 2024\n\n"
           "اتفقت الولايات المتحدة والنيجر على انسحاب نحو ألف جندي أمريكي من الأراضي النيجرية في موعد أقصاه "
           "15 سبتمبر 2024، بحسب بيان مشترك صدر الأحد.\n\n"
           "ويشمل الانسحاب قاعدة الطائرات المسيرة قرب أغاديز.\n\n"
           "اقرأ أيضا: سعر الدولار اليوم\n"
           "ارتفاع أسعار الوقود في كينشاسا.\n")
    cleaned = clean_text(raw)
    assert cleaned.line_map == (1, 3, 5)


def test_bare_url_is_never_handed_to_htmldate(monkeypatch):
    import htmldate

    asked: list[str] = []
    monkeypatch.setattr(htmldate, "find_date", lambda html, **kwargs: asked.append(html))
    assert html_metadata("https://example.org/article")["published"] is None
    assert find_publication_date("نص بلا تاريخ.", html="https://example.org/article") == (None, "unknown", 0.0)
    assert asked == []
    html_metadata("<html><body><p>x</p></body></html>")
    assert len(asked) == 1  # markup does reach it
