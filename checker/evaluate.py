"""Accuracy measured on labelled data: what `checker eval` reports.

Four kinds of labelled data, each scored by a pure function over plain dicts so the scoring is tested
without running the pipeline:

- **stories** — folders of articles with an `expectations.yaml` (format of
  `../shared/data/devstories/expectations.yaml`): per-kind and per-rule precision/recall/F1 of the
  findings, findings on forbidden pairs and on silent (noise) sources, publication-date accuracy.
  Matching follows `../shared/tools/score_expectations.py`: a finding matches an expected item when its
  kind is accepted and its set of source stems is exactly the item's set.
- **pairs** — the claim-pair set `tests/data/pairs/pairs.jsonl` (`{a, b, same_fact, kind}`): every
  pair becomes two one-line articles run through the pipeline; clustering pairwise precision/recall
  (do the two end in one cluster) and per-kind finding precision/recall.
- **timex** — `{text, anchor, value_from, value_to}` rows: time-resolution accuracy of
  `checker.timex.find_times`.
- **ANS stance** (`--ans stance_dev.csv`): each headline pair becomes two one-line articles with the
  same date; flagged = a contradiction/tension/inconsistency finding names exactly the two sources;
  macro F1 over agree/disagree (`other` rows left out).

Precision is reported two ways for stories: `precision` counts every finding that matches no expected
item as a false alarm (strict, like a reviewer who only knows the labels); `precision_labelled` counts
only findings the labels say are wrong (forbidden pairs, noise sources) and ignores unlabelled ones.
"""
from __future__ import annotations

import csv
import json
import logging
import math
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePath
from typing import Any

import yaml

from .errors import UsageError
from .model import KINDS

log = logging.getLogger(__name__)

EXPECTATIONS_FILE = "expectations.yaml"
FLAG_KINDS = ("contradiction", "tension", "inconsistency")  # what counts as "flagged" for a pair
PAIR_DEFAULT_DATE = "2024-01-15"
# A claims run returns the findings.json dict of a folder; injected so tests run without models.
CheckFn = Callable[[Path], dict[str, Any]]


# --------------------------------------------------------------------------------------------- metrics
@dataclass
class PRF:
    """Counts for one class; precision/recall/F1 are None when undefined (nothing predicted/expected)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "PRF") -> "PRF":
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        return _f1(self.precision, self.recall)

    def to_json(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": _round(self.precision),
                "recall": _round(self.recall), "f1": _round(self.f1)}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _f1(precision: float | None, recall: float | None) -> float | None:
    """Undefined only when both are; nothing predicted against something expected is 0, not undefined."""
    if precision is None and recall is None:
        return None
    p, r = precision or 0.0, recall or 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


# --------------------------------------------------------------------------------------------- stories
def stem(source_id: str) -> str:
    """Findings name sources by id; expectations by file stem (`path/x.txt` -> `x`)."""
    return PurePath(str(source_id)).stem


@dataclass
class KindCounts:
    """Per finding kind (or per rule): recall side from expected items, precision side from findings."""

    expected: int = 0  # expected items assigned to this kind
    found: int = 0  # of those, matched by a finding
    reported: int = 0  # findings of this kind
    correct: int = 0  # findings that match an expected item
    wrong: int = 0  # findings on a forbidden pair/kind or naming a silent source

    def add(self, other: "KindCounts") -> "KindCounts":
        return KindCounts(*(a + b for a, b in zip(astuple_counts(self), astuple_counts(other))))

    @property
    def precision(self) -> float | None:
        return _ratio(self.correct, self.reported)

    @property
    def precision_labelled(self) -> float | None:
        return _ratio(self.correct, self.correct + self.wrong)

    @property
    def recall(self) -> float | None:
        return _ratio(self.found, self.expected)

    @property
    def f1(self) -> float | None:
        return _f1(self.precision, self.recall)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "precision": _round(self.precision),
                "precision_labelled": _round(self.precision_labelled),
                "recall": _round(self.recall), "f1": _round(self.f1)}


def astuple_counts(c: KindCounts) -> tuple[int, ...]:
    return (c.expected, c.found, c.reported, c.correct, c.wrong)


@dataclass
class StoryScore:
    name: str
    per_kind: dict[str, KindCounts]
    per_rule: dict[str, KindCounts]
    missed: list[str]
    wrong: list[str]
    noise: list[str]
    unexpected: list[str]  # contradiction/inconsistency findings no label covers (as the shared scorer prints)
    dates_right: int
    dates_total: int
    date_errors: list[str]
    findings: int

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "per_kind": {k: v.to_json() for k, v in sorted(self.per_kind.items())},
            "per_rule": {k: v.to_json() for k, v in sorted(self.per_rule.items())},
            "missed": self.missed, "wrong": self.wrong, "noise": self.noise, "unexpected": self.unexpected,
            "published": {"right": self.dates_right, "total": self.dates_total,
                          "accuracy": _round(_ratio(self.dates_right, self.dates_total)),
                          "errors": self.date_errors},
            "findings": self.findings,
        }


def load_expectations(path: Path) -> dict[str, Any]:
    """Read and check one expectations.yaml; a malformed file is a one-line error with its path."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UsageError(f"cannot read expectations ({type(exc).__name__})", path=str(path)) from None
    if not isinstance(data, dict):
        raise UsageError("expectations must be a mapping with published/expected/forbidden/silent", path=str(path))
    for key, typ in (("published", dict), ("expected", list), ("forbidden", list), ("silent", list)):
        data.setdefault(key, typ())
        if data[key] is None:
            data[key] = typ()
        if not isinstance(data[key], typ):
            raise UsageError(f"'{key}' must be a {typ.__name__}", path=str(path))
    for section in ("expected", "forbidden"):
        for n, item in enumerate(data[section], 1):
            if not isinstance(item, dict) or not item.get("sources") or not item.get("kinds"):
                raise UsageError(f"{section} item {n} needs 'sources' and 'kinds'", path=str(path))
            bad = [k for k in item["kinds"] if k not in KINDS]
            if bad:
                raise UsageError(f"{section} item {n}: unknown kind {bad[0]!r}", path=str(path),
                                 hint=f"kinds: {', '.join(KINDS)}")
    return data


def score_story(expectations: dict[str, Any], findings_doc: dict[str, Any], name: str = "") -> StoryScore:
    """Score one findings.json dict against one expectations dict (the shared scorer's matching rules)."""
    findings = findings_doc.get("findings", [])
    source_sets = [frozenset(stem(s) for s in f.get("sources", [])) for f in findings]
    per_kind: dict[str, KindCounts] = defaultdict(KindCounts)
    per_rule: dict[str, KindCounts] = defaultdict(KindCounts)

    matched_findings: set[int] = set()
    missed: list[str] = []
    for item in expectations.get("expected", []):
        want = frozenset(item["sources"])
        hits = [i for i, f in enumerate(findings) if source_sets[i] == want and f.get("kind") in item["kinds"]]
        matched_findings.update(hits)
        kind = findings[hits[0]].get("kind") if hits else item["kinds"][0]
        per_kind[kind].expected += 1
        if hits:
            per_kind[kind].found += 1
            rule = findings[hits[0]].get("rule") or "?"
            per_rule[rule].expected += 1
            per_rule[rule].found += 1
        else:
            missed.append(str(item.get("name") or sorted(want)))

    wrong_findings: dict[int, str] = {}
    for item in expectations.get("forbidden", []):
        pair = frozenset(item["sources"])
        for i, f in enumerate(findings):
            if source_sets[i] == pair and f.get("kind") in item["kinds"]:
                wrong_findings.setdefault(i, f"{sorted(pair)} called {f.get('kind')} ({f.get('rule')})")
    silent = set(expectations.get("silent", []))
    noise: list[str] = []
    for i, f in enumerate(findings):
        if source_sets[i] & silent:
            noise.append(f"{f.get('rule')} on {sorted(source_sets[i])}")
            wrong_findings.setdefault(i, noise[-1])

    unexpected: list[str] = []
    for i, f in enumerate(findings):
        kind, rule = f.get("kind") or "?", f.get("rule") or "?"
        for counts in (per_kind[kind], per_rule[rule]):
            counts.reported += 1
            counts.correct += i in matched_findings
            counts.wrong += i in wrong_findings and i not in matched_findings
        if kind in ("contradiction", "inconsistency") and i not in matched_findings:
            unexpected.append(f"{kind}: {rule} on {sorted(source_sets[i])}")

    got_dates = {stem(s.get("id", "")): str(s.get("published") or "") for s in findings_doc.get("sources", [])}
    date_errors = []
    for sid, want in expectations.get("published", {}).items():
        if got_dates.get(sid, "")[:10] != str(want):
            date_errors.append(f"{sid}: got {got_dates.get(sid) or 'nothing'}, want {want}")
    return StoryScore(
        name=name, per_kind=dict(per_kind), per_rule=dict(per_rule), missed=missed,
        wrong=[w for i, w in sorted(wrong_findings.items()) if i not in matched_findings and w not in noise],
        noise=noise, unexpected=unexpected,
        dates_right=len(expectations.get("published", {})) - len(date_errors),
        dates_total=len(expectations.get("published", {})), date_errors=date_errors, findings=len(findings))


@dataclass
class StoriesReport:
    stories: list[StoryScore]

    def total(self, attr: str) -> dict[str, KindCounts]:
        out: dict[str, KindCounts] = defaultdict(KindCounts)
        for story in self.stories:
            for key, counts in getattr(story, attr).items():
                out[key] = out[key].add(counts)
        return dict(sorted(out.items()))

    @property
    def overall(self) -> KindCounts:
        total = KindCounts()
        for counts in self.total("per_kind").values():
            total = total.add(counts)
        return total

    @property
    def published_accuracy(self) -> float | None:
        return _ratio(sum(s.dates_right for s in self.stories), sum(s.dates_total for s in self.stories))

    def to_json(self) -> dict[str, Any]:
        return {
            "stories": [s.to_json() for s in self.stories],
            "per_kind": {k: v.to_json() for k, v in self.total("per_kind").items()},
            "per_rule": {k: v.to_json() for k, v in self.total("per_rule").items()},
            "overall": self.overall.to_json(),
            "published_accuracy": _round(self.published_accuracy),
            "published_right": sum(s.dates_right for s in self.stories),
            "published_total": sum(s.dates_total for s in self.stories),
            "missed": sum(len(s.missed) for s in self.stories),
            "wrong": sum(len(s.wrong) for s in self.stories),
            "noise": sum(len(s.noise) for s in self.stories),
        }


def story_folders(path: Path) -> list[Path]:
    """`path` itself when it holds an expectations.yaml, else its sub-folders that do (sorted)."""
    if (path / EXPECTATIONS_FILE).is_file():
        return [path]
    return sorted(p for p in path.iterdir() if p.is_dir() and (p / EXPECTATIONS_FILE).is_file())


def pipeline_check(folder: Path) -> dict[str, Any]:
    """Run the real pipeline on one folder (its own config) and return the findings.json dict."""
    from .config import load_config
    from .pipeline import run_check
    from .report import findings_json

    # No store: a cache file inside labelled data (or a temp pair corpus) would only be written to.
    result = run_check([folder], load_config(folder), use_store=False)
    return findings_json(result)


def evaluate_stories(paths: Iterable[Path], check: CheckFn | None = None) -> StoriesReport:
    check = check or pipeline_check
    scores = []
    for root in paths:
        folders = story_folders(root)
        if not folders:
            raise UsageError("no expectations.yaml here or in its sub-folders", path=str(root),
                             hint="see tests/data/stories/README.md for the format")
        for folder in folders:
            expectations = load_expectations(folder / EXPECTATIONS_FILE)
            log.info("eval: checking story %s", folder.name)
            scores.append(score_story(expectations, check(folder), name=folder.name))
    return StoriesReport(scores)


# --------------------------------------------------------------------------------------------- pairs
@dataclass(frozen=True)
class LabelledPair:
    a: str
    b: str
    same_fact: bool | None  # None: the row has no clustering label
    kind: str | None  # the finding kind a careful editor gives the pair, None for no finding
    published_a: str = PAIR_DEFAULT_DATE
    published_b: str = PAIR_DEFAULT_DATE
    label: str = ""  # raw label text (same/related/unrelated, or agree/disagree)
    split: str = ""
    same_article: bool = False  # an inconsistency pair: both sentences come from one article


@dataclass
class PairOutcome:
    """What the pipeline made of one pair: did both sides yield claims, meet in a cluster, get flagged."""

    claims_a: int
    claims_b: int
    same_cluster: bool
    kinds: frozenset[str]  # kinds of findings naming exactly the pair's source(s)


def _same_fact_value(value: Any, path: Path, line: int) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower().replace("-", "_").replace(" ", "_")
    if text in {"same_fact", "same", "true", "yes", "1"}:
        return True
    if text in {"related", "unrelated", "different", "false", "no", "0"}:
        return False
    raise UsageError(f"same_fact {value!r} is not same/related/unrelated or true/false", path=str(path), line=line)


def _side(value: Any, path: Path, line: int, name: str) -> tuple[str, str | None]:
    """A pair side is a sentence, or `{text, lang, published}` (tests/data/pairs/README.md)."""
    if isinstance(value, dict):
        text, published = value.get("text"), value.get("published")
    else:
        text, published = value, None
    if not isinstance(text, str) or not text.strip():
        raise UsageError(f"pair side '{name}' needs a non-empty text", path=str(path), line=line)
    return text.strip(), (str(published) if published else None)


def load_pairs(path: Path, split: str | None = None) -> list[LabelledPair]:
    """Read the labelled pair set (format: tests/data/pairs/README.md); `split` keeps only dev or test.

    A side without a publication date takes its partner's, else a fixed day: the set dates a pair
    only where its label depends on the date. An inconsistency pair becomes one two-sentence article.
    """
    pairs = []
    for n, row in _json_lines(path, "pairs"):
        if not isinstance(row, dict) or "a" not in row or "b" not in row:
            raise UsageError("a pair needs 'a' and 'b'", path=str(path), line=n)
        (a, date_a), (b, date_b) = _side(row["a"], path, n, "a"), _side(row["b"], path, n, "b")
        kind = row.get("kind")
        kind = None if kind in (None, "", "none", "null") else str(kind)
        if kind is not None and kind not in KINDS:
            raise UsageError(f"unknown kind {kind!r}", path=str(path), line=n, hint=f"kinds: {', '.join(KINDS)} or none")
        if split and row.get("split", "dev") != split:
            continue
        common = str(row.get("published") or date_a or date_b or PAIR_DEFAULT_DATE)
        pairs.append(LabelledPair(
            a=a, b=b, same_fact=_same_fact_value(row.get("same_fact"), path, n), kind=kind,
            published_a=date_a or common, published_b=date_b or common,
            label=str(row.get("same_fact")), split=str(row.get("split") or ""),
            same_article=kind == "inconsistency"))
    return pairs


def load_ans(path: Path, limit: int | None = None) -> list[LabelledPair]:
    """ANS stance rows (`s1, s2, stance`) as pairs; `other` rows are left out as the metric says."""
    pairs = []
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = {"s1", "s2", "stance"} - set(reader.fieldnames or [])
            if missing:
                raise UsageError(f"missing column(s) {', '.join(sorted(missing))}", path=str(path),
                                 hint="expected the ANS stance CSV: s1, s2, stance")
            for row in reader:
                stance = (row.get("stance") or "").strip().lower()
                if stance not in ("agree", "disagree"):
                    continue
                pairs.append(LabelledPair(a=row["s1"].strip(), b=row["s2"].strip(), same_fact=None,
                                          kind="contradiction" if stance == "disagree" else None, label=stance))
                if limit and len(pairs) >= limit:
                    break
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read ANS csv ({type(exc).__name__})", path=str(path)) from None
    return pairs


def pair_corpus_lines(pair: LabelledPair) -> list[dict[str, Any]]:
    """The one-line articles of a pair, as `.jsonl` records the ingest stage reads."""
    if pair.same_article:
        return [{"text": f"{pair.a} {pair.b}", "published": pair.published_a}]
    return [{"text": pair.a, "published": pair.published_a}, {"text": pair.b, "published": pair.published_b}]


def outcome_from_findings(doc: dict[str, Any], pair: LabelledPair) -> PairOutcome:
    """Read one pair's outcome off its findings.json dict (sources `pair-1`, `pair-2` of `pair.jsonl`).

    In a one-article pair a claim belongs to side a when it starts inside the first sentence."""
    def side(claim: dict[str, Any]) -> str | None:
        if pair.same_article:
            return None if claim.get("source") != "pair-1" else "a" if claim.get("start", 0) < len(pair.a) else "b"
        return {"pair-1": "a", "pair-2": "b"}.get(claim.get("source"))

    side_of = {c["id"]: side(c) for c in doc.get("claims", [])}
    counts = Counter(side_of.values())
    same_cluster = any({"a", "b"} <= {side_of.get(cid) for cid in k.get("claims", [])}
                       for k in doc.get("clusters", []))
    want = {"pair-1"} if pair.same_article else {"pair-1", "pair-2"}
    kinds = frozenset(f.get("kind") for f in doc.get("findings", []) if set(f.get("sources", [])) == want)
    return PairOutcome(claims_a=counts.get("a", 0), claims_b=counts.get("b", 0),
                       same_cluster=same_cluster, kinds=kinds)


def run_pairs(pairs: Sequence[LabelledPair], check: CheckFn | None = None,
              workdir: Path | None = None) -> list[PairOutcome]:
    """Each pair alone in its own `.jsonl` corpus, so pairs never meet each other."""
    from .io_utils import atomic_write_text

    check = check or pipeline_check
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="checker-eval-", dir=workdir) as tmp:
        for n, pair in enumerate(pairs, 1):
            folder = Path(tmp) / f"p{n:05d}"
            atomic_write_text(folder / "pair.jsonl", "".join(
                json.dumps(rec, ensure_ascii=False) + "\n" for rec in pair_corpus_lines(pair)))
            outcomes.append(outcome_from_findings(check(folder), pair))
            if n % 50 == 0:
                log.info("eval: %d/%d pairs", n, len(pairs))
    return outcomes


@dataclass
class PairsReport:
    n: int
    clustering: PRF
    clustering_by_split: dict[str, PRF]
    per_kind: dict[str, PRF]
    both_sides_claimed: int  # pairs where each side yielded at least one claim

    def to_json(self) -> dict[str, Any]:
        overall = PRF()
        for prf in self.per_kind.values():
            overall = overall.add(prf)
        return {"pairs": self.n, "both_sides_claimed": self.both_sides_claimed,
                "clustering": self.clustering.to_json(),
                "clustering_by_split": {k: v.to_json() for k, v in sorted(self.clustering_by_split.items())},
                "per_kind": {k: v.to_json() for k, v in sorted(self.per_kind.items())},
                "findings_overall": overall.to_json()}


def score_pairs(pairs: Sequence[LabelledPair], outcomes: Sequence[PairOutcome]) -> PairsReport:
    """Clustering: positive = labelled same fact, predicted = one cluster holds both sides. Findings: per
    kind, tp when the labelled kind is among the pair's finding kinds, fp for every other kind reported."""
    clustering = PRF()
    by_split: dict[str, PRF] = defaultdict(PRF)
    per_kind: dict[str, PRF] = defaultdict(PRF)
    for pair, out in zip(pairs, outcomes, strict=True):
        if pair.same_fact is not None:
            one = PRF(tp=int(pair.same_fact and out.same_cluster), fp=int(not pair.same_fact and out.same_cluster),
                      fn=int(pair.same_fact and not out.same_cluster))
            clustering = clustering.add(one)
            if pair.split:
                by_split[pair.split] = by_split[pair.split].add(one)
        for kind in out.kinds:
            if kind == pair.kind:
                per_kind[kind].tp += 1
            else:
                per_kind[kind].fp += 1
        if pair.kind is not None and pair.kind not in out.kinds:
            per_kind[pair.kind].fn += 1
    return PairsReport(n=len(pairs), clustering=clustering, clustering_by_split=dict(by_split),
                       per_kind=dict(per_kind),
                       both_sides_claimed=sum(1 for o in outcomes if o.claims_a and o.claims_b))


@dataclass
class StanceReport:
    n: int
    disagree: PRF  # positive class: flagged
    agree: PRF  # positive class: not flagged
    both_sides_claimed: int
    same_cluster: int

    @property
    def macro_f1(self) -> float:
        return ((self.disagree.f1 or 0.0) + (self.agree.f1 or 0.0)) / 2

    @property
    def accuracy(self) -> float | None:
        return _ratio(self.disagree.tp + self.agree.tp, self.n)

    def to_json(self) -> dict[str, Any]:
        return {"pairs": self.n, "macro_f1": _round(self.macro_f1), "accuracy": _round(self.accuracy),
                "disagree": self.disagree.to_json(), "agree": self.agree.to_json(),
                "both_sides_claimed": self.both_sides_claimed, "same_cluster": self.same_cluster}


def score_stance(pairs: Sequence[LabelledPair], outcomes: Sequence[PairOutcome]) -> StanceReport:
    disagree, agree = PRF(), PRF()
    for pair, out in zip(pairs, outcomes, strict=True):
        flagged = bool(out.kinds & set(FLAG_KINDS))
        gold_disagree = pair.label == "disagree"
        if flagged and gold_disagree:
            disagree.tp += 1
        elif flagged:
            disagree.fp += 1
            agree.fn += 1
        elif gold_disagree:
            disagree.fn += 1
            agree.fp += 1
        else:
            agree.tp += 1
    return StanceReport(n=len(pairs), disagree=disagree, agree=agree,
                        both_sides_claimed=sum(1 for o in outcomes if o.claims_a and o.claims_b),
                        same_cluster=sum(1 for o in outcomes if o.same_cluster))


# --------------------------------------------------------------------------------------------- timex
@dataclass(frozen=True)
class TimexRow:
    text: str
    anchor: str
    value_from: str | None
    value_to: str | None
    line: int = 0


@dataclass
class TimexReport:
    n: int
    detected: int  # rows where find_times returned anything
    exact: int  # rows where some found expression has exactly the expected interval
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"rows": self.n, "detected": self.detected, "exact": self.exact,
                "accuracy": _round(_ratio(self.exact, self.n)), "detection": _round(_ratio(self.detected, self.n)),
                "errors": self.errors}


def _json_lines(path: Path, what: str):
    """(line number, parsed object) for each non-blank line of a labelled .jsonl file; strict."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {what} ({type(exc).__name__})", path=str(path)) from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield n, json.loads(line)
        except json.JSONDecodeError:
            raise UsageError("not a JSON object", path=str(path), line=n) from None


def load_timex(path: Path) -> list[TimexRow]:
    rows = []
    for n, row in _json_lines(path, "time table"):
        if not isinstance(row, dict) or not row.get("text") or not row.get("anchor") or \
                "value_from" not in row or "value_to" not in row:
            raise UsageError("a row needs text, anchor, value_from, value_to", path=str(path), line=n)
        rows.append(TimexRow(str(row["text"]), str(row["anchor"]), row["value_from"], row["value_to"], n))
    return rows


def score_timex(rows: Sequence[TimexRow], find_times: Callable[[str, str], Sequence[Any]] | None = None) -> TimexReport:
    """A row is right when one expression found in its text resolves to exactly the expected interval."""
    if find_times is None:
        from .timex import find_times
    report = TimexReport(n=len(rows), detected=0, exact=0)
    for row in rows:
        found = list(find_times(row.text, row.anchor))
        report.detected += bool(found)
        intervals = [(t.value_from, t.value_to) for t in found]
        if (row.value_from, row.value_to) in intervals:
            report.exact += 1
        else:
            report.errors.append(f"line {row.line}: {row.text!r} @ {row.anchor}: got {intervals or 'nothing'}, "
                                 f"want ({row.value_from}, {row.value_to})")
    return report


# --------------------------------------------------------------------------------------------- verdicts
def verdict_precision(verdicts: Path, findings_path: Path) -> dict[str, Any]:
    """Precision per rule and kind from review verdicts (the review store reads and computes it)."""
    from .review_store import latest_verdicts, load_findings_json, precision_from_verdicts

    if not verdicts.is_file():
        raise UsageError("no such verdicts file", path=str(verdicts), hint="reviews.jsonl written by `checker review`")
    if not findings_path.is_file():
        raise UsageError("no findings to match the verdicts against", path=str(findings_path),
                         hint="run `checker check` first, or pass --findings")
    return precision_from_verdicts(load_findings_json(findings_path), latest_verdicts(verdicts))


# --------------------------------------------------------------------------------------------- data kinds
def detect_kind(path: Path) -> str:
    """stories (a folder), pairs or timex (a .jsonl, by its first row's keys), ans (a .csv with s1,s2)."""
    if path.is_dir():
        return "stories"
    if not path.is_file():
        raise UsageError("no such file or folder", path=str(path))
    if path.suffix.lower() == ".csv":
        return "ans"
    if path.suffix.lower() == ".jsonl":
        try:
            with path.open(encoding="utf-8") as fh:
                first = next((line for line in fh if line.strip()), "")
            row = json.loads(first) if first else {}
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            raise UsageError("not a JSON-lines file", path=str(path)) from None
        if isinstance(row, dict) and {"a", "b"} <= row.keys():
            return "pairs"
        if isinstance(row, dict) and {"text", "anchor"} <= row.keys():
            return "timex"
    raise UsageError("not labelled data checker eval knows", path=str(path),
                     hint="a stories folder, pairs .jsonl {a,b,same_fact,kind}, timex .jsonl "
                          "{text,anchor,value_from,value_to}, or --ans stance.csv")


def default_data(repo_root: Path, prefix: Path = Path("tests/data")) -> list[Path]:
    """What `checker eval` with no DATA measures: the project's own labelled sets that exist."""
    base = repo_root / prefix
    candidates = [base / "stories", base / "pairs/pairs.jsonl", base / "eval/timex.jsonl"]
    return [p for p in candidates if p.exists()]


def expand_data(paths: Sequence[Path]) -> list[Path]:
    """A folder that is not itself a stories folder but holds the project layout (`tests/data`:
    stories/, pairs/pairs.jsonl, eval/timex.jsonl) stands for the labelled sets inside it."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir() and not story_folders(path):
            inside = default_data(path, prefix=Path("."))
            if not inside:
                raise UsageError("no labelled data here", path=str(path),
                                 hint="a stories folder, pairs .jsonl, timex .jsonl, or a folder holding them")
            out.extend(inside)
        else:
            out.append(path)
    return out


def evaluate(paths: Sequence[Path], ans: Path | None = None, limit: int | None = None,
             check: CheckFn | None = None, split: str | None = None) -> dict[str, Any]:
    """Every labelled set in `paths` (plus ANS dev when given), scored; a JSON-ready dict."""
    out: dict[str, Any] = {}
    by_kind: dict[str, list[Path]] = defaultdict(list)
    for path in expand_data(paths):
        by_kind[detect_kind(path)].append(path)
    if ans is not None:
        by_kind["ans"].append(ans)
    if by_kind.get("stories"):
        out["stories"] = evaluate_stories(by_kind["stories"], check).to_json()
    if by_kind.get("pairs"):
        pairs = [p for path in by_kind["pairs"] for p in load_pairs(path, split)][: limit or None]
        out["pairs"] = score_pairs(pairs, run_pairs(pairs, check)).to_json()
    if by_kind.get("timex"):
        rows = [r for path in by_kind["timex"] for r in load_timex(path)]
        out["timex"] = score_timex(rows).to_json()
    if by_kind.get("ans"):
        pairs = [p for path in by_kind["ans"] for p in load_ans(path, limit)]
        out["ans"] = score_stance(pairs, run_pairs(pairs, check)).to_json()
        out["ans"]["file"] = str(by_kind["ans"][0])
    return out


# --------------------------------------------------------------------------------------------- baseline
# The numbers the regression test holds: higher is better for all but the counts of wrong/noise findings.
def baseline_metrics(scores: dict[str, Any]) -> dict[str, float]:
    flat: dict[str, float] = {}
    stories = scores.get("stories")
    if stories:
        for kind, counts in stories["per_kind"].items():
            if counts["recall"] is not None:
                flat[f"stories.{kind}.recall"] = counts["recall"]
            if counts["precision_labelled"] is not None:
                flat[f"stories.{kind}.precision_labelled"] = counts["precision_labelled"]
        for key in ("precision", "precision_labelled", "recall", "f1"):
            if stories["overall"][key] is not None:
                flat[f"stories.overall.{key}"] = stories["overall"][key]
        if stories["published_accuracy"] is not None:
            flat["stories.published_accuracy"] = stories["published_accuracy"]
        flat["stories.wrong_plus_noise"] = -(stories["wrong"] + stories["noise"])
    if scores.get("timex"):
        flat["timex.accuracy"] = scores["timex"]["accuracy"] or 0.0
    if scores.get("pairs"):
        for key in ("precision", "recall", "f1"):
            value = scores["pairs"]["clustering"][key]
            if value is not None:
                flat[f"pairs.clustering.{key}"] = value
    if scores.get("ans"):
        flat["ans.macro_f1"] = scores["ans"]["macro_f1"]
    return flat


def below_baseline(scores: dict[str, Any], baseline: dict[str, float], slack: float = 1e-6) -> list[str]:
    """Metrics of the sets in `scores` that fell under the saved baseline (a metric gone counts as fallen)."""
    now = baseline_metrics(scores)
    measured = {key for key in baseline if key.split(".", 1)[0] in scores}  # only the sets measured now
    return [f"{key}: {now.get(key)} < baseline {baseline[key]}" for key in sorted(measured)
            if now.get(key) is None or now[key] < baseline[key] - slack]


# --------------------------------------------------------------------------------------------- tables
def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return "–" if math.isnan(value) else f"{value:.2f}"
    return str(value)


def _verdict_cells(bucket: dict[str, Any]) -> list[Any]:
    return [bucket.get("findings", 0), bucket.get("reviewed", 0), bucket.get("confirmed", 0),
            bucket.get("false_alarm", 0), _fmt(bucket.get("precision"))]


def render_tables(scores: dict[str, Any]) -> str:
    """Plain-text tables (tabulate) of every section present."""
    from tabulate import tabulate

    parts: list[str] = []
    stories = scores.get("stories")
    if stories:
        head = ["kind", "expected", "found", "recall", "reported", "correct", "wrong", "precision",
                "prec. labelled", "F1"]
        rows = [[k, c["expected"], c["found"], _fmt(c["recall"]), c["reported"], c["correct"], c["wrong"],
                 _fmt(c["precision"]), _fmt(c["precision_labelled"]), _fmt(c["f1"])]
                for k, c in list(stories["per_kind"].items()) + [("all", stories["overall"])]]
        parts.append(f"Stories ({len(stories['stories'])}): findings per kind\n" + tabulate(rows, head))
        rows = [[r, c["expected"], c["found"], c["reported"], c["correct"], c["wrong"], _fmt(c["precision"]),
                 _fmt(c["precision_labelled"])] for r, c in stories["per_rule"].items()]
        parts.append("Stories: per rule\n" + tabulate(
            rows, ["rule", "expected", "found", "reported", "correct", "wrong", "precision", "prec. labelled"]))
        rows = []
        for s in stories["stories"]:
            expected = sum(c["expected"] for c in s["per_kind"].values())
            found = sum(c["found"] for c in s["per_kind"].values())
            rows.append([s["name"], f"{found}/{expected}", len(s["wrong"]), len(s["noise"]), len(s["unexpected"]),
                         f"{s['published']['right']}/{s['published']['total']}", s["findings"]])
        parts.append("Stories: per story\n" + tabulate(
            rows, ["story", "found/expected", "wrong", "noise", "unexpected c/i", "dates", "findings"]))
        parts.append(f"Publication dates: {stories['published_right']}/{stories['published_total']} "
                     f"({_fmt(stories['published_accuracy'])})")
    pairs = scores.get("pairs")
    if pairs:
        c = pairs["clustering"]
        rows = [["clustering (same fact)", c["tp"], c["fp"], c["fn"], _fmt(c["precision"]), _fmt(c["recall"]), _fmt(c["f1"])]]
        rows += [[f"clustering, {name} split", v["tp"], v["fp"], v["fn"], _fmt(v["precision"]), _fmt(v["recall"]),
                  _fmt(v["f1"])] for name, v in pairs.get("clustering_by_split", {}).items()]
        rows += [[f"finding: {k}", v["tp"], v["fp"], v["fn"], _fmt(v["precision"]), _fmt(v["recall"]), _fmt(v["f1"])]
                 for k, v in pairs["per_kind"].items()]
        parts.append(f"Pairs ({pairs['pairs']}, both sides claimed: {pairs['both_sides_claimed']})\n"
                     + tabulate(rows, ["", "tp", "fp", "fn", "precision", "recall", "F1"]))
    timex = scores.get("timex")
    if timex:
        parts.append(f"Time resolution: {timex['exact']}/{timex['rows']} exact ({_fmt(timex['accuracy'])}), "
                     f"{timex['detected']} detected")
    ans = scores.get("ans")
    if ans:
        rows = [[k, ans[k]["tp"], ans[k]["fp"], ans[k]["fn"], _fmt(ans[k]["precision"]), _fmt(ans[k]["recall"]),
                 _fmt(ans[k]["f1"])] for k in ("disagree", "agree")]
        parts.append(f"ANS stance dev ({ans['pairs']} agree/disagree pairs): macro F1 {_fmt(ans['macro_f1'])}, "
                     f"accuracy {_fmt(ans['accuracy'])}\n" + tabulate(rows, ["", "tp", "fp", "fn", "precision", "recall", "F1"]))
    verdicts = scores.get("verdicts")
    if verdicts:
        rows = [["all", *_verdict_cells(verdicts.get("overall", {}))]]
        rows += [[f"rule: {name}", *_verdict_cells(b)] for name, b in verdicts.get("by_rule", {}).items()]
        rows += [[f"kind: {name}", *_verdict_cells(b)] for name, b in verdicts.get("by_kind", {}).items()]
        unmatched = verdicts.get("unmatched") or []
        parts.append("Review verdicts\n" + tabulate(
            rows, ["", "findings", "reviewed", "confirmed", "false alarm", "precision"])
            + (f"\n{len(unmatched)} verdict(s) on findings no longer present" if unmatched else ""))
    return "\n\n".join(parts) + "\n"
