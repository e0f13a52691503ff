"""Run every rule's own examples through the real pipeline: `fire` examples must produce a finding of
that rule, `ok` examples must not. Used by `checker rules test` and by the test suite."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from .config import Config
from .rules import Rule


@dataclass(frozen=True)
class ExampleResult:
    rule: str
    expect: str  # fire | ok
    index: int
    passed: bool
    fired_rules: tuple[str, ...]
    texts: tuple[str, ...]


def run_example(rule: Rule, articles: Sequence[dict[str, Any]], config: Config) -> tuple[str, ...]:
    from .pipeline import run_on_sources, sources_from_texts

    sources = sources_from_texts(articles, prefix=f"{rule.id}-")
    result = run_on_sources(sources, config)
    return tuple(sorted({f.rule for f in result.findings}))


def run_rule_examples(rules: Sequence[Rule], config: Config, only: str | None = None) -> list[ExampleResult]:
    results = []
    for rule in rules:
        if only and rule.id != only:
            continue
        for expect in ("fire", "ok"):
            for index, example in enumerate(rule.examples.get(expect) or [], 1):
                articles = example if isinstance(example, list) else example.get("articles", [])
                fired = run_example(rule, articles, config)
                passed = (rule.id in fired) == (expect == "fire")
                results.append(ExampleResult(rule.id, expect, index, passed, fired,
                                             tuple(str(a.get("text", ""))[:80] for a in articles)))
    return results
