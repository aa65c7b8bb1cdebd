"""Executors: serial, local processes and Dask give bit-identical results; failed runs are data."""

from __future__ import annotations

import pandas as pd
import pytest
from distributed import Client, LocalCluster

from experiments import load


def assert_same_results(expected, actual) -> None:
    pd.testing.assert_frame_equal(expected.runs, actual.runs, check_exact=True)
    pd.testing.assert_frame_equal(expected.weekly, actual.weekly, check_exact=True)


def test_process_pool_reproduces_the_serial_run_bit_for_bit(small, reference, tmp_path):
    pooled = small().run(tmp_path / "pool", workers=2, progress=False)
    assert_same_results(reference, pooled)
    assert len(reference.runs) == 6 and set(reference.runs["status"]) == {"ok"}
    assert reference.weekly.groupby("run_id").size().eq(20).all()


def test_dask_local_cluster_reproduces_the_serial_run_bit_for_bit(small, reference, tmp_path):
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        executor = client.get_executor(pure=False)
        on_dask = small().run(tmp_path / "dask", executor=executor, progress=False)
    assert_same_results(reference, on_dask)


def test_designs_and_replications_really_differ(reference):
    revenue = reference.runs.set_index("run_id")["total_revenue"]
    assert revenue.nunique() == len(revenue)  # no two runs are copies of each other
    assert list(reference.runs["design"]) == ["siloed"] * 3 + ["merged"] * 3


def test_a_run_that_raises_is_recorded_as_failed_and_the_sweep_goes_on(small, failing_set, tmp_path):
    experiment = small(designs=["siloed", "three_dimensional"], interventions=[failing_set])
    results = experiment.run(tmp_path / "out", workers=2, progress=False)
    runs = results.runs.set_index("run_id")
    failed = runs[runs["status"] == "failed"]
    assert sorted(failed.index) == [f"three_dimensional/0/{r}" for r in range(3)]
    for error in failed["error"]:
        assert error.startswith("Traceback") and "shared_bonus_share + retention_bonus_share" in error
    assert failed["total_revenue"].isna().all()  # no made-up metrics for a run that did not finish
    assert failed["retention_bonus_share"].eq(0.4).all()  # but its parameters are known
    ok = runs[runs["status"] == "ok"]
    assert len(ok) == 3 and ok["error"].isna().all() and ok["total_revenue"].gt(0).all()
    assert set(results.weekly["run_id"]) == set(ok.index)
    assert results.manifest["counts"] == {"total": 6, "ok": 3, "failed": 3, "missing": 0}
    assert results.manifest["status"] == "complete"
    assert load(tmp_path / "out").manifest["counts"]["failed"] == 3


@pytest.mark.parametrize("workers", [1, 2])
def test_worker_count_does_not_change_results(small, reference, tmp_path, workers):
    assert_same_results(reference, small().run(tmp_path / "w", workers=workers, progress=False))


def test_a_lost_dask_result_is_one_line_not_a_tornado_traceback(caplog):
    """distributed's executor lets an error fetching a result escape from `_cascade_future` into the
    event loop, logged by tornado as a long traceback; while a sweep runs on Dask only that is dropped
    (the sweep reports the lost scheduler itself)."""
    import logging

    from distributed import cfexecutor

    from experiments.dask_executor import quiet_cascade

    assert callable(cfexecutor._cascade_future)  # the frame the filter looks for still exists
    log = logging.getLogger("tornado.application")

    def _cascade_future() -> None:
        raise ConnectionError("scheduler gone")

    def report(message: str, fn) -> None:
        try:
            fn()
        except Exception:
            log.exception(message)

    with quiet_cascade():
        report("dropped", _cascade_future)
        report("kept: another error", lambda: 1 / 0)
    report("kept: no sweep on Dask", _cascade_future)
    assert [r.getMessage() for r in caplog.records] == ["kept: another error", "kept: no sweep on Dask"]


def test_a_closed_stream_to_a_dead_scheduler_is_not_reported_while_a_sweep_runs(caplog):
    """A client writing to its scheduler as it dies logs "Batched Comm Closed" with a traceback
    (seen in CI); while a sweep runs on Dask that record is dropped, other records of the logger kept."""
    import logging

    from distributed import batched

    from experiments.dask_executor import quiet_cascade

    log = logging.getLogger(batched.__name__)
    caplog.set_level(logging.INFO, logger=log.name)
    with quiet_cascade():
        log.info("Batched Comm Closed %r", "<TCP (closed)>", exc_info=True)
        log.info("kept: another message")
    log.info("Batched Comm Closed %r", "kept: no sweep on Dask")
    assert [r.getMessage() for r in caplog.records] == [
        "kept: another message",
        "Batched Comm Closed 'kept: no sweep on Dask'",
    ]
