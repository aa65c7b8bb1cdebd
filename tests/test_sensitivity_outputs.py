"""The committed sensitivity outputs (docs/sensitivity/, written by its make.py) cover the registry.

A parameter added to the registry (a lever, an uncertainty or a behavioural constant in
sim/constants/) without rerunning the screening fails here: the committed tables would no longer say
how much the model leans on it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

import sim
from experiments.sensitivity import OUTCOMES

DOCS = Path(__file__).resolve().parents[1] / "docs" / "sensitivity"
#: The designs the design-difference screening compares, the first being the baseline.
DESIGNS = ("siloed", "merged", "shared_kpis")


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(DOCS / name)


def test_morris_screening_has_a_row_for_every_parameter_and_headline_outcome():
    table = _read("morris_indices.csv")
    names = {p.name for p in sim.params()}
    assert set(table["metric"]) == set(OUTCOMES.values())
    for metric, rows in table.groupby("metric"):
        screened = set(rows["parameter"])
        assert not names - screened, f"{metric}: not screened: {sorted(names - screened)}"
        assert not screened - names, f"{metric}: not registered: {sorted(screened - names)}"
        assert rows["parameter"].is_unique
    kinds = {p.name: p.kind for p in sim.params()}
    assert (table["kind"] == table["parameter"].map(kinds)).all()


def test_design_screening_covers_every_parameter_the_designs_leave_free():
    table = _read("morris_designs_indices.csv")
    fixed = set().union(*(sim.get_design(d).values for d in DESIGNS))
    free = {p.name for p in sim.params()} - fixed
    assert set(table["design"]) == {f"{d} - {DESIGNS[0]}" for d in DESIGNS[1:]}
    for (design, outcome), rows in table.groupby(["design", "outcome"]):
        screened = set(rows["parameter"])
        assert screened == free, (design, outcome, sorted(free ^ screened))


def test_sobol_parameters_are_registered_and_screened_first():
    sobol, morris = _read("sobol_indices.csv"), _read("morris_indices.csv")
    assert set(sobol["parameter"]) <= set(morris["parameter"])
    assert set(sobol["metric"]) == set(OUTCOMES.values())


def test_every_chart_the_readme_shows_is_committed_and_none_is_stale():
    shown = set(re.findall(r"\]\(([\w-]+\.svg)\)", (DOCS / "README.md").read_text(encoding="utf-8")))
    committed = {p.name for p in DOCS.glob("*.svg")}
    assert shown == committed, sorted(shown ^ committed)
