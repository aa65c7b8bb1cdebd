"""The public API runs every preset end to end."""

import numpy as np
import pytest

import sim


@pytest.mark.parametrize("design", list(sim.designs()))
def test_every_preset_runs_and_records_one_row_per_week(design):
    result = sim.run(design, weeks=30, seed=1)
    assert list(result.weekly.index) == list(range(1, 31))
    assert np.isfinite(result.weekly.to_numpy(dtype=float)).all()
    assert result.summary["total_revenue"] > 0
