"""One place for every threshold, with defaults a user overrides in `checker.toml` or `[tool.checker]`
of a `pyproject.toml` (looked up in the corpus folder, then the working directory), or `--config FILE`.
"""
from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parent.parent


def default_rules_dir() -> Path:
    """rules/ beside the package (editable install / checkout), else the copy shipped in the package."""
    here = REPO_ROOT / "rules"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parent / "data" / "rules"


@dataclass
class Config:
    rules_dir: Path = field(default_factory=default_rules_dir)
    # claims
    checkworthiness_threshold: float = 0.35
    # time
    soon_days: int = 180  # "soon" / "in the coming months": anchor .. anchor + soon_days
    coming_months_days: int = 180
    near_future_days: int = 90  # "في الوقت القريب", "shortly"
    # matching
    embedder: str = "use-multilingual"  # or a sentence-transformers model name / local path, or "tfidf"
    neighbours_k: int = 10
    same_fact_similarity: float = 0.45  # cosine on the default embedder (tuned: docs/matching.md)
    cluster_distance: float = 0.55  # agglomerative cut (1 - cosine)
    lexical_weight: float = 0.0  # hybrid weight of char-ngram TF-IDF; measured to never help (docs/matching.md)
    # rules
    plan_overlap_days: int = 30  # plans asserted within this many days "overlap"
    date_tolerance_days: int = 15  # deadlines closer than this are "the same"
    number_tolerance: float = 0.05  # relative difference under which two figures agree
    event_match_similarity: float = 0.7  # "the same announcement": wording this close before dates are compared
    duration_tolerance_days: int = 31  # announcement + duration vs stated deadline
    # learned signal
    signal_enabled: bool = True
    signal_contradiction_threshold: float = 0.9  # above this the classifier alone calls a contradiction
    signal_tension_threshold: float = 0.4  # the model's own threshold (ANS, chosen on train): a tension
    signal_min_similarity: float = 0.45  # headline-sized items (what the classifier was trained on)
    signal_article_similarity: float = 0.7  # sentences from full articles must be this close
    nli_cross_encoder: str | None = None  # optional user-supplied sentence-transformers CrossEncoder path
    # gate
    fail_on: str = "error"

    def replace(self, **changes: Any) -> "Config":
        return dataclasses.replace(self, **changes)


def _coerce(cfg: Config, values: dict[str, Any], origin: str) -> Config:
    known = {f.name: f for f in dataclasses.fields(Config)}
    changes: dict[str, Any] = {}
    for key, value in values.items():
        name = key.replace("-", "_")
        if name not in known:
            raise ConfigError(f"unknown setting '{key}'", path=origin,
                              hint=f"known settings: {', '.join(sorted(known))}")
        current = getattr(cfg, name)
        if name == "rules_dir":
            value = Path(origin).parent / value
        elif isinstance(current, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"'{key}' must be true or false", path=origin)
        elif isinstance(current, (int, float)) and not isinstance(current, bool):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise ConfigError(f"'{key}' must be a number", path=origin)
            value = type(current)(value)
        changes[name] = value
    return cfg.replace(**changes)


def load_config(corpus: str | Path | None = None, explicit: str | Path | None = None) -> Config:
    cfg = Config()
    candidates: list[Path] = []
    if explicit:
        candidates = [Path(explicit)]
    else:
        for folder in ([Path(corpus)] if corpus else []) + [Path.cwd()]:
            folder = folder if folder.is_dir() else folder.parent
            candidates += [folder / "checker.toml", folder / "pyproject.toml"]
    for path in candidates:
        if not path.is_file():
            if explicit:
                raise ConfigError("config file not found", path=str(path))
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"not valid TOML ({exc})", path=str(path)) from None
        section = data.get("tool", {}).get("checker") if path.name == "pyproject.toml" else data.get("checker", data)
        if section:
            return _coerce(cfg, section, str(path))
        if explicit:
            return cfg
    return cfg
