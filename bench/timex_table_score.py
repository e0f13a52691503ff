"""How many rows of the timex test table dateparser 1.5.0 alone gets right, against checker.timex;
and find_times' throughput on the shared seed and devstory articles.

    .venv/bin/python bench/timex_table_score.py [--show]

dateparser returns one datetime per found expression, no intervals or roles, so it is scored
leniently: a row counts when any date it finds lies inside the expected interval (point, statement,
vague rows), equals value_from (since rows) or equals value_to (deadline, until, window, duration rows);
a row whose interval is open at both ends counts when no date is found.
find_times is scored twice: by the same lenient rule, and strictly (the exact matched text, both ends,
granularity and role, as tests/test_timex.py asserts).
"""
from __future__ import annotations

import datetime as dt
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from checker.timex import find_times, parse_partial_date  # noqa: E402
from test_timex import TABLE  # noqa: E402


def _lenient_ok(dates: list[dt.date], value_from: str | None, value_to: str | None, role: str) -> bool:
    lo = dt.date.fromisoformat(value_from) if value_from else None
    hi = dt.date.fromisoformat(value_to) if value_to else None
    if lo is None and hi is None:  # "بعد عام من الاتفاق": counted from an event, so no date is right
        return not dates
    for d in dates:
        if role in ("point", "statement", "vague"):
            if (lo is None or lo <= d) and (hi is None or d <= hi) and (lo or hi):
                return True
        elif role == "since":
            if d == lo:
                return True
        elif d == hi:
            return True
    return False


def main() -> None:
    show = "--show" in sys.argv
    warnings.filterwarnings("ignore")
    t0 = time.perf_counter()
    from dateparser.search import search_dates

    import_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    search_dates("في 27 أيلول 2025 and on 3 May 2021", languages=["ar", "en"])  # warm both: first calls load data
    find_times("في 27 أيلول 2025 and on 3 May 2021", "2025-11-07")
    warm_s = time.perf_counter() - t0
    dp_ok = ft_lenient = ft_strict = 0
    dp_time = ft_time = 0.0
    for text, anchor, expr, value_from, value_to, gran, role in TABLE:
        base = dt.datetime.combine(parse_partial_date(anchor)[0], dt.time()) if anchor else dt.datetime(2026, 1, 1)
        t = time.perf_counter()
        try:
            found = search_dates(text, languages=["ar", "en"], settings={"RELATIVE_BASE": base}) or []
        except Exception:  # dateparser raises on some inputs; that row simply scores 0
            found = []
        dp_time += time.perf_counter() - t
        dp_dates = [d.date() for _, d in found]
        dp_row = _lenient_ok(dp_dates, value_from, value_to, role)
        t = time.perf_counter()
        refs = find_times(text, anchor)
        ft_time += time.perf_counter() - t
        ft_dates = []
        for r in refs:
            ft_dates += [dt.date.fromisoformat(v) for v in (r.value_from, r.value_to) if v]
        ft_row = _lenient_ok(ft_dates, value_from, value_to, role)
        strict = any(r.text == expr and (r.value_from, r.value_to, r.granularity, r.role) == (value_from, value_to, gran, role)
                     for r in refs)
        dp_ok += dp_row
        ft_lenient += ft_row
        ft_strict += strict
        if show and not dp_row:
            print(f"dateparser missed: {expr!r} -> {[(s, d.date().isoformat()) for s, d in found]}")
    n = len(TABLE)
    print(f"rows: {n}")
    print(f"dateparser 1.5.0 search_dates (lenient): {dp_ok}/{n}  ({dp_time * 1000 / n:.1f} ms/row, import {import_s:.2f} s)")
    print(f"first calls (dateparser language data + timex grammar compile): {warm_s:.2f} s")
    print(f"checker.timex.find_times (lenient):      {ft_lenient}/{n}  ({ft_time * 1000 / n:.2f} ms/row)")
    print(f"checker.timex.find_times (strict):       {ft_strict}/{n}")
    shared = Path(__file__).resolve().parent.parent.parent / "shared"
    texts = [p.read_text(encoding="utf-8") for p in sorted(shared.glob("seeds/*.txt")) + sorted(shared.glob("data/devstories/*.txt"))]
    if texts:
        chars = sum(len(t) for t in texts)
        t = time.process_time()  # CPU time: wall time swings with other jobs on a shared machine
        found = sum(len(find_times(text, "2021-06-01")) for text in texts)
        elapsed = time.process_time() - t
        print(f"find_times on shared seeds + devstories: {len(texts)} articles, {chars} chars, {found} expressions, "
              f"{elapsed * 1000:.0f} ms CPU ({elapsed * 1e6 / chars:.1f} us/char)")


if __name__ == "__main__":
    main()
