"""The per-article stages as Ray Data batch jobs, for corpora that outgrow one process.

`prepare_store(paths, config, store_path)` runs ingest → segment → claims → embed as Ray Data
`map_batches` over the very stage functions the single-process pipeline calls (`checker.ingest.ingest`,
`checker.segment.segment`, `checker.claims.extract_claims`, `checker.embed.embed_texts`) and writes
the results into the ordinary SQLite store (`checker.store.Store`), keyed exactly as the pipeline
keys them (source id, content hash, pipeline version; model id, text hash). A following
`checker.pipeline.run_check(paths, config, store_path)` — or `run_scaled`, which does both — then
finds every article already processed and embedded and only matches, clusters and runs the rules.
Optionally the same rows are written as Parquet shards (`parquet_dir`) for other engines.

Install with the optional extra: `pip install -e ".[scale]"` (ray[data], pyarrow). Ray is started
locally with `num_cpus` CPUs unless a cluster address is given (`RAY_ADDRESS`).

What stays global, in the driver: discovering files and giving them corpus-wide source ids (two
files with one stem get path ids, as `ingest` does for the whole corpus), and everything after
embedding (neighbours, clusters, rules), which needs all claims at once; see docs/scale.md for how
that part shards.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import Config
from .errors import UsageError
from .model import CheckResult

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 64  # articles per map_batches call: big enough to amortise, small enough to stream


@dataclass(frozen=True)
class ScaleStats:
    articles: int
    claims: int
    embedded: int
    batches: int
    warnings: tuple[str, ...] = ()


def _require_ray():
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise UsageError("the Ray path needs the optional extra: pip install -e \".[scale]\"",
                         hint="ray[data] and pyarrow") from None
    return ray


def discover(paths: Sequence[str | Path]) -> tuple[list[Path], dict[str, str]]:
    """Article files under `paths` and their corpus-wide source ids (by path), as `ingest` assigns them."""
    from .ingest import HTML_SUFFIXES, JSONL_SUFFIXES, MANIFEST_NAME, TEXT_SUFFIXES, _discover, _source_ids

    found = _discover(paths)  # (files, root[, ...]): the walk and root rules of the whole-corpus ingest
    files, root = found[0], found[1]
    articles = [f for f in files if f.name != MANIFEST_NAME
                and f.suffix.lower() in TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES]
    ids = _source_ids(articles, root)
    return articles, {str(f): ids[f] for f in articles}


# ------------------------------------------------------------------------------------ batch workers
class ArticleStages:
    """ingest → segment → claims for a batch of file paths. A callable class, so Ray builds it once per
    worker and the lexicons (and spaCy pipelines inside segment) load once, not once per batch."""

    def __init__(self, config: Config):
        from .lexicon import load_lexicons
        from .pipeline import pipeline_version

        self.config = config
        self.lexicons = load_lexicons(str(config.rules_dir))
        self.version = pipeline_version(config)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        from .claims import extract_claims
        from .errors import NothingReadableError
        from .ingest import ingest
        from .segment import segment

        paths = [str(p) for p in batch["path"]]
        wanted_ids = dict(zip(paths, (str(i) for i in batch["source_id"])))
        out: dict[str, list[Any]] = {"source": [], "sentences": [], "claims": [], "version": []}
        warnings: list[str] = []
        for path in paths:
            # one file at a time: its own folder decides its manifest (see docs/scale.md)
            try:
                result = ingest([path])
            except NothingReadableError as exc:
                warnings.append(exc.one_line())
                continue
            warnings.extend(result.warnings)
            stem = Path(path).stem
            for source in result.sources:
                # a .jsonl line keeps its "-<line>" suffix on the corpus-wide id of its file
                suffix = source.id[len(stem):] if source.id.startswith(stem) else ""
                source = dataclasses.replace(source, id=wanted_ids[path] + suffix)
                sentences = segment(source)
                claims = extract_claims(source, sentences, self.lexicons, self.config)
                out["source"].append(_dumps(source))
                out["sentences"].append(_dumps(sentences))
                out["claims"].append(_dumps(claims))
                out["version"].append(self.version)
        # map_batches wants columns of equal length: the batch's warnings ride on its first row
        n = len(out["source"])
        out["warnings"] = ([json.dumps(warnings)] + ["[]"] * (n - 1)) if n else []
        return out


def _dumps(records: Any) -> str:
    if isinstance(records, list):
        return json.dumps([dataclasses.asdict(r) for r in records], ensure_ascii=False)
    return json.dumps(dataclasses.asdict(records), ensure_ascii=False)


class EmbedStage:
    """Embeds the claim texts of a batch of processed articles with the configured embedder."""

    def __init__(self, config: Config):
        from .embed import get_embedder

        self.embedder = get_embedder(config)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        from .embed import embed_texts, prepare_text, text_hash

        texts, owners = [], []
        for row, claims_json in enumerate(batch["claims"]):
            for claim in json.loads(claims_json):
                texts.append(claim["text"])
                owners.append(row)
        vectors = embed_texts(texts, self.embedder, cache=None)
        per_row: list[dict[str, list[float]]] = [{} for _ in batch["claims"]]
        for owner, text, vector in zip(owners, texts, vectors):
            per_row[owner][text_hash(prepare_text(text))] = vector.tolist()
        return {**{k: list(v) for k, v in batch.items()},
                "embeddings": [json.dumps(d) for d in per_row], "model_id": [self.embedder.name] * len(per_row)}


# ------------------------------------------------------------------------------------ driver
def prepare_store(paths: Sequence[str | Path], config: Config, store_path: str | Path, *,
                  num_cpus: int | None = None, batch_size: int = DEFAULT_BATCH_SIZE,
                  parquet_dir: str | Path | None = None) -> ScaleStats:
    """Run the per-article stages on Ray and write their results into the store at `store_path`."""
    import numpy as np

    from .model import Claim, Sentence, Source
    from .store import Store, record_from_dict

    ray = _require_ray()
    files, ids = discover(paths)
    if not files:
        raise UsageError("no article files", path=", ".join(str(p) for p in paths))
    started_here = False
    if not ray.is_initialized():
        ray.init(num_cpus=num_cpus or min(2, os.cpu_count() or 1), include_dashboard=False,
                 log_to_driver=False, configure_logging=False, ignore_reinit_error=True)
        started_here = True
    try:
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        workers = max(1, int(ray.available_resources().get("CPU", 1)))
        ds = ray.data.from_items([{"path": str(f), "source_id": ids[str(f)]} for f in files],
                                 override_num_blocks=max(1, min(len(files) // max(1, batch_size) + 1, 4 * workers)))
        pool = ray.data.ActorPoolStrategy
        ds = ds.map_batches(ArticleStages, fn_constructor_kwargs={"config": config}, batch_size=batch_size,
                            compute=pool(size=workers), batch_format="default")
        # one model copy: the encoder already uses two threads, and each copy holds the model in memory
        ds = ds.map_batches(EmbedStage, fn_constructor_kwargs={"config": config}, batch_size=batch_size,
                            compute=pool(size=1), batch_format="default")
        if parquet_dir is not None:
            ds = ds.materialize()
            ds.write_parquet(str(parquet_dir))
        articles = claims_n = embedded = batches = 0
        warnings: list[str] = []
        with Store(store_path) as store:
            for batch in ds.iter_batches(batch_size=batch_size, batch_format="default"):
                batches += 1
                for i in range(len(batch["source"])):
                    source = record_from_dict(Source, json.loads(batch["source"][i]))
                    sentences = [record_from_dict(Sentence, s) for s in json.loads(batch["sentences"][i])]
                    claims = [record_from_dict(Claim, c) for c in json.loads(batch["claims"][i])]
                    store.put_processed(source, sentences, claims, str(batch["version"][i]))
                    vectors = {h: np.asarray(v, dtype=np.float32) for h, v in json.loads(batch["embeddings"][i]).items()}
                    if vectors:
                        store.put_embeddings(str(batch["model_id"][i]), vectors)
                    warnings.extend(json.loads(batch["warnings"][i]))
                    articles += 1
                    claims_n += len(claims)
                    embedded += len(vectors)
        return ScaleStats(articles=articles, claims=claims_n, embedded=embedded, batches=batches,
                          warnings=tuple(warnings))
    finally:
        if started_here:
            ray.shutdown()


def run_scaled(paths: Sequence[str | Path], config: Config, store_path: str | Path, *,
               num_cpus: int | None = None, batch_size: int = DEFAULT_BATCH_SIZE) -> CheckResult:
    """The whole check with the per-article stages on Ray: prepare the store, then the ordinary check
    (which now finds every article processed and embedded) matches, clusters and runs the rules."""
    from .pipeline import run_check

    stats = prepare_store(paths, config, store_path, num_cpus=num_cpus, batch_size=batch_size)
    log.info("scale: %d articles, %d claims, %d vectors in %d batches", stats.articles, stats.claims,
             stats.embedded, stats.batches)
    return run_check(paths, config, store_path=store_path)
