"""Behavioural constants are registered parameters: declared once with a range and a source, set through
the same validated path as a lever, and never offered as a dashboard lever."""

from __future__ import annotations

import pytest

import sim

CONSTANTS = [p for p in sim.params() if p.kind == "constant"]


def test_every_constant_is_declared_with_a_text_a_source_and_a_default_inside_its_range():
    assert CONSTANTS
    for p in CONSTANTS:
        lo, hi = p.range
        assert lo < hi and lo <= p.default <= hi, p.name
        assert p.description != p.name and p.source and p.unit, p.name
        assert p.group and not p.main, p.name  # grouped by mechanism, never a main (dashboard) lever


def test_a_constant_set_in_a_design_file_reaches_the_model_as_a_keyword_does(tmp_path):
    path = tmp_path / "harsh.toml"
    path.write_text('name = "harsh"\n[levers]\nliaison = false\n[constants]\nblame_trust_hit = 0.1\n')
    design = sim.load_design(path)
    assert design.values["blame_trust_hit"] == 0.1
    from_file = sim.run(path, weeks=26, seed=3).weekly
    keyword = sim.run("siloed", weeks=26, seed=3, blame_trust_hit=0.1).weekly
    default = sim.run("siloed", weeks=26, seed=3).weekly
    assert from_file["trust"].equals(keyword["trust"])
    # a harsher blame costs trust once anyone blames (seed 3 blames in its first half year)
    assert default["blame_events"].sum() > 0
    assert from_file["trust"].iloc[-1] < default["trust"].iloc[-1]


@pytest.mark.parametrize("value", [-0.01, 0.5, float("nan")])
def test_a_constant_outside_its_range_is_refused_naming_it_and_the_range(value):
    with pytest.raises(sim.InputError, match=r"'blame_trust_hit'.*\[0.025, 0.1\]"):
        sim.run("siloed", weeks=4, seed=0, blame_trust_hit=value)
