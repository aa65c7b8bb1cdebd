"""The model is a pure function of (design, seed): reproducible, seedable, batch-runnable and picklable."""

from __future__ import annotations

import multiprocessing
import pickle

import mesa
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from scipy import stats

import sim
from sim.market import State
from sim.rng import Keyed

WEEKS = 20


def _weekly(model: sim.TruceModel) -> pd.DataFrame:
    return model.datacollector.get_model_vars_dataframe()


def test_same_seed_gives_identical_weekly_record():
    first = sim.run("siloed", weeks=WEEKS, seed=11)
    second = sim.run("siloed", weeks=WEEKS, seed=11)
    assert_frame_equal(first.weekly, second.weekly, check_exact=True)
    assert first.summary == second.summary


def test_different_seeds_give_different_weekly_records():
    first = sim.run("siloed", weeks=WEEKS, seed=11).weekly
    second = sim.run("siloed", weeks=WEEKS, seed=12).weekly
    assert not first.equals(second)
    assert (first["leads_generated"] != second["leads_generated"]).any()


def test_run_equals_stepping_the_model_by_hand():
    result = sim.run("merged", weeks=WEEKS, seed=4)
    model = sim.TruceModel("merged", rng=4, weeks=WEEKS)
    while model.running:
        model.step()
    assert model.steps == WEEKS
    assert_frame_equal(result.weekly.reset_index(drop=True), _weekly(model).reset_index(drop=True))


def test_seed_sequence_seeds_like_its_integer_entropy():
    by_int = sim.run("siloed", weeks=WEEKS, seed=5).weekly
    by_sequence = sim.run("siloed", weeks=WEEKS, seed=np.random.SeedSequence(5)).weekly
    assert_frame_equal(by_int, by_sequence, check_exact=True)
    model = sim.TruceModel("siloed", rng=np.random.SeedSequence(5), weeks=WEEKS)
    model.run_model()
    assert_frame_equal(by_int.reset_index(drop=True), _weekly(model).reset_index(drop=True))


def test_spawned_seed_sequences_are_reproducible_and_distinct():
    """`truce compare` seeds replication r with SeedSequence(root).spawn(N)[r]."""
    first = [sim.run("siloed", weeks=WEEKS, seed=s).weekly for s in np.random.SeedSequence(7).spawn(2)]
    again = [sim.run("siloed", weeks=WEEKS, seed=s).weekly for s in np.random.SeedSequence(7).spawn(2)]
    assert_frame_equal(first[0], again[0], check_exact=True)
    assert_frame_equal(first[1], again[1], check_exact=True)
    assert not first[0].equals(first[1])


def test_reusing_one_seed_sequence_object_repeats_the_run():
    seed = np.random.SeedSequence(9)
    first = sim.run("siloed", weeks=5, seed=seed).weekly
    second = sim.run("siloed", weeks=5, seed=seed).weekly
    assert_frame_equal(first, second, check_exact=True)


def _staff(model: sim.TruceModel) -> list[tuple]:
    people = sorted(model.agents, key=lambda a: a.unique_id)
    return [(type(a).__name__, a.hired_week, a.skill, a.morale) for a in people]


@pytest.mark.parametrize("other", ["shared_kpis", "merged", "three_dimensional"])
def test_designs_on_the_same_seed_start_from_the_same_company(other):
    """Common random numbers: the going concern at week 0 (staff, market, book) does not depend on design."""
    base = sim.TruceModel("siloed", rng=21, weeks=WEEKS)
    alt = sim.TruceModel(other, rng=21, weeks=WEEKS)
    assert _staff(base) == _staff(alt)
    np.testing.assert_array_equal(base.market.state, alt.market.state)
    np.testing.assert_array_equal(base.market.profile, alt.market.profile)
    np.testing.assert_array_equal(base.market.value, alt.market.value)


def test_a_conflict_lever_leaves_the_weeks_earlier_steps_unchanged():
    """Separate random streams: blame (step 8) draws from its own stream after leads, hand-off, selling,
    service, churn and feedback (steps 1-7) have run, so week 1 of those steps is identical whatever the
    blame rate, on every seed."""
    steps_1_to_7 = (
        "leads_generated",
        "leads_accepted",
        "leads_leaked",
        "lead_response_hours",
        "opportunities_created",
        "deals_won",
        "deals_lost",
        "customers",
        "churned",
        "referrals",
        "satisfaction",
        "accounts_unaware",
        "accounts_aware",
    )
    for seed in range(3):
        calm = sim.run("siloed", weeks=1, seed=seed, blame_rate=0.0).weekly
        angry = sim.run("siloed", weeks=1, seed=seed, blame_rate=1.0).weekly
        assert_frame_equal(calm[list(steps_1_to_7)], angry[list(steps_1_to_7)], check_exact=True)


@pytest.fixture
def restore_start_method():
    """`mesa.batch_run` sets the global multiprocessing start method; put it back afterwards."""
    before = multiprocessing.get_start_method(allow_none=True)
    yield
    multiprocessing.set_start_method(before, force=True)


def test_mesa_batch_run_runs_the_model_and_returns_its_reporters(restore_start_method):
    """Mesa 3.5's batch_run rejects `iterations` together with `rng` (ValueError), so seeds go in `rng`."""
    rows = mesa.batch_run(
        sim.TruceModel,
        parameters={"design": ["siloed", "merged"], "weeks": 10},
        number_processes=1,
        max_steps=10,
        data_collection_period=-1,
        rng=[0, 1],
        display_progress=False,
    )
    assert len(rows) == 4
    assert {(row["design"], row["rng"]) for row in rows} == {
        (d, s) for d in ("siloed", "merged") for s in (0, 1)
    }
    for row in rows:
        assert row["Step"] == 10
        assert "revenue" in row and "alignment_index" in row and "headcount_sales" in row
        expected = sim.run(row["design"], weeks=10, seed=row["rng"]).weekly.loc[10]
        for col in ("revenue", "deals_won", "leads_generated", "headcount_sales", "alignment_index"):
            assert row[col] == expected[col], (row["design"], row["rng"], col)


def test_model_pickles_mid_run_and_resumes_identically():
    model = sim.TruceModel("shared_kpis", rng=3, weeks=12)
    for _ in range(5):
        model.step()
    clone = pickle.loads(pickle.dumps(model))
    while model.running:
        model.step()
    while clone.running:
        clone.step()
    assert_frame_equal(_weekly(model), _weekly(clone), check_exact=True)


def test_keyed_draws_depend_only_on_run_week_and_account():
    """An account's draw does not depend on which other accounts are drawn for, or in what order:
    mechanisms compute it only for the accounts they touch."""
    keyed = Keyed(np.random.SeedSequence(3))
    ids = np.arange(50_000)
    everyone = keyed.uniform(17, ids)
    some = np.random.default_rng(0).choice(ids, 500, replace=False)
    assert np.array_equal(keyed.uniform(17, some), everyone[some])
    assert np.array_equal(keyed.uniform(np.full(some.size, 17), some), everyone[some])
    assert not np.array_equal(keyed.uniform(18, ids), everyone)
    assert not np.array_equal(Keyed(np.random.SeedSequence(4)).uniform(17, ids), everyone)


def test_keyed_uniforms_are_uniform_and_independent():
    """Uniform in (0, 1) and uncorrelated across neighbouring accounts, weeks and the three parts of
    one draw (Kolmogorov-Smirnov and correlation over 200,000 draws)."""
    keyed = Keyed(np.random.SeedSequence(11))
    ids = np.arange(200_000)
    u, next_week = keyed.uniform(5, ids), keyed.uniform(6, ids)
    parts = keyed.uniform3(5, ids)
    for x in (u, *parts):
        assert x.min() > 0 and x.max() < 1
        assert stats.kstest(x, "uniform").pvalue > 0.001
    limit = 4 / np.sqrt(ids.size)  # 4 standard errors of a correlation of independent draws
    for a, b in ((u[:-1], u[1:]), (u, next_week), (parts[0], parts[1]), (parts[1], parts[2])):
        assert abs(np.corrcoef(a, b)[0, 1]) < limit


def test_the_same_account_meets_the_same_luck_in_two_designs():
    """Common random numbers: an account aware under two designs, since the same week and for the same
    number of times, forgets in the same week; a customer's churn draw and a deal's decision draws in a
    week are the same, however differently the designs treated every other account."""
    runs = [sim.TruceModel(design, rng=5, weeks=40) for design in ("siloed", "merged")]
    for model in runs:
        for _ in range(30):
            model.step()
    a, b = (m.market for m in runs)
    aware = (a.state == State.AWARE) & (b.state == State.AWARE) & (a.since == b.since)
    aware &= a.episodes[State.AWARE] == b.episodes[State.AWARE]
    assert aware.sum() > 1000 and not np.array_equal(a.state, b.state)
    assert np.array_equal(a.forget_at[aware], b.forget_at[aware])
    deals = np.flatnonzero(aware)
    both = np.intersect1d(a.customers, b.customers)
    assert both.size > 1000
    assert np.array_equal(runs[0].keyed["leave"].uniform(31, both), runs[1].keyed["leave"].uniform(31, both))
    for u, v in zip(
        runs[0].keyed["decide"].uniform3(31, deals), runs[1].keyed["decide"].uniform3(31, deals), strict=True
    ):
        assert np.array_equal(u, v)
