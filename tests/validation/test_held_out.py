"""The held-out rows of CALIBRATION.md's test-band table: patterns that were never fitted.

Each band is checked on the default company through the experiments layer with N = 10 replications
on common random numbers (`conftest.py`). CALIBRATION.md measures a band as the mean over seeds 0-19
of 260-week runs; here the shorter horizon of the shared arms is used (annual rates and shares from
week 53 on, as in the calibration), and a band counts as met when the whole 95% t interval (paired,
for the `shared_kpis` comparison) lies inside it. Nothing is tuned to bring a row in (issue 5); a row
outside its band would be a strict expected failure, documented in docs/ODD.md, "Known divergences".
"""

from __future__ import annotations

import sim

TRAINING_WEEK, TRAINING_GAIN = 13, 0.2


def test_shared_kpis_leaks_at_least_10_points_fewer_marketing_leads_than_siloed(lab, record):
    """Band: `lead_leakage_share` in `shared_kpis` (SLA + meetings) at least 0.10 below `siloed`."""
    ci = record(
        "lead_leakage_share, shared_kpis - siloed, 156 weeks",
        lab.effect(lab.arm("shared_kpis", "shared_kpis"), lab.arm("siloed"), "lead_leakage_share"),
    )
    assert ci.high < -0.10, ci


def _retained(weeks_after: int):
    """Share of the training gain left `weeks_after` weeks after the training: the training applies at
    the start of week w and a week's row is recorded at its end, so row w + k - 1 is the state k weeks
    on (as `benchmarks/calibrate.py` measures it)."""
    return lambda w: float(w.loc[TRAINING_WEEK + weeks_after - 1, "training_gain"]) / TRAINING_GAIN


def _training_arm(lab):
    training = [sim.Intervention(TRAINING_WEEK, "sales_training", gain=TRAINING_GAIN, share=1.0)]
    return lab.arm("sales_training", weeks=TRAINING_WEEK + 26, interventions=training)


def test_one_off_training_keeps_13_to_25_percent_of_its_gain_after_4_weeks(lab, record):
    """Band 0.13-0.25 of the gain left after 4 weeks without reinforcement (`siloed`: coaching only)."""
    ci = record("training gain left after 4 weeks", lab.mean(_training_arm(lab), _retained(4)))
    assert ci.low >= 0.13 and ci.high <= 0.25, ci


def test_one_off_training_fades_to_at_most_5_percent_by_week_26(lab, record):
    """Band ≤ 0.05 of the gain left after 26 weeks without reinforcement."""
    ci = record("training gain left after 26 weeks", lab.mean(_training_arm(lab), _retained(26)))
    assert ci.high <= 0.05, ci


def test_share_of_reps_at_quota_lies_in_the_published_band(lab, record):
    """Band: 45-65% of rep-quarters at or above quota (CSO Insights, ~54-60%). Quotas are set top-down
    from the plan (ODD 7.18) and salespeople time their deals to them, holding deals over once the
    quota is made and pulling them in when behind late in the quarter (Oyer 1998; Larkin 2014; ODD
    7.10); before deal timing entered the model (December 2026) this row failed at 0.426."""
    ci = _siloed_mean(lab, record, "reps_at_quota_share")
    assert ci.low >= 0.45 and ci.high <= 0.65, ci


def test_first_contact_delay_of_accepted_leads_in_siloed_lies_in_tens_of_hours(lab, record):
    """Band: a mean first contact of ≈ 24-72 h (Oldroyd, McElheran & Elkington 2011: 42 h). The 42 h
    is their mean over ordinary firms, so it applies at an ordinary desk (full, medium friction) and
    this firm's load and friction scale it from there (ODD 7.7); before December 2026 it was applied
    as the delay at normal load and then scaled again, and this row failed at 77 h."""
    ci = _siloed_mean(lab, record, "lead_response_hours")
    assert ci.low >= 24.0 and ci.high <= 72.0, ci


def _siloed_mean(lab, record, column: str):
    """The default company's mean of a summary column over the validation seeds, recorded."""
    return record(f"{column}, siloed, weeks 53-156", lab.mean(lab.arm("siloed"), column))
