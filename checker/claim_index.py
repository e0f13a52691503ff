"""What the gate needs to know of every stored claim without reading the claims back.

`checker check` stores, next to each source's claims, one small row per claim: the slots that decide
which claims may meet (event family, subject, place), the hash its embedding is cached under, and the
values the claim contributes to drift chains. With these rows a gate finds the new claims'
neighbourhood — their nearest neighbours among all stored claims, the slot blocks they fall in, the
drift chains they join — and reads back only the claims and sources in it, so its cost follows the
new article rather than the size of the corpus.

    rows = index_rows(source, claims, lexicons)             # at store time
    hood = neighbourhood(stored_rows, new_claims, vectors, config, lexicons)   # in the gate
    hood.stored_claim_ids, hood.pairs, hood.chain_values
"""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .config import Config
from .embed import prepare_text, text_hash
from .lexicon import Lexicons
from .model import Claim, Source


class IndexRow(NamedTuple):
    """One stored claim as the gate sees it (the slot names match Claim's, so matching reads both).
    A named tuple: a gate builds one per stored claim, tens of thousands of them."""

    source_id: str
    ordinal: int  # the claim's place among its source's claims
    claim_id: str
    text_hash: str  # key of its embedding in the store
    event_family: str | None
    subject: str | None
    location: str | None
    chain: str | None = None  # JSON list of ChainValue rows, None when the claim feeds no chain

    def chain_values(self) -> list:
        from .rules import ChainValue

        if not self.chain:
            return []
        return [ChainValue.from_row(row, self.source_id, self.claim_id) for row in json.loads(self.chain)]


def index_rows(source: Source, claims: Sequence[Claim], lexicons: Lexicons) -> list[IndexRow]:
    """The index rows of one source's claims (claims in their stored order)."""
    from .facets import facets_of
    from .rules import chain_values_of

    rows = []
    for ordinal, claim in enumerate(claims):
        values = chain_values_of(claim, facets_of(claim, source), lexicons, ordinal)
        rows.append(IndexRow(
            source_id=source.id, ordinal=ordinal, claim_id=claim.id, text_hash=text_hash(prepare_text(claim.text)),
            event_family=claim.event_family, subject=claim.subject, location=claim.location,
            chain=json.dumps([v.to_row() for v in values], ensure_ascii=False) if values else None))
    return rows


@dataclass
class Neighbourhood:
    """The part of the stored corpus a gate must look at."""

    stored_claim_ids: list[str]  # stored claims that meet a new claim, in corpus order
    pairs: list[tuple[str, str, float]]  # candidate pairs (claim id, claim id, cosine) touching a new claim
    chain_values: list  # ChainValue of every stored claim in a drift chain a new claim joins


def neighbourhood(stored: Sequence[IndexRow], stored_vectors: np.ndarray, new_claims: Sequence[Claim],
                  new_vectors: np.ndarray, config: Config, lexicons: Lexicons) -> Neighbourhood:
    """Candidate pairs of the new claims against every stored claim, computed exactly as a full check
    computes them (same neighbours, same slot blocks, same order), plus the drift-chain values they join."""
    from .pipeline import candidate_pairs
    from .rules import chain_group

    headers: list = list(stored) + list(new_claims)
    if not new_claims:
        return Neighbourhood([], [], [])
    vectors = np.vstack([stored_vectors.reshape(-1, new_vectors.shape[1]), new_vectors]).astype(np.float32)
    query = range(len(stored), len(headers))
    found = candidate_pairs(headers, vectors, config, lexicons, query=query)
    near = sorted({k for i, j, _ in found for k in (i, j) if k < len(stored)})
    pairs = [(headers[i].claim_id if i < len(stored) else headers[i].id,
              headers[j].claim_id if j < len(stored) else headers[j].id, s) for i, j, s in found]

    # drift chains: a new value can only meet stored values of the same family and actor (the place
    # may differ: a value with no place joins its story's only place)
    joined = {(c.event_family, chain_group(lexicons, c)) for c in new_claims}
    joins: dict[tuple, bool] = {}  # by (family, subject): a corpus has few of them

    def joins_chain(row: IndexRow) -> bool:
        key = (row.event_family, row.subject)
        if key not in joins:
            joins[key] = (row.event_family, chain_group(lexicons, row)) in joined
        return joins[key]

    chain_values = [value for row in stored if row.chain and joins_chain(row) for value in row.chain_values()]
    return Neighbourhood([stored[k].claim_id for k in near], pairs, chain_values)


# Rebuild the one-blob snapshot of stored vectors once this many stored claims are missing from it
# (new since it was written); until then they are read one by one.
SNAPSHOT_STALE_ROWS = 256
SNAPSHOT_STALE_SHARE = 0.05


def stored_vectors(store, embedder, rows: Sequence[IndexRow], texts_of: Callable[[Sequence[str]], list[str]]
                   ) -> np.ndarray:
    """The embedding of every indexed claim, in `rows` order, read from the store's vector snapshot (one
    blob) plus the few vectors cached since; claims never embedded are embedded (and cached) now."""
    from .embed import embed_texts

    snapshot = store.get_vector_snapshot(embedder.name)
    if snapshot is not None and snapshot[1].shape[1] != embedder.dim:
        snapshot = None
    position = {h: k for k, h in enumerate(snapshot[0])} if snapshot is not None else {}
    matrix = snapshot[1] if snapshot is not None else np.zeros((0, embedder.dim), dtype=np.float32)
    missing = list(dict.fromkeys(row.text_hash for row in rows if row.text_hash not in position))
    extra = store.get_embeddings(embedder.name, missing) if missing else {}
    unembedded = [row for row in rows if row.text_hash not in position and row.text_hash not in extra]
    if unembedded:  # stored by a run that stopped before embedding: embed them now (and cache them)
        first = {}
        for row in unembedded:
            first.setdefault(row.text_hash, row.claim_id)
        fresh = embed_texts(texts_of(list(first.values())), embedder, cache=store)
        extra.update(zip(first.keys(), fresh))
    at = np.fromiter((position.get(row.text_hash, -1) for row in rows), dtype=np.int64, count=len(rows))
    out = matrix[np.maximum(at, 0)] if len(matrix) else np.empty((len(rows), embedder.dim), dtype=np.float32)
    for k in np.flatnonzero(at < 0):
        out[k] = extra[rows[k].text_hash]
    if len(missing) > max(SNAPSHOT_STALE_ROWS, SNAPSHOT_STALE_SHARE * len(rows)):
        keep = list(dict.fromkeys(row.text_hash for row in rows))
        first_row = {}
        for k, row in enumerate(rows):
            first_row.setdefault(row.text_hash, k)
        store.put_vector_snapshot(embedder.name, keep, out[[first_row[h] for h in keep]])
    return out
