"""Same-fact matching: which claims talk about the same fact, across outlets, years and languages.

candidate_pairs: each claim's nearest neighbours in embedding space (exact numpy for small corpora,
a usearch HNSW index for large ones — bench/match_scale.py has the numbers), rescored with a lexical
signal (character n-gram TF-IDF cosine over normalised text), filtered by slot compatibility.
cluster_claims: connected components of the pair graph, split by average-linkage agglomerative
clustering inside each component (scikit-learn), never a dense n x n matrix over the corpus.
Pairs of the same source are returned too: internal-inconsistency rules need them.
"""
from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

import numpy as np

from .model import Claim, Cluster

if TYPE_CHECKING:
    from .config import Config

log = logging.getLogger(__name__)

# Up to this many claims, exact neighbours by blocked matrix products cost no more CPU than building
# and searching an ANN index (bench/match_scale.py: 20k claims exact ~8 CPU-s vs usearch ~5; 50k 52 vs ~18).
EXACT_SEARCH_MAX = 10000
# Similarity cells held at once: the block (float32) plus argpartition's int64 indexes stay under
# ~200 MiB whatever the corpus size.
EXACT_BLOCK_CELLS = 1 << 24
# Components larger than this are clustered over their sparse pair graph instead of a dense matrix.
DENSE_COMPONENT_MAX = 2500
LABEL_MAX_CHARS = 80
# Inside a component, two claims whose extracted event and subject both agree are more likely the
# same fact than their wording alone says (a 2021 report and a 2025 announcement of the coalition's
# mission ending). Only a bonus, never a penalty: "withdraw" vs "remain" must still meet.
SLOT_AGREEMENT_BONUS = 0.1

Compatible = Callable[[Claim, Claim], bool]


@dataclass(frozen=True)
class CandidatePair:
    i: int  # i < j, indexes into the claims list
    j: int
    similarity: float  # dense cosine
    lexical: float  # char n-gram TF-IDF cosine over normalised text
    score: float  # (1 - w) * similarity + w * lexical


# --------------------------------------------------------------------------- text for the lexical signal

_TASHKEEL = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def _local_normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_DIGITS)
    text = _TASHKEEL.sub("", text).translate(_ARABIC_FOLD)
    return re.sub(r"\s+", " ", text).strip().lower()


def normalise_for_lexical(text: str) -> str:
    """Shared normaliser (checker.textnorm) when present, else a local fold of the same kind."""
    try:
        from .textnorm import normalize_for_matching
    except ImportError:
        return _local_normalise(text)
    return normalize_for_matching(text)


def lexical_matrix(texts: Sequence[str]):
    """Sparse L2-normalised char n-gram TF-IDF rows; row dot products are cosines."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    normalised = [normalise_for_lexical(t) or " " for t in texts]
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, dtype=np.float32)
    try:
        return vectorizer.fit_transform(normalised).tocsr()
    except ValueError:  # every text empty: no vocabulary
        from scipy.sparse import csr_matrix

        return csr_matrix((len(texts), 1), dtype=np.float32)


def _row_cosines(matrix, rows_a: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
    if len(rows_a) == 0:
        return np.zeros(0, dtype=np.float32)
    products = matrix[rows_a].multiply(matrix[rows_b])
    return np.asarray(products.sum(axis=1), dtype=np.float32).ravel()


# --------------------------------------------------------------------------- neighbours


def nearest_neighbours(vectors: np.ndarray, queries: np.ndarray, k: int, method: str = "auto"
                       ) -> tuple[np.ndarray, np.ndarray]:
    """(indexes, cosines), each (len(queries), k), of the k nearest rows of `vectors` per query index.

    The query row itself is excluded. method: "auto", "exact" (numpy), "usearch", "hnswlib" (optional).
    """
    n = len(vectors)
    k = max(0, min(k, n - 1))
    if k == 0 or len(queries) == 0:
        return np.zeros((len(queries), 0), dtype=np.int64), np.zeros((len(queries), 0), dtype=np.float32)
    if method == "auto":
        # exact costs len(queries) * n dot products: cheap for small corpora and for the gate's few
        # new claims against a large store; an index pays off only for all-against-all at scale
        method = "exact" if len(queries) * n <= EXACT_SEARCH_MAX ** 2 else "usearch"
    if method == "exact":
        return _exact_neighbours(vectors, queries, k)
    if method == "usearch":
        return _usearch_neighbours(vectors, queries, k)
    if method == "hnswlib":
        return _hnswlib_neighbours(vectors, queries, k)
    raise ValueError(f"unknown neighbour method {method!r}")


def _exact_neighbours(vectors: np.ndarray, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    indexes = np.empty((len(queries), k), dtype=np.int64)
    cosines = np.empty((len(queries), k), dtype=np.float32)
    block_rows = max(16, EXACT_BLOCK_CELLS // max(1, len(vectors)))
    for start in range(0, len(queries), block_rows):
        block = queries[start:start + block_rows]
        sims = vectors[block] @ vectors.T
        sims[np.arange(len(block)), block] = -np.inf
        top = np.argpartition(sims, sims.shape[1] - k, axis=1)[:, -k:]  # no negated copy of the block
        top_sims = np.take_along_axis(sims, top, axis=1)
        order = np.argsort(-top_sims, axis=1)
        indexes[start:start + len(block)] = np.take_along_axis(top, order, axis=1)
        cosines[start:start + len(block)] = np.take_along_axis(top_sims, order, axis=1)
    return indexes, cosines


def _usearch_neighbours(vectors: np.ndarray, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    import os

    from usearch.index import Index

    threads = os.cpu_count() or 1
    # f16 storage: a third less CPU than f32 at the same recall@10 (bench/match_scale.py); cosines
    # come back with ~1e-3 error, far below any threshold's meaning
    index = Index(ndim=vectors.shape[1], metric="cos", dtype="f16", connectivity=16,
                  expansion_add=128, expansion_search=max(64, 2 * k))
    index.add(np.arange(len(vectors), dtype=np.uint64), vectors, threads=threads)
    # one extra hit because the query itself is usually its own nearest neighbour
    found = index.search(vectors[queries], k + 1, threads=threads)
    keys = np.asarray(found.keys, dtype=np.int64).reshape(len(queries), -1)
    cosines = (1.0 - np.asarray(found.distances, dtype=np.float32)).reshape(len(queries), -1)
    counts = np.asarray(found.counts).reshape(-1) if hasattr(found, "counts") else None
    valid = keys != queries[:, None]
    if counts is not None:
        valid &= np.arange(keys.shape[1])[None, :] < counts[:, None]
    out_keys = np.full((len(queries), k), -1, dtype=np.int64)
    out_cos = np.full((len(queries), k), -np.inf, dtype=np.float32)
    for row in range(len(queries)):
        kept_keys = keys[row][valid[row]][:k]
        out_keys[row, :len(kept_keys)] = kept_keys
        out_cos[row, :len(kept_keys)] = cosines[row][valid[row]][:k]
    return out_keys, out_cos


def _hnswlib_neighbours(vectors: np.ndarray, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Optional (the `bench` extra): fastest in the benchmark, but its wheel is built from source."""
    import os

    import hnswlib

    index = hnswlib.Index(space="cosine", dim=vectors.shape[1])
    index.init_index(max_elements=len(vectors), ef_construction=128, M=16)
    index.set_num_threads(os.cpu_count() or 1)
    index.add_items(vectors, np.arange(len(vectors)))
    index.set_ef(max(64, 2 * k))
    labels, distances = index.knn_query(vectors[queries], k=min(k + 1, len(vectors)))
    out_keys = np.full((len(queries), k), -1, dtype=np.int64)
    out_cos = np.full((len(queries), k), -np.inf, dtype=np.float32)
    for row, (keys, dists) in enumerate(zip(labels, distances)):
        keep = keys != queries[row]
        kept = keys[keep][:k]
        out_keys[row, :len(kept)] = kept
        out_cos[row, :len(kept)] = 1.0 - dists[keep][:k]
    return out_keys, out_cos


# --------------------------------------------------------------------------- pairs


def slots_compatible(a: Claim, b: Claim) -> bool:
    """Different event families, or different subjects, are different facts whatever the wording."""
    if a.event_family and b.event_family and a.event_family != b.event_family:
        return False
    if a.subject and b.subject and a.subject != b.subject:
        return False
    return True


def candidate_pairs(claims: Sequence[Claim], vectors: np.ndarray, config: "Config",
                    query: Iterable[int] | None = None, compatible: Compatible | None = None,
                    neighbour_method: str = "auto") -> list[CandidatePair]:
    """Pairs of claims likely about the same fact, best first.

    Each claim (or each claim in `query`) meets its `config.neighbours_k` nearest neighbours; a pair
    is kept when (1 - w) * cosine + w * lexical >= config.same_fact_similarity and the claims are
    compatible (`compatible`, default: same event family and same subject when both are set).
    Same-source pairs are included. With `query`, only pairs touching a query claim are returned.
    """
    n = len(claims)
    if n < 2:
        return []
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.shape[0] != n:
        raise ValueError(f"{n} claims but {vectors.shape[0]} vectors")
    query_rows = np.arange(n, dtype=np.int64) if query is None else \
        np.array(sorted({int(q) for q in query if 0 <= int(q) < n}), dtype=np.int64)
    indexes, cosines = nearest_neighbours(vectors, query_rows, config.neighbours_k, neighbour_method)

    weight = float(config.lexical_weight)
    threshold = float(config.same_fact_similarity)
    # A pair whose dense part alone cannot reach the threshold even with a perfect lexical match
    # is dropped before the (more expensive) lexical step.
    dense_floor = (threshold - weight) / (1.0 - weight) if weight < 1.0 else -1.0
    rows = np.repeat(query_rows, indexes.shape[1])
    cols = indexes.ravel()
    sims = cosines.ravel()
    keep = (cols >= 0) & (sims >= dense_floor)
    rows, cols, sims = rows[keep], cols[keep], sims[keep]
    low, high = np.minimum(rows, cols), np.maximum(rows, cols)
    if len(low) == 0:
        return []
    unique_pairs, first = np.unique(low * n + high, return_index=True)
    low, high, sims = low[first], high[first], sims[first]

    if weight > 0:
        # only the claims that occur in some pair are vectorised (the gate touches a few dozen)
        involved, local = np.unique(np.concatenate([low, high]), return_inverse=True)
        lexical_rows = lexical_matrix([claims[int(k)].normalized or claims[int(k)].text for k in involved])
        lexical = _row_cosines(lexical_rows, local[:len(low)], local[len(low):])
    else:
        lexical = np.zeros(len(low), dtype=np.float32)
    scores = (1.0 - weight) * sims + weight * lexical
    check = compatible or slots_compatible
    pairs = [
        CandidatePair(int(i), int(j), round(float(s), 4), round(float(lx), 4), round(float(sc), 4))
        for i, j, s, lx, sc in zip(low, high, sims, lexical, scores)
        if sc >= threshold and check(claims[int(i)], claims[int(j)])
    ]
    pairs.sort(key=lambda p: (-p.score, p.i, p.j))
    log.debug("%d candidate pairs from %d claims (%d queried)", len(pairs), n, len(query_rows))
    return pairs


# --------------------------------------------------------------------------- clusters


def _components(n: int, pairs: Sequence[CandidatePair]) -> list[np.ndarray]:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    rows = np.array([p.i for p in pairs], dtype=np.int64)
    cols = np.array([p.j for p in pairs], dtype=np.int64)
    graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n))
    count, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels, minlength=count)
    order = np.argsort(labels, kind="stable")
    bounds = np.cumsum(sizes)[:-1]
    return [members for members in np.split(order, bounds) if len(members) >= 2]


def _slot_agreement(claims: Sequence[Claim], members: np.ndarray) -> np.ndarray:
    """(m, m) bool: both claims have an event and a subject, and both are equal."""
    codes: dict[tuple[str, str], int] = {}
    labels = np.full(len(members), -1, dtype=np.int64)
    for row, m in enumerate(members):
        c = claims[int(m)]
        if c.event and c.subject:
            labels[row] = codes.setdefault((c.event, c.subject), len(codes))
    agree = (labels[:, None] == labels[None, :]) & (labels[:, None] >= 0)
    np.fill_diagonal(agree, False)
    return agree


def _split_component(claims: Sequence[Claim], members: np.ndarray, vectors: np.ndarray,
                     pairs_in: list[CandidatePair], distance: float) -> list[np.ndarray]:
    """Average-linkage agglomerative clustering inside one connected component."""
    from sklearn.cluster import AgglomerativeClustering

    if len(members) <= 2:
        return [members]
    local = {int(g): k for k, g in enumerate(members)}
    if len(members) <= DENSE_COMPONENT_MAX:
        sims = vectors[members] @ vectors[members].T
        sims += SLOT_AGREEMENT_BONUS * _slot_agreement(claims, members)
        if sims.min() >= 1.0 - distance:
            return [members]  # every pair is already within the cut: average linkage would merge all
        # a pair's own combined score (dense + lexical) is better evidence than the bare cosine
        for p in pairs_in:
            a, b = local[p.i], local[p.j]
            sims[a, b] = sims[b, a] = max(sims[a, b], p.score)
        distances = np.clip(1.0 - sims, 0.0, 2.0)
        np.fill_diagonal(distances, 0.0)
        model = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                        distance_threshold=distance)
        labels = model.fit_predict(distances)
    else:
        from scipy.sparse import coo_matrix

        rows = [local[p.i] for p in pairs_in]
        cols = [local[p.j] for p in pairs_in]
        connectivity = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(members),) * 2)
        connectivity = (connectivity + connectivity.T).tocsr()
        model = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                        distance_threshold=distance, connectivity=connectivity)
        labels = model.fit_predict(vectors[members])
    groups = [members[labels == label] for label in np.unique(labels)]
    return [g for g in groups if len(g) >= 2]


def _central(members: np.ndarray, vectors: np.ndarray) -> int:
    """The member most similar on average to the others (ties: the first)."""
    block = vectors[members]
    centroid = block.mean(axis=0)
    return int(members[int(np.argmax(block @ centroid))])


def label_for(claims: Sequence[Claim]) -> str:
    """A short human label: the first claim's slots (event · subject · scope) if set, else its text."""
    if not claims:
        return ""
    head = claims[0]
    slots = [s for s in (head.event, head.subject, head.scope) if s]
    if head.event and len(slots) >= 2:
        return " · ".join(s.replace("_", " ") for s in slots)
    text = re.sub(r"\s+", " ", head.text).strip()
    if len(text) <= LABEL_MAX_CHARS:
        return text
    cut = text[:LABEL_MAX_CHARS].rsplit(" ", 1)[0]
    return (cut or text[:LABEL_MAX_CHARS]) + "…"


def cluster_id_for(claim_ids: Iterable[str]) -> str:
    """A stable id from the smallest member claim id (claim ids are stable content hashes)."""
    anchor = min(claim_ids)
    return "k-" + hashlib.sha1(anchor.encode("utf-8")).hexdigest()[:10]


def cluster_claims(claims: Sequence[Claim], vectors: np.ndarray, pairs: Sequence[CandidatePair],
                   config: "Config", previous: dict[str, str] | None = None,
                   method: str = "agglomerative") -> list[Cluster]:
    """Clusters of claims about the same fact, largest first.

    method "agglomerative": connected components of the pair graph, each split by average linkage
    at `config.cluster_distance` (1 - cosine, minus SLOT_AGREEMENT_BONUS for claims whose event and
    subject agree); "components": the connected components as they are.
    Claims in no pair form no cluster (singletons are left out). `previous` maps claim id -> the
    cluster id of an earlier run: a cluster keeps the id most of its members had, so ids survive
    the corpus growing; otherwise the id derives from the smallest member claim id.
    """
    n = len(claims)
    if n < 2 or not pairs:
        return []
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    by_component: dict[int, list[CandidatePair]] = {}
    groups: list[np.ndarray] = []
    components = _components(n, pairs)
    if method == "components":
        groups = components
    elif method == "agglomerative":
        owner = np.full(n, -1, dtype=np.int64)
        for c, members in enumerate(components):
            owner[members] = c
        for p in pairs:
            by_component.setdefault(int(owner[p.i]), []).append(p)
        for c, members in enumerate(components):
            groups.extend(_split_component(claims, members, vectors, by_component.get(c, []),
                                           float(config.cluster_distance)))
    else:
        raise ValueError(f"unknown clustering method {method!r}")

    previous = previous or {}
    drafts = []
    for members in groups:
        central = _central(members, vectors)
        ordered = [central] + sorted((int(m) for m in members if m != central), key=lambda m: claims[m].id)
        member_claims = [claims[m] for m in ordered]
        families = Counter(c.event_family for c in member_claims if c.event_family)
        old = Counter(previous[c.id] for c in member_claims if c.id in previous)
        drafts.append((member_claims, families, old))

    # Largest clusters choose their old id first, so a split keeps the id on its bigger part.
    drafts.sort(key=lambda d: (-len(d[0]), min(c.id for c in d[0])))
    taken: set[str] = set()
    clusters = []
    for member_claims, families, old in drafts:
        cluster_id = next((cid for cid, _ in sorted(old.items(), key=lambda kv: (-kv[1], kv[0]))
                           if cid not in taken), None)
        if cluster_id is None:
            cluster_id = cluster_id_for(c.id for c in member_claims)
            while cluster_id in taken:  # astronomically rare; keep ids unique anyway
                cluster_id = "k-" + hashlib.sha1(cluster_id.encode()).hexdigest()[:10]
        taken.add(cluster_id)
        clusters.append(Cluster(
            id=cluster_id,
            label=label_for(member_claims),
            claims=tuple(c.id for c in member_claims),
            event_family=families.most_common(1)[0][0] if families else None,
        ))
    return clusters


# Measured on tests/data/pairs (bench/compare_embedders.py, docs/matching.md) for the default
# embedder; the Config defaults should carry these values.
TUNED_DEFAULTS = {"same_fact_similarity": 0.45, "lexical_weight": 0.0, "cluster_distance": 0.55}
