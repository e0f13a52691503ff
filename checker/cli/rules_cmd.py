"""`checker rules list|explain|test`: the rules are data, documented and tested from their own YAML."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from ..errors import UsageError


def _rules(rules_dir: Optional[Path]):
    from ..config import load_config
    from ..rules import load_rules

    config = load_config()
    if rules_dir:
        config = config.replace(rules_dir=rules_dir)
    return config, load_rules(config.rules_dir)


def register(app: typer.Typer) -> None:
    rules_app = typer.Typer(help="List, explain and test the consistency rules (rules/*.yaml).", no_args_is_help=True)
    app.add_typer(rules_app, name="rules")

    @rules_app.command("list")
    def list_rules(
        rules_dir: Optional[Path] = typer.Option(None, "--rules", help="Rules folder (default: the shipped rules/)."),
        fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
    ) -> None:
        """One line per rule: id, kind, severity, scope, title."""
        from tabulate import tabulate

        _, rules = _rules(rules_dir)
        rows = [{"id": r.id, "kind": r.kind, "severity": r.severity, "scope": r.scope, "title": r.title} for r in rules]
        if fmt == "json":
            print(json.dumps(rows, ensure_ascii=False, indent=2))
        elif fmt == "table":
            print(tabulate([list(r.values()) for r in rows], headers=["id", "kind", "severity", "scope", "title"]))
        else:
            raise UsageError("--format must be table or json")

    @rules_app.command("explain")
    def explain(
        rule_id: str = typer.Argument(..., help="A rule id from `checker rules list`."),
        rules_dir: Optional[Path] = typer.Option(None, "--rules", help="Rules folder."),
    ) -> None:
        """What a rule does, why it matters, its conditions and examples."""
        from ..rules import CONDITIONS

        _, rules = _rules(rules_dir)
        rule = next((r for r in rules if r.id == rule_id), None)
        if rule is None:
            raise UsageError(f"no rule '{rule_id}'", hint="see `checker rules list`")
        print(render_rule_doc(rule, CONDITIONS))

    @rules_app.command("docs")
    def docs(rules_dir: Optional[Path] = typer.Option(None, "--rules", help="Rules folder.")) -> None:
        """The rule reference (Markdown) generated from the YAML; docs/rules.md is this output."""
        from ..rules import CONDITIONS

        _, rules = _rules(rules_dir)
        print(render_reference(rules, CONDITIONS), end="")

    @rules_app.command("test")
    def test(
        rule_id: Optional[str] = typer.Argument(None, help="Only this rule."),
        rules_dir: Optional[Path] = typer.Option(None, "--rules", help="Rules folder."),
    ) -> None:
        """Run every rule's fire/ok examples through the real pipeline; exit 1 if one fails."""
        from ..rule_examples import run_rule_examples

        config, rules = _rules(rules_dir)
        if rule_id and not any(r.id == rule_id for r in rules):
            raise UsageError(f"no rule '{rule_id}'", hint="see `checker rules list`")
        results = run_rule_examples(rules, config, only=rule_id)
        failed = [r for r in results if not r.passed]
        for r in results:
            mark = "ok  " if r.passed else "FAIL"
            print(f"{mark} {r.rule} {r.expect} #{r.index}" + ("" if r.passed else f" — fired: {', '.join(r.fired_rules) or 'nothing'}"))
        print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
        if failed:
            raise typer.Exit(1)


def render_rule_doc(rule, conditions) -> str:
    """Markdown for one rule (ruff-style headings), shared by `rules explain` and docs/rules.md."""
    lines = [f"## {rule.id}", "", f"*{rule.title}* — kind **{rule.kind}**, severity **{rule.severity}**, "
             f"scope `{rule.scope}`", "", "### What it does", "", rule.description, ""]
    if rule.why:
        lines += ["### Why it matters", "", rule.why, ""]
    lines += ["### Conditions", ""]
    for c in rule.require:
        doc = (conditions[c.name].__doc__ or "").strip().split("\n")[0]
        params = f" `{c.params}`" if c.params else ""
        lines.append(f"- {'not ' if c.negate else ''}`{c.name}`{params}: {doc}")
    for c in rule.unless:
        doc = (conditions[c.name].__doc__ or "").strip().split("\n")[0]
        lines.append(f"- unless `{c.name}`: {doc}")
    lines += ["", "### Example (fires)", ""]
    for article in rule.examples["fire"][0]:
        lines.append(f"- ({article.get('published', 'no date')}) {article['text']}")
    lines += ["", "### Example (stays silent)", ""]
    for article in rule.examples["ok"][0]:
        lines.append(f"- ({article.get('published', 'no date')}) {article['text']}")
    if rule.question:
        lines += ["", f"Reviewer's question: {rule.question}"]
    return "\n".join(lines) + "\n"


def render_reference(rules, conditions) -> str:
    head = ("# Rule reference\n\nGenerated by `checker rules docs` from `rules/*.yaml`; a test fails when this file "
            "and the rules disagree.\n\n| id | kind | severity | scope |\n|---|---|---|---|\n")
    table = "".join(f"| [{r.id}](#{r.id}) | {r.kind} | {r.severity} | {r.scope} |\n" for r in rules)
    return head + table + "\n" + "\n".join(render_rule_doc(r, conditions) for r in rules)
