"""The run contract: `sim.resolve` validates a whole run once, and its `RunSpec` runs as the arguments do."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest

import sim

#: Raises the shared bonus in week 150: fine alone, but three_dimensional already pays a 0.4
#: retention bonus, so from then on the two bonus shares would exceed the whole of variable pay.
LATE_RAISE = sim.Intervention(150, "set", param="shared_bonus_share", value=0.9)


def test_run_spec_and_its_parameters_are_frozen():
    run = sim.resolve("merged", weeks=52, accounts=3000)
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.weeks = 104  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.params.accounts = 5000  # type: ignore[misc]
    assert (run.weeks, run.params.accounts, run.design.name) == (52, 3000, "merged")


def test_a_set_that_breaks_the_pay_rule_later_is_refused_at_resolve_time():
    sim.resolve("siloed", weeks=200, interventions=[LATE_RAISE])  # no retention bonus: 0.9 alone is fine
    with pytest.raises(sim.InputError) as err:
        sim.resolve("three_dimensional", weeks=200, interventions=[LATE_RAISE])
    message = str(err.value)
    assert "three_dimensional" in message and "week 150" in message, message
    assert "shared_bonus_share + retention_bonus_share" in message and "0.9" in message, message


def test_a_design_file_whose_own_schedule_breaks_the_pay_rule_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "late_raise.toml"
    path.write_text(
        '[levers]\nretention_bonus_share = 0.4\n[[interventions]]\nweek = 150\nkind = "set"\n'
        'param = "shared_bonus_share"\nvalue = 0.9\n',
        encoding="utf-8",
    )
    expected = f"{path}: intervention set in week 150: shared_bonus_share + retention_bonus_share"
    with pytest.raises(sim.InputError, match=re.escape(expected)):
        sim.resolve(path, weeks=200)


def test_a_run_spec_runs_to_the_same_record_as_the_same_arguments_given_directly():
    args = {
        "weeks": 30,
        "interventions": [
            sim.Intervention(5, "hire", role="sales", n=2),
            sim.Intervention(10, "set", param="lead_sla_hours", value=12.0),
        ],
        "accounts": 3000,
    }
    direct = sim.run("merged", seed=4, **args)
    resolved = sim.run(sim.resolve("merged", **args), seed=4)
    pd.testing.assert_frame_equal(resolved.weekly, direct.weekly, check_exact=True)
    assert resolved.summary == direct.summary
    assert resolved.params == direct.params and resolved.interventions == direct.interventions
