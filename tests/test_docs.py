"""docs/ODD.md stays in step with the parameter registry and the preset designs."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

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


# --- links and citation metadata (cheap: text only, no model runs) ---------------------------------

DOCS = (ODD, ROOT / "docs" / "calibration.md")
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _anchors(path: Path) -> set[str]:
    """GitHub-style anchors of a Markdown file's headings (lower case, punctuation dropped, spaces -)."""
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.M | re.S)
    out = set()
    for heading in re.findall(r"^#{1,6} +(.+?) *$", text, re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", ""))
        out.add(slug.replace(" ", "-"))
    return out


def test_relative_links_and_anchors_in_the_docs_resolve():
    broken = []
    for doc in DOCS:
        for target in _LINK.findall(doc.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):
                continue  # external links are not checked here
            file_part, _, anchor = target.partition("#")
            path = (doc.parent / file_part).resolve() if file_part else doc
            if not path.exists():
                broken.append(f"{doc.name}: {target} (no such file)")
            elif anchor and path.suffix == ".md" and anchor not in _anchors(path):
                broken.append(f"{doc.name}: {target} (no such heading)")
    assert not broken, broken


def test_citation_cff_parses_and_matches_the_package():
    yaml = pytest.importorskip("yaml")
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert cff["cff-version"] == "1.2.0"
    assert cff["title"] and cff["authors"] and cff["references"]
    assert str(cff["version"]) == project["version"]
    assert cff.get("license") == project.get("license")
