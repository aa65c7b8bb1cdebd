"""Design maps: refinement at the boundary, true ties, the Holm rule, resume, bad specs, staleness.

The real map is small: siloed against shared_kpis on total revenue over 26 weeks, market_complexity x
free_riding (0-0.8), 2 x 2 cells refined to 8 x 8, 4 replications (8 at unclear cells). shared_kpis
wins at low free riding, nothing is clear above about 0.4 (its shared pay loses effort there).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from scipy import stats as sps

from experiments.map_grid import NO_WINNER, decide
from experiments.map_run import run_map
from experiments.map_spec import MapSpec
from experiments.map_store import SHIPPED, raster, read_map, stale
from experiments.stats import t_interval

ROOT = Path(__file__).resolve().parents[2]
SPEC = """
name = "small_map"
designs = ["siloed", "shared_kpis"]
baseline = "siloed"
weeks = 26
seed = 0
[map]
x = { name = "market_complexity", range = [0.0, 1.0] }
y = { name = "free_riding", range = [0.0, 0.8] }
outcome = "total_revenue"
resolution = 8
start = 2
replications = 4
max_replications = 8
"""
#: The map in a subprocess with small, frequent parts, so several commits happen before the kill.
MAP = """
import sys
from pathlib import Path
from experiments.map_run import run_map
from experiments.map_spec import MapSpec
run_map(MapSpec.from_toml(sys.argv[1]), Path(sys.argv[2]), workers=2, flush_runs=8, flush_seconds=0.3,
        progress=False)
"""


@pytest.fixture(scope="module")
def small_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small map, computed once on two local processes."""
    folder = tmp_path_factory.mktemp("map")
    spec = folder / "small_map.toml"
    spec.write_text(SPEC)
    run_map(MapSpec.from_toml(spec), folder / "out", workers=2, progress=False)
    return folder


def runs_ids(out: Path) -> list[str]:
    return [
        i
        for f in sorted((out / "runs").glob("part-*.parquet"))
        for i in pq.read_table(f)["run_id"].to_pylist()
    ]


def test_refinement_spends_runs_near_the_boundary(small_map):
    frame, info = read_map(small_map / "out")
    grid = raster(frame, 8)
    assert {"shared_kpis", NO_WINNER} <= set(grid.ravel())  # the map has a boundary to find
    depth = np.zeros((8, 8), dtype=int)
    for r in frame[frame["leaf"]].itertuples():
        depth[r.iy0 : r.iy1, r.ix0 : r.ix1] = r.depth
    edge = np.zeros((8, 8), dtype=bool)  # finest cells with a neighbour of another label
    edge[:, 1:] |= grid[:, 1:] != grid[:, :-1]
    edge[:, :-1] |= grid[:, 1:] != grid[:, :-1]
    edge[1:, :] |= grid[1:, :] != grid[:-1, :]
    edge[:-1, :] |= grid[1:, :] != grid[:-1, :]
    assert depth[edge].mean() > depth[~edge].mean()
    assert (depth[edge] == 2).all()  # the boundary is at full resolution
    assert (depth[~edge] < 2).any()  # and uniform areas were left coarse
    assert (frame["depth"] == 2).sum() < 64 and info["status"] == "complete"
    # Replications were added only where a point was unclear, never at a clear one.
    topped = frame[frame["replications"] > 4]
    assert len(topped) and (frame.loc[frame["winner"] != NO_WINNER, "n_pairs"] >= 4).all()
    assert len(runs_ids(small_map / "out")) == info["runs"] == 2 * frame["replications"].sum()


def test_a_true_tie_ends_as_no_clear_winner_everywhere(tmp_path):
    twin = SPEC.replace('"shared_kpis"]', '"twin"]') + '\n[variants.twin]\nbase = "siloed"\n'
    twin = twin.replace("resolution = 8", "resolution = 4")
    spec = tmp_path / "tie.toml"
    spec.write_text(twin)
    run_map(MapSpec.from_toml(spec), tmp_path / "out", workers=1, progress=False)
    frame, _ = read_map(tmp_path / "out")
    assert (frame["winner"] == NO_WINNER).all()
    # No split and no extra replication: a mean difference of exactly 0 can never be resolved.
    assert len(frame) == 4 and (frame["replications"] == 4).all()
    assert (frame["diff_low_twin"] <= 0).all() and (frame["diff_high_twin"] >= 0).all()


def _paired(p_values: list[float], n: int = 10) -> np.ndarray:
    """Replications x designs where design 0 beats design k+1 with paired t p-value p_values[k]."""
    z = np.linspace(-1, 1, n)
    z = (z - z.mean()) / z.std(ddof=1)  # mean 0, sd 1: the t statistic is exactly mean / (1 / sqrt n)
    columns = [np.zeros(n)]
    for p in p_values:
        t = sps.t.isf(p / 2, n - 1)
        columns.append(-(t / np.sqrt(n) + z))  # leader - other = t / sqrt(n) + z
    return np.column_stack(columns) + 100.0


def test_the_winner_rule_applies_holm_over_the_comparisons():
    # Unadjusted, both differences exclude 0 at 95 %; Holm tests the smaller p at 0.05 / 2: no winner.
    data = _paired([0.04, 0.045])
    assert all(t_interval(data[:, 0] - data[:, k])[2] > 0 for k in (1, 2))
    tie = decide(data, sign=1, max_n=10)
    assert tie.winner is None and tie.leader == 0 and tie.diff_lows[1] <= 0
    # Step-down, not Bonferroni: 0.001 <= 0.025, then 0.04 <= 0.05, so design 0 wins.
    win = decide(_paired([0.001, 0.04]), sign=1, max_n=10)
    assert win.winner == 0 and min(win.diff_lows[1:]) > 0
    # One comparison only: no correction, p = 0.04 wins.
    assert decide(_paired([0.04]), sign=1, max_n=10).winner == 0
    # Lower is better: the same data reversed makes the other design lead.
    assert decide(_paired([0.001]), sign=-1, max_n=10).leader == 1


def _start_map(spec: Path, out: Path) -> subprocess.Popen[bytes]:
    """`run_map` of `spec` into `out` in a child process (its own session, so a test can kill it)."""
    return subprocess.Popen(
        [sys.executable, "-c", MAP, str(spec), str(out)],
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_an_interrupted_map_resumes_without_repeating_a_run_and_gives_the_same_map(small_map, tmp_path):
    spec, out = small_map / "small_map.toml", tmp_path / "killed"
    proc = _start_map(spec, out)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(runs_ids(out) if (out / "runs").exists() else []) < 150:
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    killed_at = len(runs_ids(out))
    assert 150 <= killed_at < read_map(small_map / "out")[1]["runs"]
    run_map(MapSpec.from_toml(spec), out, workers=2, progress=False)
    ids = runs_ids(out)
    assert len(ids) == len(set(ids)) == len(runs_ids(small_map / "out"))
    expected, _ = read_map(small_map / "out")
    pd.testing.assert_frame_equal(read_map(out)[0], expected, check_exact=True)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (('name = "free_riding"', 'name = "free_ridin"'), ["map.y.name", "free_ridin", "did you mean"]),
        (('outcome = "total_revenue"', 'outcome = "total_revenu"'), ["map.outcome", "total_revenu"]),
        (("range = [0.0, 0.8]", "range = [0.0, 1.5]"), ["map.y.range", "[0.0, 1.5]", "1.0"]),
        (("resolution = 8", "resolution = 6"), ["map.resolution", "6", "power of two"]),
        (('outcome = "total_revenue"', 'outcome = "win_rate"'), ["map.direction", "win_rate"]),
    ],
)
def test_a_bad_map_spec_exits_2_with_one_line(truce, spec_file, tmp_path, change, words):
    spec = spec_file(SPEC.replace(*change))
    done = truce("map", str(spec), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and str(spec) in lines[0], done.stderr
    assert all(w in lines[0] for w in words), lines[0]
    assert not (tmp_path / "out").exists()


def test_a_lever_on_an_axis_is_recorded_as_overriding_every_design(spec_file):
    spec = MapSpec.from_toml(
        spec_file(SPEC.replace('"free_riding", range = [0.0, 0.8]', '"shared_bonus_share"'))
    )
    assert spec.overrides == {"shared_bonus_share": {"siloed": 0.0, "shared_kpis": 0.3}}


def test_the_replication_cap_defaults_to_twice_the_replications(spec_file):
    spec = MapSpec.from_toml(spec_file(SPEC.replace("max_replications = 8\n", "")))
    assert (spec.replications, spec.max_replications, spec.experiment.replications) == (4, 8, 8)
    assert spec.to_dict()["map"]["max_replications"] == 8


def test_stale_detection_flags_a_changed_fingerprint(small_map, tmp_path):
    assert stale(small_map / "out") == []
    copy = tmp_path / "copy"
    shutil.copytree(small_map / "out", copy, ignore=shutil.ignore_patterns("runs", "weekly"))
    info = json.loads((copy / "map.json").read_text())
    info["model"]["params_hash"] = "0" * 64
    (copy / "map.json").write_text(json.dumps(info))
    assert any("parameter registry" in r for r in stale(copy))
    info["model"] = {
        **info["model"],
        "params_hash": json.loads((small_map / "out/map.json").read_text())["model"]["params_hash"],
        "source_hash": "x",
    }
    (copy / "map.json").write_text(json.dumps(info))
    assert any("code changed" in r for r in stale(copy))


def test_the_report_opens_with_the_map_and_the_map_reads_with_pandas_alone(small_map, truce):
    done = truce("report", str(small_map / "out"))
    assert done.returncode == 0, done.stderr
    page = (small_map / "out" / "report.html").read_text()
    assert "Which design where" in page and "default company (0.5, 0.3)" in page and "boundary" in page
    assert "4 to 8 replications" in page and "<th>replications</th><td>4 to 8</td>" in page  # not the cap
    code = (
        "import sys, json, pandas as pd; f = pd.read_parquet(sys.argv[1] + '/map.parquet'); "
        "m = json.load(open(sys.argv[1] + '/map.json')); "
        "assert 'experiments' not in sys.modules and m['model']['params_hash']; print(len(f))"
    )
    read = subprocess.run(
        [sys.executable, "-c", code, str(small_map / "out")], capture_output=True, text=True
    )
    assert read.returncode == 0, read.stderr
    assert int(read.stdout) == len(read_map(small_map / "out")[0])


def test_the_shipped_map_covers_its_grid_and_carries_the_model_fingerprint():
    frame, info = read_map(SHIPPED)
    assert info["status"] == "complete" and len(frame) == info["points"]
    assert set(info["designs"]) == {"siloed", "shared_kpis", "merged", "three_dimensional"}
    assert [info["axes"][k]["name"] for k in ("x", "y")] == ["market_complexity", "free_riding"]
    grid = raster(frame, info["resolution"])
    assert (grid != "").all() and set(grid.ravel()) <= {*info["designs"], NO_WINNER}
    assert {"git_commit", "params_hash", "source_hash"} <= set(info["model"])
    assert isinstance(stale(SHIPPED), list)  # what the report and the dashboard show; empty when current


def test_the_shipped_map_has_a_report_of_its_own_that_says_whether_it_is_stale(truce, tmp_path):
    folder = tmp_path / "presets"
    shutil.copytree(SHIPPED, folder)
    done = truce("report", str(folder))
    assert done.returncode == 0, done.stderr
    frame, info = read_map(folder)
    grid = raster(frame, info["resolution"])
    first = done.stdout.splitlines()[0]
    assert f"shared_kpis {(grid == 'shared_kpis').mean():.0%}" in first  # the map's own shares
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "Which design where" in page and f"{info['runs']:,} runs" in page
    assert "sections below" not in page  # no runs are shipped: nothing below the map
    reasons = stale(folder)
    assert ("Stale:" in page) == bool(reasons)
    assert all(f"stale: {r}" in done.stdout for r in reasons)


def test_a_running_map_shows_its_finished_cells_and_progress_before_it_ends(small_map, tmp_path):
    """What the dashboard polls: `map.parquet` fills in cell by cell with status "running", and the
    manifest's counts advance, while the map still computes; every cell shown early ends the same."""
    spec, out = small_map / "small_map.toml", tmp_path / "live"
    proc = _start_map(spec, out)
    seen: list[tuple[int, pd.DataFrame]] = []  # (runs done, cells on show) while running
    while proc.poll() is None:
        try:
            manifest = json.loads((out / "manifest.json").read_text())
            frame, info = read_map(out)
        except (OSError, ValueError):  # not written yet
            time.sleep(0.02)
            continue
        if info["status"] == "running" and manifest["status"] == "running":
            seen.append((manifest["counts"]["ok"] + manifest["counts"]["failed"], frame))
        time.sleep(0.02)
    assert proc.wait() == 0, proc.stderr.read().decode()[-2000:]
    final, info = read_map(out)
    assert info["status"] == "complete"
    shown = [(done, frame) for done, frame in seen if len(frame)]
    assert len({done for done, _ in shown}) >= 3, "the map should fill in over several commits"
    assert [done for done, _ in shown] == sorted(done for done, _ in shown) < [info["runs"]] * len(shown)
    assert len(shown[0][1]) < len(final)  # cells appeared before the last one was done
    means = [c for c in final.columns if c.startswith(("mean_", "ci_", "diff_"))]
    for _, frame in shown:
        early = frame.merge(final, on=["point", "n_pairs"], suffixes=("", "_final"))
        assert len(early) >= len(frame) // 2  # most cells shown early keep their replications
        for column in [*means, "winner"]:
            pd.testing.assert_series_equal(early[column], early[f"{column}_final"], check_names=False)
