"""`truce compare --format table|csv|json|markdown`, run as a user runs it: a subprocess whose stdout is
a pipe (or, once, a narrow terminal). Nothing is ever cut: every design, header and number is whole."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys

import pandas as pd
import pytest

import sim
from tests.cli_runner import ROOT
from truce.compare import OUTCOMES

DESIGNS = list(sim.designs())  # siloed, shared_kpis, merged, three_dimensional: what `compare` runs
SHORT = ("--weeks", "20", "--replications", "2", "--workers", "1", "--seed", "3")
COLUMNS = ["design", "metric", "unit", "n", "mean", "ci_low", "ci_high", "baseline"]
COLUMNS += ["diff_mean", "diff_ci_low", "diff_ci_high"]


def compare(*args: str) -> subprocess.CompletedProcess[str]:
    """`truce compare` on the four presets, short, stdout a pipe and `COLUMNS` a narrow 40."""
    env = {**os.environ, "COLUMNS": "40", "NO_COLOR": "1", "PYTHONWARNINGS": "ignore"}
    command = [sys.executable, "-m", "truce.cli", "compare", *SHORT, *args]
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    out = compare("--format", "csv")
    assert out.returncode == 0, out.stderr
    return pd.read_csv(io.StringIO(out.stdout))


def _cells(frame: pd.DataFrame, prefix: str = "") -> dict[tuple[str, str], str]:
    """(design, metric) -> the table's cell "mean ± half-width", rounded as the table rounds it;
    `prefix="diff_"`: the paired difference's cell (designs other than siloed)."""
    cells = {}
    for _, row in frame.dropna().iterrows() if prefix else frame.iterrows():
        mean, low, high = (row[f"{prefix}{part}"] for part in ("mean", "ci_low", "ci_high"))
        fmt = OUTCOMES[row["metric"]][1]
        cells[row["design"], row["metric"]] = f"{fmt.format(mean)} ± {fmt.format((high - low) / 2)}"
    return cells


def test_csv_has_one_row_per_design_and_outcome_with_its_ci_and_paired_difference(frame):
    assert list(frame.columns) == COLUMNS
    order = [(design, metric) for design in DESIGNS for metric in OUTCOMES]
    assert list(zip(frame["design"], frame["metric"], strict=True)) == order
    assert (frame["n"] == 2).all() and (frame["baseline"] == "siloed").all()
    assert (frame["ci_low"] <= frame["mean"]).all() and (frame["mean"] <= frame["ci_high"]).all()
    assert frame["ci_high"].gt(frame["ci_low"]).any()  # two replications: real intervals, not points
    base = frame[frame["design"] == "siloed"]
    assert base[["diff_mean", "diff_ci_low", "diff_ci_high"]].isna().all().all()  # no difference to itself
    others = frame[frame["design"] != "siloed"]
    assert not others[["diff_mean", "diff_ci_low", "diff_ci_high"]].isna().any().any()
    assert (others["diff_ci_low"] <= others["diff_mean"]).all()
    assert (others["diff_mean"] <= others["diff_ci_high"]).all()
    # the paired difference of means is the difference of the two means (same seeds, same runs)
    means = frame.set_index(["design", "metric"])["mean"]
    for row in others.itertuples():
        expected = means[row.design, row.metric] - means["siloed", row.metric]
        assert row.diff_mean == pytest.approx(expected, rel=1e-9, abs=1e-9)
    revenue = frame[frame["metric"] == "total_revenue"]
    assert (revenue["unit"] == "EUR").all() and (revenue["mean"] > 0).all()


def test_json_is_the_same_rows_and_numbers_as_csv(frame):
    out = compare("--format", "json")
    assert out.returncode == 0, out.stderr
    records = json.loads(out.stdout)
    assert len(records) == len(DESIGNS) * len(OUTCOMES)
    assert all(list(record) == COLUMNS for record in records)
    assert records[0]["design"] == "siloed" and records[0]["diff_mean"] is None  # NaN is null
    # Full precision both ways: the json numbers are the csv numbers to the last bit.
    pd.testing.assert_frame_equal(pd.DataFrame(records), frame, check_exact=True)
    one = next(r for r in records if (r["design"], r["metric"]) == ("merged", "total_revenue"))
    row = frame[(frame["design"] == "merged") & (frame["metric"] == "total_revenue")].iloc[0]
    assert one["mean"] == row["mean"] and one["ci_low"] <= one["mean"] <= one["ci_high"]


def test_table_through_a_pipe_cuts_nothing_whatever_columns_says(frame):
    out = compare()  # COLUMNS=40, stdout a pipe
    assert out.returncode == 0, out.stderr
    assert "…" not in out.stdout
    lines = out.stdout.splitlines()
    for design in DESIGNS:
        assert re.search(rf"\b{design}\b", out.stdout), design
        if design != "siloed":
            assert f"{design} - siloed" in out.stdout  # the paired difference's header, in full
    cells, diffs = _cells(frame), _cells(frame, "diff_")
    assert "paired difference to siloed" in out.stdout
    for metric, (label, _) in OUTCOMES.items():
        # one line per outcome and table: its full label and every design's cell, numbers whole
        means, paired = [line for line in lines if f" {label} " in line]
        assert all(cells[design, metric] in means for design in DESIGNS), means
        assert all(diffs[design, metric] in paired for design in DESIGNS[1:]), paired


def test_table_on_a_narrow_terminal_wraps_but_cuts_no_word(frame):
    """Through a 40-column pseudo-terminal: cells wrap at spaces, the table may be wider than the
    screen, but every design name, every word of every outcome and every number is whole."""
    import fcntl
    import pty
    import struct
    import termios

    main, tty = pty.openpty()
    fcntl.ioctl(tty, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 40, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "FORCE_COLOR", "TTY_COMPATIBLE")}
    env |= {"TERM": "xterm", "NO_COLOR": "1", "PYTHONWARNINGS": "ignore"}
    command = [sys.executable, "-m", "truce.cli", "compare", *SHORT]
    with subprocess.Popen(
        command, cwd=ROOT, env=env, stdin=tty, stdout=tty, stderr=subprocess.DEVNULL
    ) as proc:
        os.close(tty)
        chunks = []
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # EIO: the terminal's other end is closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert proc.wait(timeout=300) == 0
    os.close(main)
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", b"".join(chunks).decode())  # bold and italic, no colour
    assert "…" not in text
    words = set(re.split(r"[\s│┃]+", text))
    assert set(DESIGNS) <= words
    for label, _ in OUTCOMES.values():
        assert set(label.split()) <= words, label
    for cell in [*_cells(frame).values(), *_cells(frame, "diff_").values()]:
        assert set(cell.split()) <= words, cell
    assert max(map(len, text.splitlines())) > 40  # too narrow to fit: wider, never cut


def test_markdown_is_a_github_table_with_every_design(frame):
    out = compare("--format", "markdown")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    separators = [i for i, line in enumerate(lines) if re.fullmatch(r"\|( :?-+:? \|)+", line)]
    assert len(separators) == 2  # means, then the paired differences
    header = lines[separators[0] - 1]
    assert header == "| outcome | " + " | ".join(DESIGNS) + " |"
    assert (
        lines[separators[1] - 1] == "| outcome | " + " | ".join(f"{d} - siloed" for d in DESIGNS[1:]) + " |"
    )
    for i in separators:  # a header, its separator and one row per outcome, all as many cells wide
        table = lines[i - 1 : i + 1 + len(OUTCOMES)]
        assert all(line.startswith("| ") and line.count(" | ") == table[0].count(" | ") for line in table)
    cells = _cells(frame)
    for metric, (label, _) in OUTCOMES.items():
        assert f"| {label} | " + " | ".join(cells[d, metric] for d in DESIGNS) + " |" in lines
    assert "**2 replications per design, root seed 3 (mean ± 95% CI)**" in lines


def test_an_unknown_format_is_refused_in_one_line_with_exit_2():
    out = compare("--format", "xml")
    assert out.returncode == 2, (out.returncode, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("truce: error:") and "--format" in lines[0] and "'xml'" in lines[0]
    assert all(name in lines[0] for name in ("table", "csv", "json", "markdown"))
    assert out.stdout == ""
