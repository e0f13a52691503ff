"""Optional NLI evidence: a user-supplied sentence-transformers CrossEncoder (config `nli_cross_encoder`,
a local model folder) scores the two claims of each finding. It only adds evidence — the rules decide.
No offline NLI model ships (see MODELS.md), so this stays off unless configured."""
from __future__ import annotations

import logging
from dataclasses import replace
from typing import Callable, Sequence

from .errors import ConfigError
from .model import Claim, Finding

log = logging.getLogger(__name__)

Scorer = Callable[[list[tuple[str, str]]], list[dict[str, float]]]


def cross_encoder_scorer(path: str) -> Scorer:
    """Load a CrossEncoder from a local folder (never a download) and return a pair scorer."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if not os.path.isdir(path):
        raise ConfigError("nli_cross_encoder must be a local model folder", path=path,
                          hint="point it at a downloaded sentence-transformers CrossEncoder")
    import numpy as np
    from sentence_transformers import CrossEncoder

    model = CrossEncoder(path, local_files_only=True)
    labels = [str(v).lower() for v in (getattr(model.config, "id2label", None) or {}).values()] or None

    def score(pairs: list[tuple[str, str]]) -> list[dict[str, float]]:
        logits = np.atleast_2d(model.predict(pairs))
        probs = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs /= probs.sum(axis=1, keepdims=True)
        names = labels or [f"label_{i}" for i in range(probs.shape[1])]
        return [{n: round(float(p), 3) for n, p in zip(names, row)} for row in probs]

    return score


def add_nli_evidence(findings: Sequence[Finding], claims: Sequence[Claim], scorer: Scorer) -> list[Finding]:
    """Findings with two claims get evidence["nli"] and a signal "nli:<top label>"; others pass through."""
    text = {c.id: c.text for c in claims}
    pairs = [(f, (text[f.claims[0]], text[f.claims[1]])) for f in findings
             if len(f.claims) == 2 and all(c in text for c in f.claims)]
    if not pairs:
        return list(findings)
    scores = scorer([p for _, p in pairs])
    scored = {f.id: s for (f, _), s in zip(pairs, scores)}
    out = []
    for f in findings:
        s = scored.get(f.id)
        if s is None:
            out.append(f)
            continue
        top = max(s, key=s.get)
        out.append(replace(f, evidence={**f.evidence, "nli": s}, signals=f.signals + (f"nli:{top}",)))
    return out
