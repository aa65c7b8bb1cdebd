"""The dashboard's session rules without a browser: lockstep, live interventions, exact exports."""

from __future__ import annotations

import tomllib

import pandas as pd
import pytest

import sim
from dashboards.panels import BUTTONS, intervention_args
from dashboards.session import Config, Session


def test_side_by_side_runs_in_lockstep_on_one_seed():
    session = Session(Config(design="siloed", compare="siloed", seed=4))
    session.step(3)
    a, b = (run.weekly() for run in session.runs)
    assert session.week == 3
    pd.testing.assert_frame_equal(a, b)  # same design, same seed: same market luck


def test_exported_design_reruns_to_the_same_weeks(tmp_path):
    session = Session(Config(design="siloed", compare="merged", seed=7, levers={"lead_sla_hours": 24.0}))
    session.step(4)
    for kind in BUTTONS:  # every button, including hires and bought leads
        session.intervene(kind, "both", **intervention_args(kind))
    session.intervene("switch_design", "A", design="shared_kpis")
    session.step(4)
    for run in session.runs:
        path = tmp_path / f"{run.label}.toml"
        path.write_text(session.toml(run, "test"), encoding="utf-8")
        table = tomllib.loads(path.read_text(encoding="utf-8"))
        assert len(table["interventions"]) == len(BUTTONS) + (run.label == "A")
        rerun = sim.run(str(path), weeks=session.week, seed=session.config.seed)
        pd.testing.assert_frame_equal(rerun.weekly, run.weekly(), check_dtype=False)


def test_bad_configuration_raises_and_keeps_the_running_models():
    session = Session()
    session.step(2)
    with pytest.raises(sim.InputError):
        session.reset(Config(seed=-1))
    assert session.week == 2


def test_sessions_do_not_share_models():
    first, second = Session(), Session()
    first.step(2)
    assert second.week == 0


def test_a_prepared_week_is_the_week_a_step_computes():
    """Step takes the week `prepare` computed on copies, and ends exactly where computing it would."""
    config = Config(design="siloed", compare="merged", seed=5)
    plain, prepared = Session(config), Session(config)
    for week in range(1, 5):
        version, ahead = prepared.prepare()
        plain.step()
        prepared.step()
        assert prepared.week == week and prepared.version == version
        assert [run.model for run in prepared.runs] == [run.model for run in ahead]  # taken, not redone
    for a, b in zip(plain.runs, prepared.runs, strict=True):
        pd.testing.assert_frame_equal(a.weekly(), b.weekly(), check_exact=True)


def test_an_intervention_makes_a_prepared_week_stale():
    config = Config(design="siloed", compare="merged", seed=5)
    plain, prepared = Session(config), Session(config)
    plain.step(2)
    prepared.step(2)
    _, ahead = prepared.prepare()
    for session in (plain, prepared):
        session.intervene("hire", "both", role="sales", n=3)
        session.step(2)
    assert all(run.model is not early.model for run, early in zip(prepared.runs, ahead, strict=True))
    for a, b in zip(plain.runs, prepared.runs, strict=True):
        pd.testing.assert_frame_equal(a.weekly(), b.weekly(), check_exact=True)
        assert a.weekly()["hires_sales"].sum() == b.weekly()["hires_sales"].sum() > 0
