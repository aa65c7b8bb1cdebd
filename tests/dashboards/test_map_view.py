"""The "Which design where?" view without a browser: the shipped map as a figure, its hover texts, the
company marker, the stale line, and the background map's spec and process."""

from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd
import pytest
import tomli_w

import sim
from dashboards import map_view
from dashboards.catalogue import Catalogue
from dashboards.i18n import LANGUAGES, Translator
from dashboards.map_job import Background, Grid, MapJob, spec
from dashboards.map_panel import company
from dashboards.session import Config, Session
from experiments.map_spec import MapSpec
from experiments.map_store import raster as experiments_raster

#: An upload that sets one map axis itself: the marker must follow it.
DESIGN = b"""name = "acme"
description = "Acme"
[levers]
lead_sla_hours = 24.0
[uncertainties]
free_riding = 0.6
"""
COMPANY = {"market_complexity": 0.5, "free_riding": 0.3}


@pytest.fixture(scope="module")
def shipped() -> map_view.DesignMap:
    dmap = map_view.read(map_view.SHIPPED)
    assert dmap is not None
    return dmap


def _traces(figure: dict) -> dict[str, dict]:
    heat = next(tr for tr in figure["data"] if tr["type"] == "heatmap")
    marker = next(tr for tr in figure["data"] if tr.get("mode") == "markers+text")
    boundary = next(tr for tr in figure["data"] if tr.get("mode") == "lines")
    return {"heat": heat, "marker": marker, "boundary": boundary}


def test_the_heat_map_shows_the_shipped_maps_winner_in_every_finest_cell(shipped):
    t = Translator("en")
    figure = map_view.figure(shipped, t, COMPANY, map_view.title(shipped.info, t))
    heat = _traces(figure)["heat"]
    res = shipped.info["resolution"]
    categories = [*shipped.info["designs"], map_view.NO_WINNER]
    # The same labels as the report's raster (computed by `experiments`, independently of the view).
    expected = experiments_raster(shipped.frame, res)
    z = np.array(heat["z"], dtype=float)
    assert z.shape == (res, res) and not np.isnan(z).any()
    assert (np.array(categories, dtype=object)[z.astype(int)] == expected).all()
    assert len(set(expected.ravel())) >= 2  # the map has a boundary to draw
    assert heat["x"][0] == pytest.approx(0.5 / res) and heat["y"][-1] == pytest.approx(1 - 0.5 / res)
    # "No clear winner" is grey, and the legend names every category in the page's language.
    scale = dict((round(edge * len(categories)), c) for edge, c in heat["colorscale"][::2])
    assert scale[len(categories) - 1] == map_view.GREY
    names = [tr["name"] for tr in figure["data"] if tr.get("name")]
    assert {"Siloed", "Shared KPIs", "No clear winner"} <= set(names)
    assert figure["title"].startswith("Profit: which design is best where?")


def test_hovering_a_cell_shows_every_designs_mean_and_ci_of_its_evaluated_point(shipped):
    t = Translator("de")
    heat = _traces(map_view.figure(shipped, t, COMPANY, "title"))["heat"]
    frame = shipped.frame
    # The finest evaluated cells (depth 3 in the shipped 32 x 32 map) and a coarse one.
    for _, row in pd.concat([frame.nlargest(3, "depth"), frame.nsmallest(1, "depth")]).iterrows():
        leaf = frame[(frame["ix0"] <= row["ix0"]) & (frame["ix1"] >= row["ix1"])]
        leaf = leaf[(leaf["iy0"] <= row["iy0"]) & (leaf["iy1"] >= row["iy1"])]
        owner = leaf.loc[leaf["depth"].idxmax()]  # the smallest evaluated cell over it
        text = heat["text"][int(row["iy0"])][int(row["ix0"])]
        assert f"{int(owner['n_pairs'])} gepaarte Wiederholungen" in text
        for d in shipped.info["designs"]:
            mean, low, high = (owner[f"{k}_{d}"] for k in ("mean", "ci_low", "ci_high"))
            assert low <= mean <= high
            m, lo, hi = (t.number(v, 3) for v in (mean, low, high))
            assert f"{t.design_name(d)}: {m} [{lo}, {hi}]" in text
    assert heat["hovertemplate"] == "%{text}<extra></extra>"


def test_the_boundary_runs_along_every_edge_where_the_winner_changes(shipped):
    figure = map_view.figure(shipped, Translator("en"), COMPANY, "title")
    boundary = _traces(figure)["boundary"]
    labels = experiments_raster(shipped.frame, shipped.info["resolution"])
    edges = int((labels[:, 1:] != labels[:, :-1]).sum() + (labels[1:, :] != labels[:-1, :]).sum())
    assert len(boundary["x"]) == 3 * edges and boundary["x"][2::3] == [None] * edges


def test_the_company_marker_sits_at_the_sessions_values_and_follows_the_sliders(shipped):
    axes = ("market_complexity", "free_riding")
    session = Session()
    here = company(session, session.config, axes)
    defaults = {p.name: p.default for p in sim.params()}
    assert here == {name: defaults[name] for name in axes}  # siloed keeps the registry defaults
    moved = Config(levers={"market_complexity": 0.8, "free_riding": 0.15})
    marker = _traces(map_view.figure(shipped, Translator("en"), company(session, moved, axes), "t"))["marker"]
    assert (marker["x"], marker["y"], marker["text"]) == ([0.8], [0.15], ["Your company"])
    # An uploaded design's own value of an axis places it, until a slider moves it.
    catalogue = Catalogue()
    key = catalogue.add("acme.toml", DESIGN)
    uploaded = Session(Config(design=key), catalogue)
    assert company(uploaded, uploaded.config, axes)["free_riding"] == 0.6


def test_a_map_of_another_model_says_so_in_one_line_in_every_language(shipped):
    current = {**shipped.info, "model": sim.fingerprint()}
    for lang in LANGUAGES:
        assert map_view.stale(current, Translator(lang)) == ""
    old = {**shipped.info, "model": {**sim.fingerprint(), "params_hash": "0" * 64}}
    lines = {lang: map_view.stale(old, Translator(lang)) for lang in LANGUAGES}
    assert all(line and "\n" not in line for line in lines.values())
    assert "parameter registry" in lines["en"] and len(set(lines.values())) == 3
    # The reasons too are in the page's language, not sim's English sentences.
    assert "Parameterregister" in lines["de"] and "реестр параметров" in lines["ru"]
    assert not any("registry" in lines[lang] or "code" in lines[lang] for lang in ("de", "ru"))
    code = {**shipped.info, "model": {**sim.fingerprint(), "source_hash": "0" * 64, "git_commit": "abc123"}}
    assert "изменился код модели после коммита abc123" in map_view.stale(code, Translator("ru"))
    unstamped = map_view.stale({**shipped.info, "model": None}, Translator("de"))
    assert "keinen Fingerabdruck" in unstamped


def test_a_map_still_computing_leaves_cells_not_yet_evaluated_blank(shipped):
    coarse = shipped.frame[shipped.frame["depth"] == 0].head(5)
    partial = map_view.DesignMap(coarse.reset_index(drop=True), shipped.info)
    heat = _traces(map_view.figure(partial, Translator("en"), COMPANY, "title"))["heat"]
    covered = np.zeros((32, 32), dtype=bool)
    for r in coarse.itertuples():
        covered[r.iy0 : r.iy1, r.ix0 : r.ix1] = True
    z, text = np.array(heat["z"], dtype=object), np.array(heat["text"], dtype=object)
    assert (z[~covered] == None).all() and (text[~covered] == "").all()  # noqa: E711
    assert all(v is not None for v in z[covered]) and all(text[covered])


def test_the_background_spec_is_the_shipped_map_with_the_upload_on_a_workshop_grid(shipped, tmp_path):
    (tmp_path / "design").mkdir()
    (tmp_path / "design" / "acme.toml").write_bytes(DESIGN)
    for name, expected in (("acme", [*shipped.info["designs"], "acme"]), ("merged", None)):
        table = spec(shipped.info, "design/acme.toml", name, Grid(8, 4, 6))
        path = tmp_path / "map.toml"
        path.write_text(tomli_w.dumps(table))
        if expected is None:  # an upload named like a preset takes that preset's place
            assert "merged" not in table["designs"] and table["designs"][-1] == "design/acme.toml"
            continue
        parsed = MapSpec.from_toml(path)
        assert parsed.experiment.design_names == expected
        assert (parsed.resolution, parsed.start, parsed.replications, parsed.max_replications) == (
            8,
            4,
            6,
            12,
        )
        old = shipped.info["spec"]
        assert parsed.to_dict()["map"]["x"] == old["map"]["x"] and parsed.outcome == shipped.info["outcome"]
        assert parsed.experiment.baseline == shipped.info["baseline"]
        assert (parsed.experiment.weeks, parsed.experiment.seed) == (old["weeks"], old["seed"])


def test_the_grid_option_reads_the_environment(monkeypatch):
    monkeypatch.delenv("TRUCE_MAP_GRID", raising=False)
    assert Grid.from_env() == Grid(8, 4, 6)
    monkeypatch.setenv("TRUCE_MAP_GRID", "4,2,3")
    assert Grid.from_env() == Grid(4, 2, 3)
    monkeypatch.setenv("TRUCE_MAP_GRID", "8x8")
    with pytest.raises(ValueError, match="RESOLUTION,START,REPLICATIONS"):
        Grid.from_env()


def _wait(job: MapJob, until, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not until(job.progress()):
        assert time.monotonic() < deadline, job.progress()
        time.sleep(0.1)


def test_a_background_map_fills_in_and_is_stopped_and_deleted(shipped):
    """A real `python -m truce map` child: progress and cells while it runs, a complete map at the
    end; a second one stopped half-way leaves neither process nor folder."""
    job = MapJob("acme.toml", DESIGN, "acme", shipped.info, Grid(2, 2, 2))
    try:
        assert (job.folder / "design" / "acme.toml").read_bytes() == DESIGN
        _wait(job, lambda p: p.status in ("complete", "failed"))
        done = job.progress()
        assert done.status == "complete", done.message
        assert done.done == done.planned >= 5 * 4 * 2  # five designs, 2 x 2 cells, 2 replications
        dmap = job.read()
        assert dmap is not None and len(dmap.frame) == 4 and dmap.info["status"] == "complete"
        assert dmap.info["designs"][-1] == "acme" and dmap.info["resolution"] == 2
    finally:
        job.stop()
    assert not job.folder.exists()
    running = MapJob("acme.toml", DESIGN, "acme", shipped.info, Grid(8, 4, 6))
    _wait(running, lambda p: p.status == "running")
    running.stop()
    assert running.process.poll() is not None and not running.folder.exists()


def test_a_background_map_that_fails_says_why(shipped):
    job = MapJob("acme.toml", DESIGN, "acme", shipped.info, Grid(6, 4, 6))  # 6 is not 4 x a power of two
    try:
        _wait(job, lambda p: p.status in ("complete", "failed"))
        failed = job.progress()
        assert failed.status == "failed" and "map.resolution" in failed.message
    finally:
        job.stop()
    assert not job.folder.exists()


def test_a_map_folder_without_cells_yet_reads_as_none(shipped, tmp_path):
    """`truce map` writes its first snapshot at the first commit, often before any cell is done."""
    assert map_view.read(tmp_path) is None
    (tmp_path / map_view.META).write_text(json.dumps(shipped.info))
    pd.DataFrame().to_parquet(tmp_path / map_view.MAP)
    assert map_view.read(tmp_path) is None
    shipped.frame.head(1).to_parquet(tmp_path / map_view.MAP)
    assert len(map_view.read(tmp_path).frame) == 1


def test_a_new_upload_replaces_the_background_map_and_closing_stops_it(monkeypatch):
    """`Background` is what the page holds: one map at a time, none left after the page closes."""
    monkeypatch.setenv("TRUCE_MAP_GRID", "8,4,6")
    maps = Background()
    maps.start("acme.toml", DESIGN, "acme")
    first = maps.job
    assert first is not None and first.process.poll() is None and first.folder.exists()
    maps.start("acme.toml", DESIGN, "acme")
    second = maps.job
    assert second is not first and second.process.poll() is None
    assert first.process.poll() is not None and not first.folder.exists()
    maps.stop()
    assert maps.job is None and second.process.poll() is not None and not second.folder.exists()
