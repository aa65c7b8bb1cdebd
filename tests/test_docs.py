"""docs/ODD.md stays in step with the parameter registry and the preset designs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "docs" / "param_table.py"
ODD = ROOT / "docs" / "ODD.md"


def _check(path: Path = ODD) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--check", "--file", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_odd_tables_and_explanations_match_the_registry():
    result = _check()
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_fails_when_a_generated_table_is_stale(tmp_path):
    stale = ODD.read_text(encoding="utf-8").replace(
        "| `span_of_control` | lever | 8.0 |", "| `span_of_control` | lever | 9.0 |", 1
    )
    assert stale != ODD.read_text(encoding="utf-8")
    path = tmp_path / "ODD.md"
    path.write_text(stale, encoding="utf-8")
    result = _check(path)
    assert result.returncode == 1
    assert "out of date" in result.stdout


def test_check_fails_when_a_rationale_states_another_default(tmp_path):
    text = ODD.read_text(encoding="utf-8")
    drifted = text.replace("- **`rep_capacity`** = `12`", "- **`rep_capacity`** = `13`", 1)
    assert drifted != text
    path = tmp_path / "ODD.md"
    path.write_text(drifted, encoding="utf-8")
    result = _check(path)
    assert result.returncode == 1
    assert "rep_capacity" in result.stdout
