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


#: Float literals that may stay in the model's code, by file: units, published tables, guards and
#: placeholders, each with its reason. Any other float in a formula is a behavioural constant and
#: belongs in sim/constants/ (tolerances below 1e-6, 0.0 and 1.0 are always allowed).
ALLOWED = {
    "lead_outcomes.py": {168.0, 2.0, 24.0},  # hours a week; Oldroyd et al.'s response curve (1 h, 2 h, 24 h)
    "market.py": {1.5, 2.0, 3.0, 6.0, 0.75, 0.5, 0.3, 0.15},  # Forrester's table; sampling headroom 1.5
    "people.py": {40.0},  # a working week
    "organisation.py": {0.02},  # guard against a zero churn rate (the score's cap binds first)
    "staff.py": {0.6},  # a column's placeholder, overwritten at hire
}
#: Modules that hold no behaviour: run-time estimates, random streams, files, the alignment instrument.
NOT_BEHAVIOUR = {"budget.py", "rng.py", "files.py", "compiled.py", "alignment.py", "interventions.py"}


def test_no_behavioural_number_is_left_in_the_model_code():
    import ast
    from pathlib import Path

    found = []
    for path in sorted(Path(sim.__file__).parent.glob("*.py")):
        if path.name in NOT_BEHAVIOUR:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            value = getattr(node, "value", None)
            allowed = {0.0, 1.0} | ALLOWED.get(path.name, set())
            if (
                isinstance(node, ast.Constant)
                and type(value) is float
                and abs(value) >= 1e-6
                and value not in allowed
            ):
                found.append(f"{path.name}:{node.lineno}: {value}")
    assert found == [], "register these in sim/constants/ (or allow them here, with the reason)"
