"""Held out: blame is self-reinforcing, and an effective liaison breaks the loop (CALIBRATION.md,
test-band table; Repenning & Sterman 2002; Dewsnap & Jobber 2009).

The company is `siloed` with no feedback (`feedback_probability` 0) and no liaison. The shock:
`blame_rate` (an uncertainty) at its maximum for a quarter, weeks 53-65, and back at its default from
week 66 on, against the same company without the shock on common random numbers (N = 20, 156 weeks).
Conflict fades by 10 % a week (ODD 7.16), so by the window measured here, weeks 79-156 (from a
quarter after the shock ended), what remains of the shock is what the loop kept alive: grudges that
breed blame and the blamed side's leads taken less (ODD 7.15). Information shared is the accepted
share of marketing's leads leaving the hand-off queue: with feedback off, the lead is what marketing
still hands over, and conflict withholds its uptake (willingness x (1 - hostility), ODD 7.7 and 7.15).
Every assertion is on a paired 95 % t interval of the per-seed differences.

Measured (December 2026, with deals timed to quotas and word of mouth in salience): the model does
not show the loop. The shock adds 6.95 blame events [5.61, 8.30] while it lasts; afterwards the excess
fades with conflict's own decay: weeks 79-156 +0.5 [-2.98, +3.98] on 21.3 (N = 20; +0.15 [-1.94,
+2.24] on 20.1 with 40 other seeds, run once outside the suite); the accepted share of marketing's
leads is not lower (-0.002 [-0.013, +0.008]); what lasts is message consistency (week 156: -0.0032
[-0.0047, -0.0017]), a stock that restores slowly, not more blame. The loop's gain is set by two
assumed constants: with grudges kept at the top of their range (`conflict_memory_weekly` 0.97, a
half-life of 23 weeks instead of 6.6) the later excess is +0.55 [-1.69, +2.79] on 23.3, and with a
grudge also doubling the chance to blame (`blame_per_hostility` 2) +2.92 [-0.07, +5.92] on 28.3, the
accepted share -0.01 [-0.02, -0.00] (40 seeds each); nothing here is tuned to bring the rows in.
N stays 20: at N = 40 the loop's intervals still include 0.
"""

from __future__ import annotations

import pandas as pd
import pytest

import sim

N, WEEKS = 20, 156
SHOCK_FIRST, SHOCK_LAST = 53, 65
LATER = (79, 156)
_BLAME = next(p for p in sim.params() if p.name == "blame_rate")
SHOCK = (
    sim.Intervention(SHOCK_FIRST, "set", param="blame_rate", value=_BLAME.range[1]),
    sim.Intervention(SHOCK_LAST + 1, "set", param="blame_rate", value=_BLAME.default),
)
#: No feedback, no liaison; and the effective liaison that should break the loop.
NO_FEEDBACK = {"feedback_probability": 0.0}
LIAISON = {**NO_FEEDBACK, "liaison": True, "liaison_effectiveness": 0.9}


def _arms(lab, liaison: bool):
    """(shocked, unshocked) companies, without or with an effective liaison."""
    values, tag = (LIAISON, "liaison_0.9") if liaison else (NO_FEEDBACK, "no_liaison")
    shocked = lab.arm(f"blame_shock_{tag}", weeks=WEEKS, replications=N, interventions=SHOCK, **values)
    calm = lab.arm(f"blame_calm_{tag}", weeks=WEEKS, replications=N, **values)
    return shocked, calm


def later_blame(w: pd.DataFrame) -> float:
    """Blame events in weeks 79-156 (13 weeks after the shock ended, to the end of the run)."""
    return float(w.loc[LATER[0] : LATER[1], "blame_events"].sum())


def later_acceptance(w: pd.DataFrame) -> float:
    """Accepted ÷ (accepted + leaked) of the leads leaving the hand-off queue, weeks 79-156."""
    late = w.loc[LATER[0] : LATER[1]]
    accepted = float(late["leads_accepted"].sum())
    return accepted / (accepted + float(late["leads_leaked"].sum()))


def test_the_shock_raises_blame_while_it_lasts(lab, record):
    """Manipulation check: blame events in weeks 53-65 rise with `blame_rate` at its maximum."""
    shocked, calm = _arms(lab, liaison=False)
    ci = record(
        "blame events weeks 53-65, shock - none, no feedback, no liaison",
        lab.effect(shocked, calm, lab.total("blame_events", SHOCK_FIRST, SHOCK_LAST)),
    )
    assert ci.low > 0, ci


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="held out; measured +0.5 blame events, 95 % CI [-2.98, +3.98] over weeks 79-156 (no-shock "
    "company 21.3): no lasting rise; with 40 other seeds +0.15 [-1.94, +2.24]; not tuned",
)
def test_a_blame_shock_raises_later_blame_without_feedback_or_liaison(lab, record):
    """Blame events in weeks 79-156 are higher after the shock: the whole interval above 0."""
    shocked, calm = _arms(lab, liaison=False)
    record("blame events weeks 79-156, no shock, no feedback, no liaison", lab.mean(calm, later_blame))
    ci = record(
        "blame events weeks 79-156, shock - none, no feedback, no liaison",
        lab.effect(shocked, calm, later_blame),
    )
    assert ci.low > 0, ci


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="held out; measured -0.002, 95 % CI [-0.013, +0.008] in the accepted share of marketing's leads "
    "over weeks 79-156: not lower; not tuned",
)
def test_a_blame_shock_lowers_later_uptake_of_marketing_leads(lab, record):
    """Information shared falls: the accepted share of marketing's leads in weeks 79-156 is lower
    after the shock, the whole interval below 0."""
    shocked, calm = _arms(lab, liaison=False)
    record(
        "message consistency, week 156, shock - none (not asserted)",
        lab.effect(shocked, calm, lambda w: float(w.loc[WEEKS, "message_consistency"])),
    )
    ci = record(
        "accepted share of leads weeks 79-156, shock - none, no feedback, no liaison",
        lab.effect(shocked, calm, later_acceptance),
    )
    assert ci.high < 0, ci


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="held out; measured +0.9 blame events, 95 % CI [-3.3, +5.1] (without a liaison the shock leaves "
    "+0.5 [-2.98, +3.98], with one -0.4 [-1.97, +1.17]): no loop for the liaison to break; not tuned",
)
def test_an_effective_liaison_shrinks_the_shocks_effect_on_later_blame(lab, record):
    """Difference of effects on blame in weeks 79-156: (shock - none) without a liaison minus
    (shock - none) with a liaison at effectiveness 0.9, the whole interval above 0."""
    with_liaison = _arms(lab, liaison=True)
    record(
        "blame events weeks 53-65, shock - none, liaison 0.9",
        lab.effect(*with_liaison, lab.total("blame_events", SHOCK_FIRST, SHOCK_LAST)),
    )
    record("blame events weeks 79-156, shock - none, liaison 0.9", lab.effect(*with_liaison, later_blame))
    ci = record(
        "blame events weeks 79-156, shock effect without liaison - with liaison 0.9",
        lab.difference_of_effects(_arms(lab, liaison=False), with_liaison, later_blame),
    )
    assert ci.low > 0, ci


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="held out; measured -0.4 blame events, 95 % CI [-1.97, +1.17], margin ±1.7: not resolved at "
    "N = 20 (with 40 other seeds -0.15 [-1.15, +0.85]), and without a liaison the shock leaves no "
    "lasting rise to break either; not tuned",
)
def test_with_an_effective_liaison_the_shock_leaves_later_blame_unchanged_within_25_percent(lab, record):
    """Equivalence, margin ±25 % of the unshocked liaison company's mean blame events in weeks
    79-156 (the suite's convention for blame, `test_conflict_and_rewards.py`): the loop is broken."""
    shocked, calm = _arms(lab, liaison=True)
    margin = 0.25 * lab.mean(calm, later_blame).mean
    ci = record(
        f"blame events weeks 79-156, shock - none, liaison 0.9 (margin ±{margin:.3g})",
        lab.effect(shocked, calm, later_blame),
    )
    assert -margin < ci.low and ci.high < margin, (ci, margin)
