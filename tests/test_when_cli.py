"""`checker when`: JSON on stdout, one-line usage error on a bad --anchor."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from checker.cli import app

runner = CliRunner()
REPO = Path(__file__).resolve().parent.parent


def test_when_prints_intervals():
    result = runner.invoke(app, ["when", "بحلول 15 يناير الماضى", "--anchor", "2021-04-20"])
    assert result.exit_code == 0, result.output
    refs = json.loads(result.stdout)
    assert [(r["text"], r["value_from"], r["value_to"], r["granularity"], r["role"]) for r in refs] == [
        ("بحلول 15 يناير الماضى", None, "2021-01-15", "day", "deadline")]
    assert {"start", "end", "anchor"} <= set(refs[0])


def test_when_anchor_defaults_to_today():
    result = runner.invoke(app, ["when", "yesterday"])
    assert result.exit_code == 0, result.output
    ref = json.loads(result.stdout)[0]
    assert ref["value_from"] == (dt.date.today() - dt.timedelta(days=1)).isoformat()


def test_when_partial_anchor():
    result = runner.invoke(app, ["when", "في نهاية العام الحالي", "--anchor", "2011"])
    ref = json.loads(result.stdout)[0]
    assert (ref["value_to"], ref["anchor_how"]) == ("2011-12-31", "partial")


def test_when_nothing_found_is_empty_list():
    result = runner.invoke(app, ["when", "no time here"])
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_when_bad_anchor_subprocess():
    exe = Path(sys.executable).parent / "checker"
    proc = subprocess.run([str(exe), "when", "soon", "--anchor", "2021-13-45"], capture_output=True, text=True,
                          cwd=REPO, timeout=60)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "E001" in proc.stderr and "Traceback" not in proc.stderr
    ok = subprocess.run([str(exe), "when", "في 27 أيلول 2025", "--anchor", "2025-11-07"], capture_output=True,
                        text=True, cwd=REPO, timeout=60)
    assert ok.returncode == 0 and json.loads(ok.stdout)[0]["value_from"] == "2025-09-27"


def test_when_reads_stdin():
    result = runner.invoke(app, ["when", "-", "--anchor", "2011-01-15"], input="نهاية آب/أغسطس الماضي\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["value_to"] == "2010-08-31"


def test_when_has_help():
    result = runner.invoke(app, ["when", "--help"])
    assert result.exit_code == 0 and "--anchor" in result.stdout and "JSON" in result.stdout


def test_when_json_keys_are_stable():
    result = runner.invoke(app, ["when", "next month and soon and 15 شعبان 1446 هـ", "--anchor", "2025-01-31"])
    refs = json.loads(result.stdout)
    assert len(refs) == 3
    for ref in refs:
        assert list(ref) == ["text", "start", "end", "value_from", "value_to", "granularity", "role", "anchor",
                             "anchor_how", "notes"]
        assert isinstance(ref["notes"], list)


def test_when_joins_several_words():
    result = runner.invoke(app, ["when", "next", "month", "--anchor", "2025-01-31"])
    assert result.exit_code == 0, result.output
    assert [(r["text"], r["value_from"]) for r in json.loads(result.stdout)] == [("next month", "2025-02-01")]


def test_when_reads_stdin_without_dash():
    result = runner.invoke(app, ["when", "--anchor", "2025-06-18"], input="خلال الأشهر الستة المقبلة")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["value_to"] == "2025-12-18"


def test_when_table_format():
    result = runner.invoke(app, ["when", "by the end of next year", "--anchor", "2025-11-07", "--format", "table"])
    assert result.exit_code == 0, result.output
    assert "2026-12-31" in result.stdout and "deadline" in result.stdout


def test_when_anchor_may_be_a_timestamp():
    result = runner.invoke(app, ["when", "yesterday", "--anchor", "2025-11-07T10:30:00Z"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["value_from"] == "2025-11-06"


def _run(*args, stdin=None):
    exe = Path(sys.executable).parent / "checker"
    return subprocess.run([str(exe), *args], capture_output=True, cwd=REPO, timeout=60, input=stdin)


def test_when_usage_errors_are_one_line_exit_2():
    for args in (["when", "x", "--format", "xml"], ["when", "x", "--bogus"], ["when", "x", "--anchor", "tomorrow"],
                 ["when", "x", "--anchor", "2025-02-30"], ["when", "x", "--anchor", ""]):
        proc = _run(*args)
        err = proc.stderr.decode("utf-8")
        assert proc.returncode == 2, (args, err)
        assert proc.stdout == b"" and err.count("\n") == 1 and err.startswith("checker: [E001]"), (args, err)


def test_when_stdin_must_be_utf8():
    proc = _run("when", "-", stdin=b"\xff\xfe\x00bad")
    assert proc.returncode == 2 and proc.stdout == b"" and proc.stderr.decode().count("\n") == 1


def test_when_stdin_subprocess_utf8_and_bom():
    proc = _run("when", "--anchor", "2025-11-07", stdin="\ufeffوصل الوفد أمس\n".encode("utf-8"))
    assert proc.returncode == 0, proc.stderr
    refs = json.loads(proc.stdout.decode("utf-8"))
    assert [(r["text"], r["value_from"]) for r in refs] == [("أمس", "2025-11-06")]


def test_when_scheduled_date_before_attribution():
    result = runner.invoke(app, ["when", "The mission will end on July 15, 2024, the bloc said on Wednesday.",
                                 "--anchor", "2024-03-07"])
    assert result.exit_code == 0, result.output
    refs = {r["text"]: r for r in json.loads(result.stdout)}
    assert refs["July 15, 2024"]["role"] == "point"
    assert (refs["Wednesday"]["role"], refs["Wednesday"]["value_from"]) == ("statement", "2024-03-06")


def test_when_window_from_date_named_before():
    text = "تنتهي الولاية في 31 كانون الأول 2026، على أن تبدأ اعتبارا منه سحب عناصرها خلال عام واحد"
    result = runner.invoke(app, ["when", text, "--anchor", "2025-06-01"])
    window = json.loads(result.stdout)[-1]
    assert (window["value_from"], window["value_to"], window["role"], window["anchor_how"]) == (
        "2026-12-31", "2027-12-31", "window", "event")
