"""Conflict and what reduces it: blame costs revenue; shared rewards raise cooperation but not, by
themselves, lower blame; senior-management backing does lower it.

Sources: Homburg, Jensen & Krohmer 2008 and Avlonitis et al. 2010 (conflict lowers performance);
Le Meunier-FitzHugh, Massey & Piercy 2011 (aligned rewards raise collaboration without reducing
conflict; backing raises collaboration and strongly reduces conflict). Every arm is the `siloed`
company, 156 weeks, on common random numbers (`conftest.py`); each assertion is on a paired 95% t
interval of the per-seed differences. N = 10 replications, except N = 40 (`POWERED`) where the effect
is small against the seed-to-seed spread: the revenue effect of blame (per-seed sd of the difference
about 0.5 M EUR on a 1 M effect, measured on 100 seeds) and the blame counts, where an equivalence
test at N = 10 has a 95% interval about ±6 events wide against a margin of about ±9 (sd of the
difference about 9 events).
"""

from __future__ import annotations

from tests.validation.conftest import REPLICATIONS

POWERED = 40


def test_more_blame_lowers_revenue_at_equal_everything_else(lab, record):
    """`blame_rate` (an uncertainty: how readily a miss turns into blaming the other side) 1.0 versus 0,
    nothing else changed: conflict acts through the work (the blamed side's leads taken less and
    later, feedback withheld, messages drifting apart, grudges that breed more blame) as well as on
    trust and morale, and revenue falls by more than 1 % of the blame-free company's, with the whole
    interval (before conflict reached the work it was about half a percent)."""
    treated = lab.arm("blame_rate_1", replications=POWERED, blame_rate=1.0)
    control = lab.arm("blame_rate_0", replications=POWERED, blame_rate=0.0)
    ci = record(
        "total_revenue, blame_rate 1.0 - 0, siloed, 156 weeks", lab.effect(treated, control, "total_revenue")
    )
    revenue = lab.mean(control, "total_revenue").mean
    assert ci.high < -0.01 * revenue, (ci, revenue)


def _siloed(lab):
    """The plain `siloed` company at N = 40: the control of the blame-count tests."""
    return lab.arm(f"siloed_n{POWERED}", replications=POWERED)


def _shared_bonus(lab, replications: int = REPLICATIONS):
    """The `siloed` company with a shared bonus of 0.3 (as in `shared_kpis`) and `free_riding` 0.

    Free-riding lowers selling effort in proportion to the shared share (effort x (1 - free_riding x
    share), ODD 7.10), a capacity cost separate from cooperation; switched off, the arm isolates the
    reward's effect on cooperation. Without a shared bonus `free_riding` acts on nothing, so the plain
    `siloed` arm is the exact control (its runs are identical with `free_riding` 0)."""
    name = "shared_bonus_0.3_no_free_riding"
    if replications != REPLICATIONS:
        name += f"_n{replications}"
    return lab.arm(name, replications=replications, shared_bonus_share=0.3, free_riding=0.0)


def test_shared_bonus_raises_acceptance_of_marketing_leads(lab, record):
    """Aligned rewards raise cooperation: with a shared bonus salespeople take up more of the leads
    marketing hands over (accepted ÷ (accepted + leaked), 156 weeks)."""
    ci = lab.effect(_shared_bonus(lab), lab.arm("siloed"), lab.acceptance)
    record("accepted share of leads leaving the queue, shared_bonus_share 0.3 - 0", ci)
    assert ci.low > 0, ci


def test_shared_bonus_alone_leaves_blame_unchanged_within_25_percent(lab, record):
    """Equivalence, margin ±25% of the `siloed` arm's mean blame events over the run: the shared bonus
    on its own does not reduce conflict (the next test shows what backing does on the same seeds)."""
    base = _siloed(lab)
    margin = 0.25 * lab.mean(base, lab.total("blame_events")).mean
    ci = lab.effect(_shared_bonus(lab, POWERED), base, lab.total("blame_events"))
    record(f"blame events, shared_bonus_share 0.3 - 0, 156 weeks (margin ±{margin:.3g})", ci)
    assert -margin < ci.low and ci.high < margin, (ci, margin)


def test_leadership_backing_reduces_blame_by_more_than_25_percent(lab, record):
    """Backing 1.0 versus the default 0.2 cuts blame events by more than the equivalence margin above
    (25% of the `siloed` mean): the whole interval lies below -25%."""
    base = _siloed(lab)
    margin = 0.25 * lab.mean(base, lab.total("blame_events")).mean
    backing = lab.arm(f"leadership_backing_1_n{POWERED}", replications=POWERED, leadership_backing=1.0)
    ci = lab.effect(backing, base, lab.total("blame_events"))
    record(f"blame events, leadership_backing 1.0 - 0.2, 156 weeks (margin {margin:.3g})", ci)
    assert ci.high < -margin, (ci, margin)
