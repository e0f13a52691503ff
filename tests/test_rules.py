"""Every rule's own examples run through the real pipeline (semgrep-style fire/ok), plus the loader's
strictness: a bad rule file is a one-line error with its path."""
from __future__ import annotations

from pathlib import Path

import pytest

from checker.config import Config, default_rules_dir
from checker.errors import RuleFileError
from checker.rule_examples import run_example
from checker.rules import CONDITIONS, load_rules

RULES = load_rules(default_rules_dir())
CASES = [(rule, expect, index, example)
         for rule in RULES for expect in ("fire", "ok")
         for index, example in enumerate(rule.examples[expect], 1)]


def _has_signal() -> bool:
    from checker.signal import load_signal

    return load_signal() is not None


@pytest.mark.slow
@pytest.mark.parametrize("rule,expect,index,example", CASES,
                         ids=[f"{r.id}-{e}-{i}" for r, e, i, _ in CASES])
def test_rule_example(rule, expect, index, example):
    if rule.scope == "signal" and not _has_signal():
        pytest.skip("the learned signal model is not built")
    fired = run_example(rule, example, Config())
    if expect == "fire":
        assert rule.id in fired, f"{rule.id} should fire; fired: {fired}"
    else:
        assert rule.id not in fired, f"{rule.id} should stay silent; fired: {fired}"


def test_every_rule_has_examples_in_both_languages():
    for rule in RULES:
        texts = " ".join(a["text"] for ex in rule.examples["fire"] + rule.examples["ok"] for a in ex)
        assert any("\u0600" <= ch <= "\u06ff" for ch in texts), f"{rule.id} has no Arabic example"
        assert any("a" <= ch.lower() <= "z" for ch in texts), f"{rule.id} has no English example"
        assert len(rule.examples["fire"]) >= 2 and len(rule.examples["ok"]) >= 2, rule.id


def test_rule_ids_are_unique_and_named_for_the_problem():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    assert not any(i.startswith("no-") for i in ids)


def test_every_condition_is_documented():
    for name, fn in CONDITIONS.items():
        assert fn.__doc__ and fn.__doc__.strip(), f"condition {name} has no docstring"


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "bad.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_unknown_condition_names_the_file(tmp_path):
    folder = _write(tmp_path, "id: x\nkind: contradiction\nseverity: error\ndescription: d\nmessage: m\n"
                              "require: [no_such_thing]\nexamples: {fire: [[{text: a}]], ok: [[{text: b}]]}\n")
    with pytest.raises(RuleFileError) as err:
        load_rules(folder)
    assert "bad.yaml" in err.value.one_line() and "no_such_thing" in err.value.one_line()


def test_yaml_syntax_error_has_a_line(tmp_path):
    folder = _write(tmp_path, "id: x\nkind: [unclosed\n")
    with pytest.raises(RuleFileError) as err:
        load_rules(folder)
    assert err.value.line is not None


def test_rule_without_examples_is_refused(tmp_path):
    folder = _write(tmp_path, "id: x\nkind: contradiction\nseverity: error\ndescription: d\nmessage: m\n")
    with pytest.raises(RuleFileError, match="examples"):
        load_rules(folder)


def test_unknown_message_field_is_refused(tmp_path):
    folder = _write(tmp_path, "id: x\nkind: drift\nseverity: info\ndescription: d\nmessage: '{nope}'\n"
                              "examples: {fire: [[{text: a}]], ok: [[{text: b}]]}\n")
    with pytest.raises(RuleFileError, match="nope"):
        load_rules(folder)


def test_rule_reference_is_up_to_date():
    from checker.cli.rules_cmd import render_reference

    committed = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == render_reference(RULES, CONDITIONS), "run `checker rules docs > docs/rules.md`"


def test_every_command_has_help_text():
    from typer.main import get_command

    from checker.cli import app

    def walk(command, path=""):
        for name, sub in getattr(command, "commands", {}).items():
            assert (sub.help or "").strip(), f"`checker {path}{name}` has no help text"
            walk(sub, f"{path}{name} ")

    walk(get_command(app))


def test_a_day_before_an_upper_bound_fits_it():
    from checker.config import Config
    from checker.facets import facets_of
    from checker.pipeline import process_sources, sources_from_texts
    from checker.rules import _within_bound

    sources = sources_from_texts([
        {"text": "The presidential election scheduled for 18 May 2025 will go ahead, the electoral commission said.",
         "published": "2025-01-12"},
        {"text": "The opposition called for the vote to be held before the president's term ends on 30 June 2025.",
         "published": "2025-01-20"},
    ])
    _, claims = process_sources(sources, Config())
    by_source = {s.id: s for s in sources}
    times = [f for c in claims for f in facets_of(c, by_source[c.source_id]) if f.kind == "time" and f.value_to]
    day = next(f for f in times if f.value_to.isoformat() == "2025-05-18")
    bound = next(f for f in times if f.value_to.isoformat() == "2025-06-30")
    assert _within_bound(bound, day)
    assert not _within_bound(day, bound)


def test_the_attribution_before_a_statement_date_is_not_the_facets_place():
    from types import SimpleNamespace

    from checker.config import Config
    from checker.facets import facets_of
    from checker.pipeline import process_sources, sources_from_texts
    from checker.rules import _subnational

    text = ("A Turkish officer in the region said on Thursday that Ankara had no plans to withdraw its troops "
            "from Cyprus before 2026.")
    sources = sources_from_texts([{"text": text, "published": "2024-05-02"}])
    _, claims = process_sources(sources, Config())
    from pathlib import Path

    from checker.lexicon import load_lexicons as _load
    lexicons = _load(Path(__file__).resolve().parent.parent / "rules")
    facet = next(f for f in facets_of(claims[0], sources[0]) if f.kind == "time" and f.time.role != "statement")
    assert not _subnational(SimpleNamespace(lexicons=lexicons), facet)
