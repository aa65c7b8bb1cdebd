"""Marketing's week: brand versus demand, campaigns that hand scored leads over, and learning from
sales' reports — the only way a marketer's lead scoring improves.

Marketers have a long horizon and a brand-versus-demand split; each scores accounts with its own
estimate of the market's taste, which drifts away from the truth unless outcomes come back.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.compiled import kernel
from sim.leads import extended
from sim.lifecycle import State, enter
from sim.people import WORK_HOURS
from sim.rng import poisson_counts
from sim.staff import CODE, Role

MARKETING = CODE[Role.MARKETING]

if TYPE_CHECKING:
    from sim.model import TruceModel
    from sim.organisation import Organisation
    from sim.params import Params


def brand_share(p: Params, org: Organisation) -> float:
    """Share of demand-side effort put into brand: more with a longer horizon, less under pressure."""
    pressure = org.team_attainment < 1.0
    pressed = p.brand_share_under_pressure if pressure else 1.0
    share = p.brand_share_at_year_horizon * math.sqrt(p.marketing_horizon_weeks / 52) * pressed
    return min(p.brand_share_cap, max(p.brand_share_floor, share))


def budget_factor(p: Params, marketers: int) -> float:
    """Budget per marketer against the calibration reference, with diminishing returns."""
    per_marketer = p.marketing_budget_week / max(1, marketers)
    return min(p.budget_factor_cap, math.sqrt(per_marketer / p.reference_budget_per_marketer))


def selectivity(p: Params) -> float:
    """Share of the candidates (scored aware accounts, inbound requests) a marketer does not pass:
    none under a lead-volume KPI, the most under a revenue KPI."""
    return p.marketing_revenue_weight * p.selectivity_per_revenue_weight


def run_campaigns(model: TruceModel, rows: np.ndarray) -> int:
    """Marketers (`rows`) split effort, then each scores a pool of aware accounts and hands over its
    best; returns the number of leads handed over.

    A lead-volume KPI pushes quantity and passes everything; a revenue KPI passes fewer, better leads.
    Effort on existing customers, on brand and in meetings is effort not spent on demand generation.
    """
    p, market, staff, rng = model.p, model.market, model.staff, model.streams["leads"]
    share = brand_share(p, model.org)
    budget = budget_factor(p, rows.size)
    weight = p.marketing_revenue_weight
    demand = (1 - p.marketing_existing_focus) * (1 - share)
    volume = p.lead_volume_at_volume_kpi - p.lead_volume_per_revenue_weight * weight
    per_week = p.leads_per_marketer_week * demand / p.reference_demand_share * budget * volume
    rate, output = _rates(staff.table, rows, per_week)
    target = min(1.0, p.brand_per_effort * share * output / p.marketers) * budget
    market.update_brand(min(1.0, target), p.brand_decay)
    wanted = poisson_counts(rng, rate)
    pools, total = _pools(wanted, selectivity(p), market.census[State.AWARE])
    if not total:
        return 0
    candidates = market.sample(rng, total, State.AWARE, State.AWARE)
    noise = rng.normal(0, p.scoring_noise, total)
    queue = model.queue
    waiting = len(queue)
    queue.leads = _best_scored(
        queue.leads,
        candidates,
        pools,
        wanted,
        rows,
        noise,
        market.profile,
        market.life,
        model.week,
        staff.table,
        staff.scoring,
    )
    return len(queue) - waiting


def inbound(model: TruceModel, rows: np.ndarray) -> int:
    """Buyers in the market who know us ask us: each week each aware account is in the market with
    probability `in_market_weekly` (most business buyers are out of the market at any time, Dawes
    2021) and, knowing us, thinks of us with the probability our brand and peers' recommendations
    give (`Market.salience`). The requests reach a marketer at random (the inbound channel is
    marketing's), who scores them with its own model and passes them to sales as leads as it passes
    its campaigns' (all of them under a lead-volume KPI, only the best under a revenue KPI; the rest
    stay aware, to be nurtured). Without marketers nobody answers them. Returns how many were
    passed."""
    p, market = model.p, model.market
    aware = int(market.census[State.AWARE])
    if not rows.size or not aware:
        return 0
    rng = model.streams["inbound"]
    n = int(rng.binomial(aware, p.in_market_weekly * market.salience()))
    if not n:
        return 0
    accounts = market.sample(rng, n, State.AWARE, State.AWARE)
    passed = math.ceil(n * (1.0 - selectivity(p)))
    staff, queue = model.staff, model.queue
    waiting = len(queue)
    queue.leads = _passed(
        queue.leads,
        accounts,
        rows,
        rng.integers(0, rows.size, n),
        passed,
        market.profile,
        market.life,
        model.week,
        staff.table,
        staff.scoring,
    )
    return len(queue) - waiting


@kernel
def _score(profile, account, scoring, row) -> float:
    """A marketer's (staff `row`) score of an account: its profile seen through the marketer's model."""
    s = 0.0
    for f in range(profile.shape[1]):
        s += profile[account, f] * scoring[row, f]
    return s


@kernel
def _passed(queue, accounts, rows, reached, passed, profile, life, week, staff, scoring):
    """`queue` with the `passed` best-scored inbound requests of `accounts` after it (`LEAD` rows,
    best first), each scored by the marketer it reached (staff row `rows[reached[i]]`)."""
    scores = np.empty(accounts.size)
    for i in range(accounts.size):
        scores[i] = _score(profile, accounts[i], scoring, rows[reached[i]])
    best = np.argsort(-scores, kind="mergesort")[:passed]
    leads = extended(queue, best.size)
    for k in range(best.size):
        i = best[k]
        lead = leads[queue.size + k]
        lead.account = accounts[i]
        lead.marketer = staff[rows[reached[i]]].uid
        lead.score = scores[i]
        lead.created = week
        lead.inbound = True
        enter(life, accounts[i], State.LEAD, week)
    return leads


@kernel
def _pools(wanted, selectivity, aware):
    """How many aware accounts each marketer scores to find its `wanted` leads (more under a revenue
    KPI, which passes only the best: `selectivity` is the share it rejects), scaled down if the
    market has fewer aware accounts; and their total (0 if there are none)."""
    pools = np.ceil(wanted / (1.0 - selectivity)).astype(np.int64)
    total = pools.sum()
    if not total or not aware:
        return pools, 0
    if total > aware:  # a small market runs out of aware accounts
        pools = np.floor(pools * aware / total).astype(np.int64)
        total = pools.sum()
    return pools, total


@kernel
def _rates(staff, rows, per_week):
    """Each marketer's expected leads this week (`per_week` for a full-time, average marketer; less
    for time in meetings and lower productivity), and the marketers' summed productivity."""
    rate, output = np.empty(rows.size), 0.0
    for i, r in enumerate(rows):
        person = staff[r]
        rate[i] = per_week * (1 - person.meeting_hours / WORK_HOURS) * person.productivity
        output += person.productivity
    return rate, output


@kernel
def _best_scored(queue, candidates, pools, wanted, rows, noise, profile, life, week, staff, scoring):
    """Each marketer (`rows`) scores its own pool of candidates (consecutive slices of `pools`
    accounts) with its scoring model, plus noise, and hands over its best `wanted`: they become
    leads. Returns `queue` with them after it (`LEAD` rows), by marketer and best first."""
    scores = np.empty(candidates.size)
    leads = extended(queue, min(wanted.sum(), candidates.size))
    n, start = queue.size, 0
    for m in range(rows.size):
        end = start + pools[m]
        for i in range(start, end):
            scores[i] = _score(profile, candidates[i], scoring, rows[m]) + noise[i]
        for i in np.argsort(-scores[start:end], kind="mergesort")[: wanted[m]]:
            lead = leads[n]
            lead.account = candidates[start + i]
            lead.marketer = staff[rows[m]].uid
            lead.score = scores[start + i]
            lead.created = week
            lead.inbound = False
            enter(life, lead.account, State.LEAD, week)
            n += 1
        start = end
    return leads[:n]


@kernel
def learn(scoring, row_of, ids, accounts, outcomes, profile, rate, sharpness):
    """Online logistic regression on reported outcomes (step `rate`, the model's `sharpness`), one
    batch per marketer per week: every report's error is taken against the scoring model as it stood
    before the batch. Reports to marketers who have left (`ids` without a row) teach nobody here.
    Returns the reports received per staff row."""
    received = np.zeros(scoring.shape[0], dtype=np.int64)
    rows = np.empty(ids.size, dtype=np.int64)
    n = 0
    for i in range(ids.size):
        row = row_of[ids[i]]
        if row >= 0:
            rows[n] = row
            received[row] += 1
            n += 1
    step = np.empty((n, scoring.shape[1]))
    k = 0
    for i in range(ids.size):
        if row_of[ids[i]] < 0:
            continue
        a, s = accounts[i], 0.0
        for f in range(scoring.shape[1]):
            s += np.float64(profile[a, f]) * scoring[rows[k], f]
        error = rate * (outcomes[i] - 1.0 / (1.0 + np.exp(-(sharpness * s))))
        for f in range(scoring.shape[1]):
            step[k, f] = error * profile[a, f]
        k += 1
    for k in range(n):
        for f in range(scoring.shape[1]):
            scoring[rows[k], f] += step[k, f]
    return received


@kernel
def accuracy(staff, scoring, taste) -> float:
    """Marketers' mean cosine between their scoring direction and the market's true taste, each
    floored at 0 (0 without marketers)."""
    total, n = 0.0, 0
    for r in range(staff.size):
        if staff[r].role == MARKETING:
            dot = norm = 0.0
            for f in range(taste.size):
                dot += scoring[r, f] * taste[f]
                norm += scoring[r, f] * scoring[r, f]
            total += max(0.0, dot / np.sqrt(norm)) if norm > 0 else 0.0
            n += 1
    return total / n if n else 0.0


@kernel
def review_week(person, leaked: int, accepted: int, reports: int, p) -> float:
    """What a marketer (`person`, a row of the staff table) believes about sales, from what happened
    to its own leads this week; returns the experience its trust in sales drifts toward."""
    handled = leaked + accepted
    if handled > 0:
        person.ignored += p.belief_adjust_weekly * (leaked / handled - person.ignored)
    expected = max(1.0, p.reports_expected_per_lead * accepted)
    signal = person.feedback_signal
    person.feedback_signal = signal + p.belief_adjust_weekly * (min(1.0, reports / expected) - signal)
    return p.experience_per_uptake * (1 - person.ignored) + p.experience_per_feedback * person.feedback_signal


@kernel
def miss(ignored: float, revenue_weight: float, team_attainment: float) -> float:
    """How badly the KPI is missed: leads ignored (volume KPI) or revenue (revenue KPI)."""
    return (1 - revenue_weight) * ignored + revenue_weight * max(0.0, 1 - team_attainment)


@kernel
def pay_satisfaction(ignored: float, revenue_weight: float, team_attainment: float, p) -> float:
    """A marketer's satisfaction with pay: its lead KPI suffers with the share of leads ignored, its
    revenue KPI with the team's attainment."""
    leads = 1 - p.pay_loss_per_ignored * ignored
    return (1 - revenue_weight) * leads + revenue_weight * min(
        1.0, team_attainment / p.attainment_for_full_pay
    )
