"""Bad input is refused, never clamped: `sim.InputError` with one line naming file, key, value and range.

Every way in is covered: `sim.run` keywords, `sim.TruceModel`, `sim.load_design` on a TOML file, and
interventions (built in Python or read from a design file). For names that do not exist (a parameter, a
top-level key, a design, an intervention kind or argument) there is no value or range to name, so the
message must name the key and what is allowed instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import sim


def _message(excinfo: pytest.ExceptionInfo) -> str:
    message = str(excinfo.value)
    assert "\n" not in message, f"the message is not one line: {message!r}"
    assert "Traceback" not in message
    return message


def _assert_names(message: str, *fragments: str) -> None:
    missing = [f for f in fragments if f not in message]
    assert not missing, f"message {message!r} does not name {missing}"


def _design_file(tmp_path: Path, text: str, name: str = "my_company.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------- keyword arguments
@pytest.mark.parametrize("entry", ["run", "model"])
@pytest.mark.parametrize(
    ("key", "value", "fragments"),
    [
        ("lead_sla_hours", "fast", ("'fast'", "float", "[0.0, 168.0]")),  # wrong type
        ("salespeople", 2.5, ("2.5", "int", "[1, 10000]")),  # not a whole number
        ("liaison", 2, ("2", "bool")),  # not a boolean
        ("accounts", 5, ("5", "[1000, 2000000]")),  # out of range (an uncertainty)
        ("shared_bonus_share", 1.5, ("1.5", "[0.0, 1.0]")),  # out of range (a lever)
        ("lead_sla_hours", -0.5, ("-0.5", "[0.0, 168.0]")),  # below the range
        ("lead_sla_hours", float("nan"), ("nan", "[0.0, 168.0]")),  # NaN is out of every range
    ],
)
def test_bad_parameter_value_is_refused_with_key_value_and_range(entry, key, value, fragments):
    with pytest.raises(sim.InputError) as excinfo:
        if entry == "run":
            sim.run("siloed", weeks=2, **{key: value})
        else:
            sim.TruceModel("siloed", weeks=2, **{key: value})
    _assert_names(_message(excinfo), f"'{key}'", *fragments)


@pytest.mark.parametrize("entry", ["run", "model"])
def test_unknown_parameter_is_refused_with_a_suggestion(entry):
    with pytest.raises(sim.InputError) as excinfo:
        if entry == "run":
            sim.run("siloed", weeks=2, lead_sla_hour=24.0)
        else:
            sim.TruceModel("siloed", weeks=2, lead_sla_hour=24.0)
    _assert_names(_message(excinfo), "'lead_sla_hour'", "lead_sla_hours")


def test_a_bad_keyword_argument_is_named_as_one_not_as_a_key_of_the_design_file():
    with pytest.raises(sim.InputError) as excinfo:
        sim.TruceModel("siloed", weeks=2, bogus=1)
    message = _message(excinfo)
    _assert_names(message, "keyword arguments", "'bogus'")
    assert "siloed.toml" not in message


def test_unknown_parameter_without_a_near_match_is_still_named():
    with pytest.raises(sim.InputError) as excinfo:
        sim.run("siloed", weeks=2, bogus=1)
    _assert_names(_message(excinfo), "'bogus'", "unknown parameter")


@pytest.mark.parametrize("weeks", [0, -3, 2.5, "10", True])
def test_bad_horizon_is_refused(weeks):
    with pytest.raises(sim.InputError) as excinfo:
        sim.run("siloed", weeks=weeks)
    _assert_names(_message(excinfo), "weeks", repr(weeks), "int >= 1")


def test_boundary_values_are_accepted_exactly_as_given():
    """Nothing is clamped or rounded: a value on the edge of its range is used as it is."""
    result = sim.run("siloed", weeks=1, lead_sla_hours=168.0, accounts=1000, shared_bonus_share=1.0)
    assert result.params["lead_sla_hours"] == 168.0
    assert result.params["accounts"] == 1000
    assert result.params["shared_bonus_share"] == 1.0
    assert result.weekly.filter(like="accounts_").sum(axis=1).iloc[0] == 1000


@pytest.mark.parametrize("entry", ["run", "model"])
def test_unknown_design_name_is_refused_listing_the_presets(entry):
    with pytest.raises(sim.InputError) as excinfo:
        if entry == "run":
            sim.run("silod", weeks=2)
        else:
            sim.TruceModel("silod", weeks=2)
    _assert_names(_message(excinfo), "'silod'", *sim.designs())


def test_missing_design_file_is_refused_naming_it(tmp_path):
    path = tmp_path / "nowhere.toml"
    with pytest.raises(sim.InputError) as excinfo:
        sim.run(str(path), weeks=2)
    _assert_names(_message(excinfo), str(path), "not found")


# ---------------------------------------------------------------------- design files
def test_malformed_toml_is_refused_naming_the_file_and_the_place(tmp_path):
    path = _design_file(tmp_path, 'name = "x"\n[levers]\nlead_sla_hours = \n')
    for load in (sim.load_design, lambda p: sim.run(p, weeks=2), lambda p: sim.TruceModel(p, weeks=2)):
        with pytest.raises(sim.InputError) as excinfo:
            load(path)
        _assert_names(_message(excinfo), str(path), "malformed TOML", "line 3")


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("[levers]\nlead_sla_hours = 500.0\n", ("[levers]", "'lead_sla_hours'", "500.0", "[0.0, 168.0]")),
        ('[levers]\nlead_sla_hours = "fast"\n', ("[levers]", "'lead_sla_hours'", "'fast'", "float")),
        ("[levers]\nsalespeople = 2.5\n", ("[levers]", "'salespeople'", "2.5", "int")),
        ("[uncertainties]\naccounts = 5\n", ("[uncertainties]", "'accounts'", "5", "[1000, 2000000]")),
    ],
    ids=["out-of-range", "wrong-type", "not-whole", "uncertainty-out-of-range"],
)
def test_bad_value_in_a_design_file_is_refused_naming_file_key_value_and_range(tmp_path, text, fragments):
    path = _design_file(tmp_path, text)
    with pytest.raises(sim.InputError) as excinfo:
        sim.load_design(path)
    _assert_names(_message(excinfo), str(path), *fragments)


def test_unknown_parameter_in_a_design_file_is_refused_with_a_suggestion(tmp_path):
    path = _design_file(tmp_path, "[levers]\nlead_sla_hour = 24.0\n")
    with pytest.raises(sim.InputError) as excinfo:
        sim.load_design(path)
    _assert_names(_message(excinfo), str(path), "'lead_sla_hour'", "lead_sla_hours")


def test_unknown_top_level_key_is_refused_listing_the_allowed_keys(tmp_path):
    path = _design_file(tmp_path, 'name = "x"\nlever = 1\n')
    with pytest.raises(sim.InputError) as excinfo:
        sim.load_design(path)
    _assert_names(_message(excinfo), str(path), "'lever'", "levers", "uncertainties", "interventions")


@pytest.mark.parametrize(
    ("table", "key", "value", "belongs"),
    [
        ("uncertainties", "lead_sla_hours", "24.0", "levers"),
        ("levers", "accounts", "5000", "uncertainties"),
        ("levers", "blame_trust_hit", "0.08", "constants"),
        ("constants", "liaison", "true", "levers"),
    ],
)
def test_parameter_in_the_wrong_table_is_refused(tmp_path, table, key, value, belongs):
    path = _design_file(tmp_path, f"[{table}]\n{key} = {value}\n")
    with pytest.raises(sim.InputError) as excinfo:
        sim.load_design(path)
    _assert_names(_message(excinfo), str(path), f"'{key}'", f"[{belongs}]", f"[{table}]")


def test_table_that_is_not_a_table_is_refused(tmp_path):
    path = _design_file(tmp_path, "levers = 3\n")
    with pytest.raises(sim.InputError) as excinfo:
        sim.load_design(path)
    _assert_names(_message(excinfo), str(path), "[levers]")


@pytest.mark.parametrize(
    ("body", "fragments"),
    [
        ('kind = "fire"', ("'fire'", "sales_training", "hire", "switch_design")),
        ('kind = "hire"\nhow_many = 3', ("'how_many'", "role", "n")),
        ('kind = "hire"\nn = 0', ("hire.n", "0", "[1, 10000]")),
        ('kind = "hire"\nrole = "legal"', ("'legal'", "marketing", "sales", "service")),
        ('kind = "sales_training"\ngain = 2.0', ("gain", "2.0", "[0.0, 1.0]")),
        ('kind = "set"\nparam = "accounts"\nvalue = 5.0', ("'accounts'", "5.0", "[1000, 2000000]")),
    ],
    ids=["unknown-kind", "unknown-argument", "argument-out-of-range", "bad-role", "gain", "set-range"],
)
def test_bad_intervention_in_a_design_file_is_refused_naming_file_and_entry(tmp_path, body, fragments):
    path = _design_file(tmp_path, f"[[interventions]]\nweek = 3\n{body}\n")
    with pytest.raises(sim.InputError) as excinfo:
        sim.load_design(path)
    _assert_names(_message(excinfo), str(path), "[[interventions]] #1", *fragments)


# ---------------------------------------------------------------------- interventions
@pytest.mark.parametrize(
    ("make", "fragments"),
    [
        (lambda: sim.Intervention(3, "fire"), ("'fire'", "hire")),
        (lambda: sim.Intervention(3, "hire", how_many=3), ("'how_many'", "role, n")),
        (lambda: sim.Intervention(3, "hire", n=0), ("hire.n", "0", "[1, 10000]")),
        (lambda: sim.Intervention(3, "hire", n=2.5), ("hire.n", "2.5", "int")),
        (lambda: sim.Intervention(3, "buy_leads", quality=1.5), ("quality", "1.5", "[0.0, 1.0]")),
        (lambda: sim.Intervention(3, "liaison", on="yes"), ("liaison.on", "'yes'", "bool")),
        (lambda: sim.Intervention(3, "set", param="bogus", value=1.0), ("'bogus'",)),
        (lambda: sim.Intervention(0, "hire"), ("week", "0", "int >= 1")),
    ],
    ids=["kind", "argument", "range", "type", "quality", "bool", "set-unknown", "week"],
)
def test_bad_intervention_is_refused_when_built(make, fragments):
    with pytest.raises(sim.InputError) as excinfo:
        make()
    _assert_names(_message(excinfo), *fragments)


@pytest.mark.parametrize("entry", ["run", "model"])
def test_intervention_beyond_the_horizon_is_refused(entry):
    late = [sim.Intervention(11, "hire", role="sales", n=2)]
    with pytest.raises(sim.InputError) as excinfo:
        if entry == "run":
            sim.run("siloed", weeks=10, interventions=late)
        else:
            sim.TruceModel("siloed", weeks=10, interventions=late)
    _assert_names(_message(excinfo), "hire", "week", "11", "1..10")


def test_intervention_beyond_the_horizon_in_a_design_file_names_the_file(tmp_path):
    path = _design_file(
        tmp_path, 'name = "my_company"\n[[interventions]]\nweek = 300\nkind = "hire"\n', "x.toml"
    )
    with pytest.raises(sim.InputError) as excinfo:
        sim.run(path, weeks=10)
    _assert_names(_message(excinfo), str(path), "week", "300", "1..10")


def test_live_intervention_with_a_bad_argument_is_refused_and_changes_nothing():
    model = sim.TruceModel("siloed", rng=1, weeks=5)
    model.step()
    before = model.p
    with pytest.raises(sim.InputError):
        model.apply(sim.Intervention.from_dict({"week": 1, "kind": "set", "param": "accounts", "value": 5.0}))
    assert model.p is before


def test_a_sub_hour_sla_is_a_valid_lever_value():
    """Any SLA in the registry's range runs, even one tighter than the shortest modelled contact."""
    result = sim.run("shared_kpis", weeks=12, seed=0, lead_sla_hours=0.1)
    assert result.summary["lead_response_hours"] > 0


def test_scheduled_changes_that_break_the_pay_rule_are_refused_before_week_1(tmp_path):
    """Each `set` is valid alone; together, in week 15, the bonus shares exceed variable pay. The file
    is refused when the run is built, naming the file, the week and the rule, not in week 15."""
    path = _design_file(
        tmp_path,
        'name = "my_company"\n'
        '[[interventions]]\nweek = 10\nkind = "set"\nparam = "shared_bonus_share"\nvalue = 0.6\n'
        '[[interventions]]\nweek = 15\nkind = "set"\nparam = "retention_bonus_share"\nvalue = 0.5\n',
        "x.toml",
    )
    with pytest.raises(sim.InputError) as excinfo:
        sim.TruceModel(path, weeks=20)
    _assert_names(_message(excinfo), str(path), "week 15", "0.6 + 0.5", "sum <= 1")


def test_switching_to_a_design_whose_bonus_breaks_the_pay_rule_is_refused_before_week_1(tmp_path):
    """A design file that sets only a shared bonus of 0.5; switching to it from a company paying a
    retention bonus of 0.9 is impossible, and the run is refused before it starts."""
    target = _design_file(tmp_path, 'name = "bonus_heavy"\n[levers]\nshared_bonus_share = 0.5\n', "b.toml")
    switch = [sim.Intervention(5, "switch_design", design=str(target))]
    with pytest.raises(sim.InputError) as excinfo:
        sim.run("siloed", weeks=10, interventions=switch, retention_bonus_share=0.9)
    _assert_names(_message(excinfo), "switch_design", "week 5", "0.5 + 0.9", "sum <= 1")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
@pytest.mark.parametrize("name", ["accounts", "bass_q"])
def test_a_non_finite_value_is_refused_by_name_for_int_and_float_parameters(name, value):
    """NaN and infinity are out of every range, for integer parameters too (no conversion error)."""
    with pytest.raises(sim.InputError) as excinfo:
        sim.resolve("siloed", **{name: value})
    _assert_names(_message(excinfo), name, repr(value))
