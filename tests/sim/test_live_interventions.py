"""Interventions applied live between weeks are the same as the same interventions scheduled."""

import pandas as pd
import pytest

import sim

LIVE = (
    (8, "hire", {"role": "sales", "n": 3}),
    (8, "buy_leads", {"n": 150, "quality": 0.4}),
    (12, "sales_training", {"share": 1.0, "gain": 0.2}),
    (15, "switch_design", {"design": "shared_kpis"}),
)


def _live_run(seed: int) -> sim.TruceModel:
    model = sim.TruceModel("siloed", rng=seed, weeks=30)
    for after, kind, args in LIVE:
        while model.week < after:
            model.step()
        model.apply(sim.Intervention(model.week + 1, kind, **args))
    model.run_model()
    return model


@pytest.mark.parametrize("seed", [0, 5])
def test_live_interventions_replay_bit_for_bit_from_applied(seed):
    live = _live_run(seed)
    assert [a["week"] for a in live.applied] == [9, 9, 13, 16]  # stamped with the coming week
    replay = sim.run(
        "siloed", weeks=30, seed=seed, interventions=[sim.Intervention.from_dict(a) for a in live.applied]
    )
    pd.testing.assert_frame_equal(sim.runner.weekly_frame(live), replay.weekly, check_exact=True)
    # and the live changes really changed the run
    plain = sim.run("siloed", weeks=30, seed=seed)
    assert not plain.weekly["hires_sales"].equals(replay.weekly["hires_sales"])


def test_live_intervention_after_the_last_week_is_refused():
    model = sim.TruceModel("siloed", rng=0, weeks=2)
    model.run_model()
    with pytest.raises(sim.InputError, match="run ended at week 2"):
        model.apply(sim.Intervention(1, "crm", level=0.5))
