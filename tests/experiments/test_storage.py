"""The results folder: what is stored equals what the model computed, streamed in atomic parts."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import sim
from experiments import Axis, Experiment, Sampling, load
from experiments.pool import SerialExecutor
from experiments.storage import schemas
from experiments.sweep import sweep
from sim import InputError
from sim.outcomes import SUMMARY, WEEKLY, summary_names, weekly_names


def test_load_reads_back_exactly_what_the_model_computed(reference):
    again = load(reference.path)
    pd.testing.assert_frame_equal(again.runs, reference.runs, check_exact=True)
    pd.testing.assert_frame_equal(again.weekly, reference.weekly, check_exact=True)
    row = again.runs.set_index("run_id").loc["merged/0/2"]
    assert row["seed"] == "SeedSequence(0).spawn(3)[2]"
    direct = sim.run("merged", weeks=20, seed=np.random.SeedSequence(0).spawn(3)[2])
    for key, value in direct.summary.items():
        assert row[key] == value, key
    for name, value in sim.resolve("merged").params.as_dict().items():
        assert row[name] == value, name
    weekly = again.weekly[again.weekly["run_id"] == "merged/0/2"].set_index("week")
    for column in ("revenue", "customers", "headcount_sales"):
        assert np.array_equal(weekly[column].to_numpy(), direct.weekly[column].to_numpy()), column
    assert list(again.weekly.columns) == ["run_id", "week", "revenue", "customers", "headcount_sales"]


def test_manifest_describes_the_folder_completely(reference):
    manifest = json.loads((reference.path / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["counts"]["missing"] == 0
    assert manifest["root_seed"] == 0 and manifest["designs"] == ["siloed", "merged"]
    assert manifest["spec"]["weeks"] == 20 and manifest["spec"]["replications"] == 3
    merged = manifest["spec"]["designs"][1]
    assert merged["resolved"] == sim.resolve("merged").params.as_dict()
    prov = manifest["provenance"]
    assert {"truce", "mesa", "numpy", "pandas", "pyarrow", "SALib", "ema-workbench"} <= set(prov["packages"])
    assert prov["python"] and prov["platform"] and len(prov["git_commit"] or "x" * 40) == 40
    assert manifest["started"] <= manifest["finished"]
    assert manifest["columns"]["runs"] == list(reference.runs.columns)


def test_parts_are_zstd_with_provenance_in_their_schema_metadata(reference):
    for sub in ("runs", "weekly"):
        parts = sorted((reference.path / sub).glob("part-*.parquet"))
        assert parts
        meta = pq.ParquetFile(parts[0]).metadata
        assert meta.row_group(0).column(0).compression == "ZSTD"
        provenance = json.loads(meta.metadata[b"truce"])
        assert provenance["fingerprint"] == reference.manifest["fingerprint"]
        assert provenance["packages"]["mesa"] == reference.manifest["provenance"]["packages"]["mesa"]


def test_runs_are_streamed_in_many_parts_and_no_temporary_file_is_left(small, tmp_path):
    out = tmp_path / "out"
    sweep(small(), out, executor=SerialExecutor(), flush_runs=2, progress=False)
    runs, weekly = sorted((out / "runs").iterdir()), sorted((out / "weekly").iterdir())
    assert [f.name for f in runs] == [f"part-{i:06d}.parquet" for i in (1, 2, 3)]
    assert [f.name for f in weekly] == [f.name for f in runs]
    assert [pq.ParquetFile(f).metadata.num_rows for f in runs] == [2, 2, 2]


def test_csv_copies_hold_the_same_tables(small, reference, tmp_path):
    results = small().run(tmp_path / "out", executor=SerialExecutor(), csv=True, progress=False)
    runs = pd.read_csv(tmp_path / "out" / "runs.csv")
    weekly = pd.read_csv(tmp_path / "out" / "weekly.csv")
    pd.testing.assert_frame_equal(
        runs.drop(columns="error"), results.runs.drop(columns="error"), check_dtype=False, check_exact=True
    )
    key = ["run_id", "week"]
    expected = reference.weekly.sort_values(key).reset_index(drop=True)
    actual = weekly.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(actual, expected, check_dtype=False, check_exact=True)


def test_keep_none_stores_summaries_only(small, tmp_path):
    results = small(keep="none").run(tmp_path / "out", executor=SerialExecutor(), progress=False)
    assert results.weekly.empty and not list((tmp_path / "out" / "weekly").iterdir())
    assert results.runs["total_revenue"].notna().all() and len(results.runs) == 6


def test_a_different_spec_is_refused_in_an_existing_folder(small, reference):
    with pytest.raises(InputError, match=r"different spec.*another --out folder") as err:
        small(weeks=21).run(reference.path, executor=SerialExecutor(), progress=False)
    assert "\n" not in str(err.value)
    assert len(load(reference.path).runs) == 6  # untouched


def test_a_folder_with_other_files_is_refused(small, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="not empty"):
        small().run(tmp_path, executor=SerialExecutor(), progress=False)


def test_sobol_manifest_gives_salib_the_sample_matrix_in_point_order(tmp_path):
    experiment = Experiment(
        designs=["siloed"],
        replications=1,
        weeks=8,
        keep="none",
        axes=[Axis("bass_q", bounds=(0.2, 0.6)), Axis("rep_capacity", bounds=(6, 20))],
        sampling=Sampling("sobol", samples=2, seed=5),
    )
    results = experiment.run(tmp_path / "out", workers=2, progress=False)
    sampling = results.manifest["sampling"]
    assert sampling["method"] == "sobol" and sampling["calc_second_order"] is False
    problem = sampling["problem"]
    assert (problem["names"], problem["bounds"]) == (["bass_q", "rep_capacity"], [[0.2, 0.6], [6, 20]])
    x = np.array(sampling["X"])
    runs = results.runs.sort_values("point")
    assert list(runs["point"]) == list(range(len(x))) == list(range(2 * (2 + 2)))
    assert np.array_equal(runs["bass_q"].to_numpy(), x[:, 0])
    assert np.array_equal(runs["rep_capacity"].to_numpy(), np.rint(x[:, 1]).astype(int))


def test_compare_pairs_each_design_with_the_baseline_on_the_same_seeds(reference):
    table = reference.compare(metrics=["total_revenue"]).set_index("design")
    runs = reference.runs.set_index(["design", "point", "replication"])["total_revenue"]
    expected = (runs["merged"] - runs["siloed"]).mean()
    assert table.loc["merged", "n_pairs"] == 3
    assert table.loc["merged", "mean_diff"] == pytest.approx(expected, rel=1e-12)
    assert "siloed" not in table.index


def test_parquet_schemas_are_the_declarations_and_what_a_real_sweep_writes(tmp_path):
    out = tmp_path / "out"
    Experiment(designs=["siloed"], replications=1, weeks=2).run(
        out, executor=SerialExecutor(), progress=False
    )
    runs, weekly = schemas(weekly_names())
    assert runs.names == [
        *("run_id", "design", "point", "replication", "seed"),
        *(p.name for p in sim.params()),
        *("status", "error"),
        *summary_names(),
    ]
    assert weekly.names == ["run_id", "week", *weekly_names()]
    arrow = {"int64": pa.int64(), "float64": pa.float64()}
    assert [weekly.field(o.name).type for o in WEEKLY] == [arrow[o.dtype] for o in WEEKLY]
    assert {runs.field(o.name).type for o in SUMMARY} == {pa.float64()}
    for sub, declared in (("runs", runs), ("weekly", weekly)):
        written = pq.read_schema(out / sub / "part-000001.parquet").remove_metadata()
        assert written.equals(declared), sub


def test_checking_a_spec_and_its_schemas_builds_no_model(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a model was built")

    monkeypatch.setattr(sim.TruceModel, "__init__", refuse)
    experiment = Experiment(designs=["siloed", "merged"], replications=1, weeks=2, keep=["churned", "trust"])
    _, weekly = schemas(experiment.keep)
    assert weekly.names == ["run_id", "week", "churned", "trust"]
    assert [weekly.field(n).type for n in ("churned", "trust")] == [pa.int64(), pa.float64()]
