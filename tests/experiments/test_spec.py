"""The experiment definition: TOML and Python agree, samplers are seeded, bad specs die before any run."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from experiments import Axis, Experiment, Sampling
from experiments.plan import tasks
from experiments.sampling import draw
from sim import InputError

SPECS = "experiments/specs"


def test_toml_spec_and_python_constructor_define_the_same_experiment(spec_file):
    path = spec_file(
        """
        name = "same"
        designs = ["siloed", "merged"]
        replications = 4
        seed = 7
        weeks = 30
        keep = ["revenue"]
        [set]
        accounts = 5000
        [axes.market_complexity]
        values = [0.2, 0.8]
        [[interventions]]
        week = 10
        kind = "hire"
        role = "sales"
        n = 2
        """
    )
    python = Experiment(
        designs=["siloed", "merged"],
        replications=4,
        seed=7,
        weeks=30,
        keep=["revenue"],
        fixed={"accounts": 5000},
        axes=[Axis("market_complexity", values=(0.2, 0.8))],
        sampling=Sampling("factorial"),
        interventions=[sim.Intervention(10, "hire", role="sales", n=2)],
        name="same",
    )
    assert Experiment.from_toml(path).to_dict() == python.to_dict()


def test_example_specs_define_the_sweeps_the_issue_asks_for():
    designs = Experiment.from_toml(f"{SPECS}/designs.toml")
    assert designs.design_names == list(sim.designs())
    assert (designs.replications, len(draw(designs).points)) == (30, 1)

    fixes = Experiment.from_toml(f"{SPECS}/quick_fixes.toml")
    kinds = {d.name: {iv.kind for iv in d.interventions} for d in fixes.designs}
    assert kinds["siloed"] == kinds["shared_kpis"] == set()
    for base in ("siloed", "shared_kpis"):
        assert kinds[f"{base}_training"] == {"sales_training"}
        assert kinds[f"{base}_hiring"] == {"hire"}
        assert kinds[f"{base}_leads"] == {"buy_leads"}
    assert fixes.baseline == "siloed"

    morris = Experiment.from_toml(f"{SPECS}/morris.toml")
    # every lever, uncertainty and behavioural constant; constants over their registry range
    assert {a.name for a in morris.axes} == {p.name for p in sim.params()}
    assert all(
        a.bounds == p.range
        for a in morris.axes
        for p in sim.params()
        if p.name == a.name and p.kind == "constant"
    )
    samples = draw(morris)
    assert morris.sampling.samples == 10  # r = 10 trajectories
    assert samples.raw.shape == (10 * (len(morris.axes) + 1), len(morris.axes))
    for axis in morris.axes:  # integer headcounts and accounts stay in a plausible band, as integers
        spec = next(p for p in sim.params() if p.name == axis.name)
        values = [p[axis.name] for p in samples.points]
        assert all(type(v) is {"int": int, "float": float, "bool": bool}[spec.type] for v in values)
    assert max(p["salespeople"] for p in samples.points) <= 40
    assert max(p["accounts"] for p in samples.points) <= 40_000

    # the design differences: every parameter the designs leave free, over the same bands
    pair = Experiment.from_toml(f"{SPECS}/morris_designs.toml")
    assert pair.design_names == ["siloed", "merged", "shared_kpis"]
    fixed = set().union(*(d.values for d in pair.designs))
    assert {a.name for a in pair.axes} == {p.name for p in sim.params()} - fixed
    bands = {a.name: a.bounds for a in morris.axes}
    assert all(a.bounds == bands[a.name] for a in pair.axes)
    for name in ("sobol.toml", "sobol_noise.toml"):  # a subset of the screened parameters, same bands
        spec = Experiment.from_toml(f"{SPECS}/{name}")
        assert all(a.bounds == bands[a.name] for a in spec.axes), name


def test_samplers_are_seeded_and_integer_parameters_are_rounded_from_the_raw_matrix():
    def lhs(seed: int) -> Experiment:
        return Experiment(
            designs=["siloed"],
            replications=1,
            weeks=10,
            axes=[Axis("salespeople", bounds=(10, 30)), Axis("bass_q", bounds=(0.2, 0.6))],
            sampling=Sampling("lhs", samples=12, seed=seed),
        )

    first, again, other = draw(lhs(1)), draw(lhs(1)), draw(lhs(2))
    assert first.points == again.points and first.points != other.points
    assert np.array_equal(first.raw, again.raw)
    for row, point in zip(first.raw, first.points, strict=True):
        assert point["salespeople"] == round(row[0]) and isinstance(point["salespeople"], int)
        assert point["bass_q"] == row[1]
    # Latin hypercube: one sample in each of the 12 equal strata of every axis
    strata = np.floor((first.raw[:, 1] - 0.2) / 0.4 * 12)
    assert sorted(strata) == list(range(12))


def test_factorial_is_the_full_product_and_sobol_has_saltelli_size():
    factorial = Experiment(
        designs=["siloed"],
        replications=1,
        weeks=10,
        axes=[Axis("liaison", values=(False, True)), Axis("rep_capacity", values=(8, 12, 16))],
        sampling=Sampling("factorial"),
    )
    points = draw(factorial).points
    assert len(points) == 6 and len({tuple(p.values()) for p in points}) == 6
    sobol = Experiment(
        designs=["siloed"],
        replications=1,
        weeks=10,
        axes=[Axis("bass_p", bounds=(0.01, 0.05)), Axis("bass_q", bounds=(0.2, 0.6))],
        sampling=Sampling("sobol", samples=8, seed=3),
    )
    samples = draw(sobol)
    assert samples.raw.shape == (8 * (2 + 2), 2)  # N (D + 2) without second-order indices
    assert samples.manifest(sobol)["X"] == samples.raw.tolist()


def test_common_random_numbers_share_seed_and_initial_market_across_designs(small):
    experiment = small(designs=["siloed", "merged", "three_dimensional"])
    by_pair: dict[tuple[int, int], list] = {}
    for task in tasks(experiment, draw(experiment), skip=set()):
        by_pair.setdefault((task.point, task.replication), []).append(task)
    assert len(by_pair) == 3
    for (_, r), group in by_pair.items():
        assert [t.design.name for t in group] == ["siloed", "merged", "three_dimensional"]
        assert {t.seed_label for t in group} == {f"SeedSequence(0).spawn(3)[{r}]"}
        expected = np.random.SeedSequence(0).spawn(3)[r]
        assert all(t.seed.spawn_key == expected.spawn_key for t in group)
        markets = [sim.TruceModel(t.design, rng=t.seed, weeks=5).market for t in group]
        for market in markets[1:]:  # the going concern at week 0 is the same market in every design
            assert np.array_equal(market.state, markets[0].state)
    first = sim.TruceModel("siloed", rng=by_pair[0, 0][0].seed, weeks=5).market.state
    second = sim.TruceModel("siloed", rng=by_pair[0, 1][0].seed, weeks=5).market.state
    assert not np.array_equal(first, second)  # and replications do differ


BAD = {
    "unknown design": ('designs = ["siloed", "silo"]', "designs[1]", "silo"),
    "unknown parameter in set": ('designs = ["siloed"]\n[set]\nsales_people = 3', "[set]", "sales_people"),
    "unknown parameter axis": (
        'designs = ["siloed"]\n[axes.bass_r]\nvalues = [0.1]',
        "axes.bass_r",
        "bass_r",
    ),
    "unknown column": ('designs = ["siloed"]\nkeep = ["revenue", "revnue"]', "keep", "revnue"),
    "low above high": (
        'designs = ["siloed"]\n[sampling]\nmethod = "lhs"\nsamples = 4\n[axes.bass_q]\nrange = [0.6, 0.2]',
        "axes.bass_q.range",
        "[0.6, 0.2]",
    ),
    "range beyond the parameter's": (
        'designs = ["siloed"]\n[sampling]\nmethod = "morris"\nsamples = 4\n[axes.churn_annual]\n'
        "range = [0.1, 1.5]",
        "axes.churn_annual.range",
        "1.5",
    ),
    "value out of range": ('designs = ["siloed"]\n[set]\nfeedback_probability = 2.0', "[set]", "2.0"),
    "malformed TOML": ('designs = ["siloed"\nweeks = 10', "malformed TOML", "line"),
    "unknown key": ('designs = ["siloed"]\nreplicatons = 5', "replicatons", "replicatons"),
    "intervention beyond horizon": (
        'designs = ["siloed"]\nweeks = 20\n[[interventions]]\nweek = 30\nkind = "crm"',
        "interventions",
        "30",
    ),
    "switch to unknown design": (
        'designs = ["siloed"]\n[[interventions]]\nweek = 5\nkind = "switch_design"\ndesign = "mergd"',
        "design",
        "mergd",
    ),
    "baseline not compared": ('designs = ["siloed"]\nbaseline = "merged"', "baseline", "merged"),
    "sobol needs a power of two": (
        'designs = ["siloed"]\n[sampling]\nmethod = "sobol"\nsamples = 6\n[axes.bass_q]\nrange = [0.2, 0.4]',
        "sampling.samples",
        "6",
    ),
    "zero replications": ('designs = ["siloed"]\nreplications = 0', "replications", "0"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_spec_is_rejected_with_one_line_naming_file_key_and_value(case, spec_file):
    text, key, value = BAD[case]
    path = spec_file(text)
    with pytest.raises(InputError) as err:
        Experiment.from_toml(path)
    message = str(err.value)
    assert "\n" not in message
    assert str(path) in message and key in message and value in message, message


def test_points_impossible_together_are_rejected_before_any_run(tmp_path):
    experiment = Experiment(
        designs=["siloed", "three_dimensional"],  # three_dimensional pays a 0.4 retention bonus
        replications=1,
        weeks=10,
        axes=[Axis("shared_bonus_share", values=(0.2, 0.8))],
        sampling=Sampling("factorial"),
        source="combo.toml",
    )
    with pytest.raises(InputError, match=r"combo\.toml: sample point 1: .*shared_bonus_share"):
        experiment.run(tmp_path / "out", progress=False)
    assert not (tmp_path / "out").exists()  # nothing was started


#: Specs that each value alone allows but `sim.resolve` refuses for one design: (spec, design file, key).
IMPOSSIBLE_RUNS = {
    "[set] against a design's pay": (
        'designs = ["siloed", "three_dimensional"]\n[set]\nshared_bonus_share = 0.8',
        None,
        "designs[1]",
    ),
    "a design file's own schedule": (
        'designs = ["siloed", "{design}"]\nweeks = 20',
        '[levers]\nretention_bonus_share = 0.4\n[[interventions]]\nweek = 15\nkind = "set"\n'
        'param = "shared_bonus_share"\nvalue = 0.9\n',
        "designs[1]",
    ),
}


@pytest.mark.parametrize("case", list(IMPOSSIBLE_RUNS))
def test_a_run_impossible_for_one_design_is_refused_when_the_spec_is_read(case, spec_file, monkeypatch):
    text, design_text, key = IMPOSSIBLE_RUNS[case]
    if design_text is not None:
        design = spec_file(design_text)
        text = text.format(design=design)
    built: list[object] = []
    monkeypatch.setattr(sim.TruceModel, "__init__", lambda self, *args, **kwargs: built.append(args))
    path = spec_file(text)
    with pytest.raises(InputError) as err:
        Experiment.from_toml(path)
    message = str(err.value)
    assert "\n" not in message
    assert str(path) in message and key in message, message
    assert "shared_bonus_share + retention_bonus_share" in message, message
    assert not built  # refused by resolving, before any model exists
