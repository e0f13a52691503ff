"""Wires the stages, one way: ingest → segment → claims → embed → match → rules → CheckResult.

The store is only a cache: every function works with store=None, and a source whose content and
pipeline version are unchanged is never re-segmented, re-extracted or re-embedded.
"""
from __future__ import annotations

import hashlib
import logging
import os
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from . import __version__
from .config import Config
from .model import CheckResult, Claim, Cluster, Finding, Sentence, Source

log = logging.getLogger(__name__)

# Pairs from slot blocking (same family, subject group and place) are only added for groups up to
# this size; bigger groups rely on the ANN neighbours alone, so the cost stays n log n.
BLOCK_MAX = 300


def pipeline_version(config: Config) -> str:
    """Changes whenever claim extraction could change: code version, lexicons, the claims threshold."""
    digest = hashlib.sha1(__version__.encode())
    lexicon_dir = Path(config.rules_dir) / "lexicon"
    for path in sorted(lexicon_dir.glob("*.yaml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    # rules.py and claim_index.py write the claim index (slot blocks, drift-chain values) stored with the claims
    for name in ("ingest.py", "claims.py", "timex.py", "segment.py", "facets.py", "rules.py", "claim_index.py"):
        module = Path(__file__).with_name(name)
        if module.exists():
            digest.update(module.read_bytes())
    digest.update(repr((config.checkworthiness_threshold, config.soon_days, config.coming_months_days,
                        config.near_future_days)).encode())
    return digest.hexdigest()[:16]


def _progress(total: int, label: str):
    from rich.progress import Progress

    if total < 200 or os.environ.get("CHECKER_QUIET"):
        return None
    progress = Progress(transient=True, console=_stderr_console())
    progress.start()
    task = progress.add_task(label, total=total)
    return progress, task


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


def process_sources(sources: Sequence[Source], config: Config, store: Any = None
                    ) -> tuple[list[Sentence], list[Claim]]:
    """Segment and extract claims for each source, reusing the store's cached results."""
    from .claim_index import index_rows
    from .claims import extract_claims
    from .lexicon import load_lexicons
    from .segment import segment

    lexicons = load_lexicons(str(config.rules_dir))
    version = pipeline_version(config)
    sentences: list[Sentence] = []
    claims: list[Claim] = []
    bar = _progress(len(sources), "claims")
    for source in sources:
        cached = store.get_processed(source, version) if store is not None else None
        if cached is not None:
            own_sentences, own_claims = cached
        else:
            own_sentences = segment(source)
            own_claims = extract_claims(source, own_sentences, lexicons, config)
            if store is not None:
                store.put_processed(source, own_sentences, own_claims, version,
                                    index=index_rows(source, own_claims, lexicons))
        sentences.extend(own_sentences)
        claims.extend(own_claims)
        if bar:
            bar[0].advance(bar[1])
    if bar:
        bar[0].stop()
    return sentences, claims


def _compatible(lexicons) -> Callable[[Claim, Claim], bool]:
    from .rules import _group

    def compatible(a: Claim, b: Claim) -> bool:
        if a.event_family and b.event_family and a.event_family != b.event_family:
            return False
        ga, gb = _group(lexicons, a.subject), _group(lexicons, b.subject)
        if ga and gb and ga != gb:
            return False
        return not (a.location and b.location and a.location != b.location)

    return compatible


def candidate_pairs(claims: Sequence[Claim], vectors, config: Config, lexicons,
                    query: Iterable[int] | None = None) -> list[tuple[int, int, float]]:
    """Embedding neighbours (ANN + lexical, from checker.match) plus slot blocking: claims that share
    event family, subject group and place meet even when their wording differs (a headline and a
    quote), as long as the group is small."""
    import numpy as np

    from .match import candidate_pairs as ann_pairs
    from .rules import _group

    compatible = _compatible(lexicons)
    found: dict[tuple[int, int], float] = {}
    for p in ann_pairs(claims, vectors, config, query=query, compatible=compatible):
        found[(p.i, p.j)] = max(float(p.similarity), found.get((p.i, p.j), -1.0))
    query_set = None if query is None else set(query)
    blocks: dict[tuple, list[int]] = defaultdict(list)
    group_of: dict[str | None, str | None] = {}  # subjects repeat: a corpus has few
    for index, claim in enumerate(claims):
        subject = claim.subject
        group = group_of[subject] if subject in group_of else group_of.setdefault(subject, _group(lexicons, subject))
        if claim.event_family and (group or claim.location):
            # an unnamed subject ("a regional force") still meets claims of its family and place
            blocks[(claim.event_family, group or "?")].append(index)
    for members in blocks.values():
        if len(members) < 2 or len(members) > BLOCK_MAX:
            continue
        if query_set is not None and not query_set.intersection(members):
            continue  # the gate: only blocks that hold a new claim
        rows = np.array(members)
        sims = vectors[rows] @ vectors[rows].T
        firsts = range(len(members)) if query_set is None else \
            [x for x, i in enumerate(members) if i in query_set]  # the gate: pairs with a new claim only
        for x in firsts:
            for y in range(len(members)):
                if y == x or (y < x and (query_set is None or members[y] in query_set)):
                    continue  # each pair once
                i, j = min(members[x], members[y]), max(members[x], members[y])
                if (i, j) in found or not compatible(claims[i], claims[j]):
                    continue
                found[(i, j)] = float(sims[x, y])
    return sorted(((i, j, s) for (i, j), s in found.items()), key=lambda t: (t[0], t[1]))


def _signal_function(config: Config, claims: Sequence[Claim], vectors,
                     pairs: Sequence[tuple[int, int, float]] = ()) -> Callable[[Claim, Claim], float] | None:
    if not config.signal_enabled:
        return None
    try:
        from .signal import load_signal
    except ImportError:
        return None
    model = load_signal()
    if model is None:
        return None
    row = {c.id: i for i, c in enumerate(claims)}
    cache: dict[tuple[str, str], float] = {}
    contradict = list(model.labels).index("contradict")
    # one batched prediction for every pair the signal rules may ask about
    batch = [(i, j) for i, j, sim in pairs
             if sim >= config.signal_min_similarity and claims[i].source_id != claims[j].source_id]
    if batch:
        left, right = [i for i, _ in batch], [j for _, j in batch]
        probs = model.predict([claims[i].text for i in left], [claims[j].text for j in right],
                              vectors[left], vectors[right])
        for (i, j), p in zip(batch, probs[:, contradict]):
            cache[(claims[i].id, claims[j].id)] = cache[(claims[j].id, claims[i].id)] = float(p)

    def p_contradict(a: Claim, b: Claim) -> float:
        key = (a.id, b.id)
        if key not in cache:
            probs = model.predict([a.text], [b.text], vectors[[row[a.id]]], vectors[[row[b.id]]])
            cache[key] = float(probs[0][contradict])
        return cache[key]

    p_contradict.explain = lambda a, b: list(model.explain(a.text, b.text))  # type: ignore[attr-defined]
    return p_contradict


def analyse(sources: Sequence[Source], claims: Sequence[Claim], config: Config, embedder: Any = None,
            store: Any = None, new_claim_ids: set[str] | None = None, previous_clusters: dict[str, str] | None = None,
            *, pairs: Sequence[tuple[str, str, float]] | None = None, stored_chain_values: Sequence[Any] | None = None,
            load_claim: Callable[[str], tuple[Claim, Source]] | None = None,
            ) -> tuple[list[Cluster], list[Finding], Any]:
    """Embed, match, cluster and run the rules. With `new_claim_ids`, only pairs and sources that
    involve a new claim are checked (the CI gate). The gate may also pass what it computed against the
    whole stored corpus while `claims` holds only the new claims' neighbourhood: the candidate `pairs`
    (by claim id), the drift-chain values of stored claims and a loader for stored claims (see
    `rules.evaluate`)."""
    from .embed import embed_texts, get_embedder
    from .lexicon import load_lexicons
    from .match import CandidatePair, cluster_claims
    from .rules import evaluate, load_rules

    lexicons = load_lexicons(str(config.rules_dir))
    rules = load_rules(config.rules_dir)
    embedder = embedder or get_embedder(config)
    vectors = embed_texts([c.text for c in claims], embedder, cache=store)
    query = None
    if new_claim_ids is not None:
        query = [i for i, c in enumerate(claims) if c.id in new_claim_ids]
    if pairs is None:
        pairs = candidate_pairs(claims, vectors, config, lexicons, query=query)
    else:
        row = {c.id: i for i, c in enumerate(claims)}
        pairs = sorted((row[a], row[b], s) if row[a] < row[b] else (row[b], row[a], s) for a, b, s in pairs)
    strong = [CandidatePair(i, j, s, 0.0, s) for i, j, s in pairs if s >= config.same_fact_similarity]
    clusters = cluster_claims(claims, vectors, strong, config, previous=previous_clusters) if claims else []
    cluster_of = {cid: k.id for k in clusters for cid in k.claims}
    signal = _signal_function(config, claims, vectors, pairs)
    findings = evaluate(claims, sources, pairs, rules, lexicons, config, signal=signal,
                        new_claim_ids=new_claim_ids, cluster_of=cluster_of, stored_chain_values=stored_chain_values,
                        load_claim=load_claim)
    if config.nli_cross_encoder:
        from .nli import add_nli_evidence, cross_encoder_scorer

        findings = add_nli_evidence(findings, claims, cross_encoder_scorer(config.nli_cross_encoder))
    return clusters, findings, embedder


def run_on_sources(sources: Sequence[Source], config: Config, store: Any = None, warnings: Sequence[str] = (),
                   corpus_root: str | None = None) -> CheckResult:
    _, claims = process_sources(sources, config, store)
    clusters, findings, embedder = analyse(sources, claims, config, store=store)
    return CheckResult(
        sources=tuple(sources), claims=tuple(claims), clusters=tuple(clusters), findings=tuple(findings),
        warnings=tuple(warnings), embedder=getattr(embedder, "name", ""),
        embedder_fallback=bool(getattr(embedder, "is_fallback", False)), corpus_root=corpus_root,
    )


def default_store_path(paths: Sequence[str | Path]) -> Path | None:
    if not paths:
        return None
    first = Path(paths[0])
    root = first if first.is_dir() else first.parent
    return root / ".checker" / "store.sqlite"


def run_check(paths: Sequence[str | Path], config: Config, store_path: str | Path | None = None,
              use_store: bool = True) -> CheckResult:
    """The whole check on files or folders; the store defaults to <corpus>/.checker/store.sqlite."""
    from .ingest import ingest

    ingested = ingest(paths)
    root = str(ingested.root) if ingested.root else None
    if not use_store:
        return run_on_sources(ingested.sources, config, None, ingested.warnings, root)
    from .store import Store

    path = Path(store_path) if store_path else default_store_path(paths)
    with Store(path) as store:
        return run_on_sources(ingested.sources, config, store, ingested.warnings, root)


def sources_from_texts(articles: Sequence[dict[str, Any]], prefix: str = "ex") -> list[Source]:
    """In-memory sources for rule examples and tests: [{text, published?, outlet?, language?}]."""
    from .ingest import find_publication_date
    from .textnorm import detect_language

    out = []
    for index, article in enumerate(articles, 1):
        text = str(article["text"]).strip()
        published = article.get("published")
        how = "manifest" if published else "unknown"
        if not published:
            published, how, _ = find_publication_date(text)
        out.append(Source(
            id=str(article.get("id") or f"{prefix}{index}"), path=f"<{prefix}{index}>", text=text,
            language=article.get("language") or detect_language(text), outlet=article.get("outlet"),
            published=str(published) if published else None, published_how=how,
            content_hash=hashlib.sha256(text.encode()).hexdigest(), lines_kept=text.count("\n") + 1,
        ))
    return out

