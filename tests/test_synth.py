"""bench/synth.py: deterministic, cached, realistic-shaped synthetic corpora."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import synth  # noqa: E402

ARABIC = re.compile("[\u0600-\u06ff]")
DATELINE_EN = re.compile(r"^[A-Z' ]+, \d{1,2} [A-Z][a-z]+ \d{4}( \([A-Za-z]+\))? — ")
DATELINE_AR = re.compile(r"^\S[^-]* - [\d٠-٩]{1,2} \S+( \S+)? [\d٠-٩]{4}( \(.+\))?$")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return synth.generate(400, seed=3, out_dir=tmp_path_factory.mktemp("corpora"))


def articles(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.txt"))


def test_size_stories_languages_and_wire_copies(corpus):
    files = articles(corpus)
    assert len(files) == 400
    stories = {p.stem.split("_", 1)[1].rsplit("_", 1)[0].removesuffix("_ar").removesuffix("_en") for p in files}
    assert len(stories - {"noise"}) >= 6 and "noise" in stories
    texts = [p.read_text(encoding="utf-8") for p in files]
    arabic = sum(bool(ARABIC.search(t[:60])) for t in texts)
    assert 0.3 < arabic / len(texts) < 0.8
    wires = [p for p in files if p.stem.endswith("_wire")]
    assert 0.05 < len(wires) / len(files) < 0.25
    assert any("٢" in t or "٠" in t for t in texts), "some articles use Arabic-Indic digits"


def test_every_article_has_a_dateline_and_5_to_15_sentences(corpus):
    years = set()
    for path in articles(corpus):
        text = path.read_text(encoding="utf-8")
        first = text.splitlines()[0]
        assert DATELINE_EN.match(first) or DATELINE_AR.match(first), (path.name, first)
        years.update(re.findall(r"\b(20[12]\d)\b", first))
        paragraphs = [p for p in text.split("\n\n") if p.strip()]
        sentences = [p for p in paragraphs if p.rstrip().endswith((".", "\"", "»"))]
        assert 1 <= len(paragraphs) - len(sentences) <= 3 + (not DATELINE_EN.match(first)), path.name
        assert 4 <= len(sentences) <= 15, (path.name, len(sentences))
    assert len(years) >= 10, "dates spread over years"


def test_wire_copy_repeats_its_original_a_day_later(corpus):
    files = articles(corpus)
    bodies = {p.stem: p.read_text(encoding="utf-8").split("\n", 1)[1] for p in files}
    wire = next(p for p in files if p.stem.endswith("_wire"))
    originals = [stem for stem, body in bodies.items() if body == bodies[wire.stem] and stem != wire.stem]
    assert originals, "a wire copy has the same body as an earlier article"


def test_same_seed_same_bytes_and_cache_reuse(tmp_path, corpus):
    again = synth.generate(400, seed=3, out_dir=corpus.parent)
    assert again == corpus  # reused, not rewritten
    other = synth.generate(50, seed=3, out_dir=tmp_path)
    twin = synth.generate(50, seed=3, out_dir=tmp_path / "twin")
    assert [p.read_bytes() for p in articles(other)] == [p.read_bytes() for p in articles(twin)]
    assert [p.read_bytes() for p in articles(synth.generate(50, seed=4, out_dir=tmp_path))] != \
        [p.read_bytes() for p in articles(other)]


def test_unfinished_corpus_is_regenerated(tmp_path):
    folder = synth.generate(20, seed=1, out_dir=tmp_path)
    (folder / synth.DONE_MARKER).unlink()
    (folder / "part000" / "stray.txt").write_text("x", encoding="utf-8")
    again = synth.generate(20, seed=1, out_dir=tmp_path)
    assert len(articles(again)) == 20 and (again / synth.DONE_MARKER).is_file()
