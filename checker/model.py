"""Plain typed records that flow one way through the pipeline.

ingest -> Source; segment -> Sentence; claims -> Claim (+ TimeRef, Quantity);
match -> Cluster; rules -> Finding; the pipeline returns a CheckResult.
Every record is frozen so a stage can never mutate what an earlier stage produced.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# published_how values, in order of trust
PUBLISHED_HOW = ("manifest", "metadata", "dateline", "inferred", "unknown")
GRANULARITIES = ("day", "week", "month", "quarter", "year", "vague")
KINDS = ("contradiction", "drift", "inconsistency", "tension", "unverifiable")
SEVERITIES = ("info", "warning", "error")


@dataclass(frozen=True)
class Source:
    """One article after boilerplate removal.

    `text` is the kept text (lines joined by "\\n"); `line_map[i]` is the 1-based line number in the
    original file of kept line i, so a claim offset can be pointed back to the file (SARIF, review).
    """

    id: str
    path: str  # as given / relative to the corpus root, for display and links
    text: str
    language: str = "und"
    outlet: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date, or partial "2011" / "2011-07", or None
    published_how: str = "unknown"
    published_confidence: float = 0.0
    content_hash: str = ""
    line_map: tuple[int, ...] = ()
    lines_kept: int = 0
    lines_dropped: int = 0
    notes: str | None = None
    origin: str | None = None  # "quoting Rudaw": the outlet this one re-publishes, when stated

    def line_of(self, offset: int) -> int:
        """1-based line in the original file for a character offset into `text`."""
        kept_index = self.text.count("\n", 0, max(0, offset))
        if self.line_map and kept_index < len(self.line_map):
            return self.line_map[kept_index]
        return kept_index + 1


@dataclass(frozen=True)
class Sentence:
    source_id: str
    index: int
    start: int  # char offsets into Source.text
    end: int
    text: str
    normalized: str


@dataclass(frozen=True)
class TimeRef:
    """A time expression resolved to an inclusive ISO interval (either end may be open)."""

    text: str
    start: int  # offsets into the text that was searched
    end: int
    value_from: str | None
    value_to: str | None
    granularity: str  # one of GRANULARITIES
    anchor: str | None = None  # ISO date the expression was resolved against
    anchor_how: str = "published"  # statement | published | partial | given | event (a duration counted from its dated event) | none
    role: str = "point"  # point | deadline | since | window | until | vague
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "value_from": self.value_from,
            "value_to": self.value_to,
            "granularity": self.granularity,
            "anchor": self.anchor,
            "anchor_how": self.anchor_how,
            "role": self.role,
            **({"notes": list(self.notes)} if self.notes else {}),
        }


@dataclass(frozen=True)
class Quantity:
    text: str
    start: int
    end: int
    value: float
    unit: str  # troops | percent | basis_points | people | money | count | months | years ...
    value_max: float | None = None  # "four to six months" -> value 4, value_max 6


@dataclass(frozen=True)
class Claim:
    id: str
    source_id: str
    sentence_index: int
    text: str
    start: int  # offsets into Source.text
    end: int
    normalized: str = ""
    event: str | None = None  # withdraw, remain, end_mission, transition, reduce, deploy, ...
    event_family: str | None = None  # presence, election, rate, ...
    subject: str | None = None  # normalised who/what: us_forces, coalition, ...
    subject_text: str | None = None
    scope: str | None = None  # all_forces, combat_forces, ...
    location: str | None = None
    speaker: str | None = None
    attribution: str = "outlet"  # quoted | reported | outlet
    polarity: str = "positive"  # positive | negative
    modality: str = "assert"  # plan | commitment | hedge | fact | assert
    tense: str = "present"  # past | present | future
    times: tuple[TimeRef, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    checkworthiness: float = 0.0
    statement_date: str | None = None  # "announced on 27 Sept 2025": when this was asserted, if stated
    cues: tuple[str, ...] = ()  # lexicon entries that fired, for explanations

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["source"] = d.pop("source_id")
        d["times"] = [t.to_json() for t in self.times]
        d["quantities"] = [asdict(q) for q in self.quantities]
        d["cues"] = list(self.cues)
        return d


@dataclass(frozen=True)
class Cluster:
    id: str
    label: str
    claims: tuple[str, ...]
    event_family: str | None = None


@dataclass(frozen=True)
class Finding:
    id: str
    rule: str
    kind: str
    severity: str
    claims: tuple[str, ...]
    sources: tuple[str, ...]
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    question: str = ""
    confidence: float = 1.0
    signals: tuple[str, ...] = ()
    cluster: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "rule": self.rule,
            "kind": self.kind,
            "severity": self.severity,
            "claims": list(self.claims),
            "sources": list(self.sources),
            "message": self.message,
            "question": self.question,
            "confidence": round(self.confidence, 3),
            "signals": list(self.signals),
            "cluster": self.cluster,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class CheckResult:
    sources: tuple[Source, ...]
    claims: tuple[Claim, ...]
    clusters: tuple[Cluster, ...]
    findings: tuple[Finding, ...]
    warnings: tuple[str, ...] = ()
    embedder: str = ""
    embedder_fallback: bool = False
    corpus_root: str | None = None

    def source(self, source_id: str) -> Source:
        for s in self.sources:
            if s.id == source_id:
                return s
        raise KeyError(source_id)

    def claim(self, claim_id: str) -> Claim:
        for c in self.claims:
            if c.id == claim_id:
                return c
        raise KeyError(claim_id)
