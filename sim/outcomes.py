"""Outcomes: every weekly column and summary metric a run records, declared once.

The weekly frame's columns, `summary`'s keys, the experiments' storage schemas and `keep` check, the
sensitivity and report outcome lists, the CLI's tables, the ODD's outcome table and the dashboard's
series labels all read this declaration, so an outcome is added, renamed or retyped in one place
(`tests/sim/test_outcomes.py` checks that the model records exactly what is declared here).
Descriptions live in the message catalogues (`sim/locale/<lang>.toml`, table `[outcome]`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sim.errors import InputError
from sim.params import messages

Scope = Literal["weekly", "summary"]
Dtype = Literal["int64", "float64"]

_ROLES = ("marketing", "sales", "service")
#: Account states in `market.State` order, as the weekly `accounts_<state>` columns name them.
_STATES = ("unaware", "aware", "lead", "opportunity", "customer", "churned")


@dataclass(frozen=True)
class Outcome:
    """One recorded quantity.

    Weekly flows count what happened within the week, stocks and levels are read at its end; summary
    rates are taken over weeks 53 on (year 1 is warm-up), whole-run totals over every week. `dtype`
    is the numpy dtype the model records (summary metrics are all float64), so storage schemas need
    no run to learn it. `headline` marks the results a comparison of designs is about (revenue, profit,
    churn, turnover, alignment) and, among weekly columns, the series they are computed from.
    """

    name: str
    unit: str
    scope: Scope
    dtype: Dtype
    description_key: str
    headline: bool = False

    @property
    def description(self) -> str:
        """English description, from the message catalogue keyed by `description_key`."""
        return messages("en").get(self.description_key, self.name)


def _weekly(name: str, unit: str, dtype: Dtype, headline: bool = False) -> Outcome:
    return Outcome(name, unit, "weekly", dtype, f"outcome.{name}", headline)


def _summary(name: str, unit: str, key: str | None = None, headline: bool = False) -> Outcome:
    """A summary metric; `key` names the outcome whose description it shares (the same quantity); a
    summary metric with a weekly column's name shares that column's description."""
    return Outcome(name, unit, "summary", "float64", f"outcome.{key or name}", headline)


def _per_role(kind: str, unit: str, dtype: Dtype, headline: bool = False) -> tuple[Outcome, ...]:
    return tuple(_weekly(f"{kind}_{role}", unit, dtype, headline) for role in _ROLES)


#: The weekly record, in the order of the weekly frame's columns.
WEEKLY: tuple[Outcome, ...] = (
    _weekly("revenue", "EUR per week", "float64", headline=True),
    _weekly("revenue_new", "EUR per week", "float64"),
    _weekly("revenue_recurring", "EUR per week", "float64"),
    _weekly("cumulative_revenue", "EUR", "float64"),
    _weekly("costs", "EUR per week", "float64"),
    _weekly("profit", "EUR per week", "float64", headline=True),
    _weekly("leads_generated", "leads per week", "int64"),
    _weekly("leads_accepted", "leads per week", "int64"),
    _weekly("leads_leaked", "leads per week", "int64"),
    _weekly("lead_queue", "leads", "int64"),
    _weekly("lead_wait_weeks", "weeks", "float64"),
    _weekly("lead_response_hours", "hours", "float64"),
    _weekly("opportunities", "opportunities", "int64"),
    _weekly("opportunities_created", "opportunities per week", "int64"),
    _weekly("deals_won", "deals per week", "int64"),
    _weekly("deals_lost", "deals per week", "int64"),
    _weekly("win_rate", "share", "float64"),
    _weekly("customers", "accounts", "int64", headline=True),
    _weekly("churned", "accounts per week", "int64", headline=True),
    _weekly("satisfaction", "index 0-1", "float64"),
    _weekly("referrals", "referrals per week", "int64"),
    *_per_role("headcount", "people", "int64", headline=True),
    *_per_role("hires", "people per week", "int64"),
    *_per_role("quits", "people per week", "int64", headline=True),
    *_per_role("vacancies", "vacancies", "int64"),
    *_per_role("morale", "index 0-1", "float64"),
    _weekly("trust", "index 0-1", "float64"),
    _weekly("blame_events", "events per week", "int64"),
    _weekly("targeting_accuracy", "index 0-1", "float64"),
    _weekly("reps_at_quota_share", "share", "float64"),
    _weekly("alignment_index", "points 20-100", "float64", headline=True),
    # Beyond the contract: what the loss account, validation and the dashboard need.
    _weekly("leads_bought", "leads per week", "int64"),
    _weekly("leads_leaked_bought", "leads per week", "int64"),
    _weekly("leads_accepted_bought", "leads per week", "int64"),
    _weekly("opportunities_created_marketing", "opportunities per week", "int64"),
    _weekly("leads_inbound", "leads per week", "int64"),
    _weekly("deals_won_marketing", "deals per week", "int64"),
    _weekly("leads_qualified", "leads per week", "int64"),
    _weekly("bookings", "EUR per week", "float64"),
    _weekly("overpromises", "deals per week", "int64"),
    _weekly("feedback_reports", "reports per week", "int64"),
    _weekly("feedback_rate", "share", "float64"),
    _weekly("sla_met", "leads per week", "int64"),
    _weekly("rep_quarters", "rep-quarters", "int64"),
    _weekly("rep_quarters_at_quota", "rep-quarters", "int64"),
    _weekly("sales_capacity_fte", "FTE", "float64"),
    _weekly("service_quality", "index 0-1", "float64"),
    _weekly("brand", "index 0-1", "float64"),
    _weekly("message_consistency", "index 0-1", "float64"),
    _weekly("training_gain", "skill", "float64"),
    *(_weekly(f"accounts_{state}", "accounts", "int64") for state in _STATES),
    _weekly("coordination_cost", "EUR per week", "float64"),
)

#: Weekly columns summed over the whole run (warm-up included) into `<name>_total`, with the total's
#: unit; the loss account prices these flows. The two levels add up to FTE-weeks and vacancy-weeks.
_TOTALS = {
    "revenue_new": "EUR",
    "revenue_recurring": "EUR",
    "costs": "EUR",
    "leads_generated": "leads",
    "leads_bought": "leads",
    "leads_accepted": "leads",
    "leads_leaked": "leads",
    "leads_qualified": "leads",
    "leads_inbound": "leads",
    "deals_won_marketing": "deals",
    "opportunities_created": "opportunities",
    "deals_won": "deals",
    "deals_lost": "deals",
    "churned": "accounts",
    "referrals": "referrals",
    "sales_capacity_fte": "FTE-weeks",
    "vacancies_sales": "vacancy-weeks",
    "hires_sales": "people",
    "quits_sales": "people",
    "coordination_cost": "EUR",
}
TOTALS = tuple(_TOTALS)

#: Flows the loss account (`sim.loss`) counts in the weeks they have left to the horizon: summed into
#: `<name>_weeks_left` as Σ count x (T - week + 1), the week-ends what a flow brings is on the book for.
WEEKS_LEFT = (
    "leads_accepted",
    "leads_leaked",
    "leads_qualified",
    "opportunities_created",
    "referrals",
    "deals_won",
    "churned",
    "sales_capacity_fte",
)

#: The per-run summary, in the order of `summary`'s keys.
SUMMARY: tuple[Outcome, ...] = (
    _summary("total_revenue", "EUR", headline=True),
    _summary("profit", "EUR", headline=True),
    _summary("annual_churn_rate", "share of customers per year", headline=True),
    *(
        _summary(f"{role}_turnover_annual", "share of headcount per year", headline=True)
        for role in ("sales", "marketing", "service")
    ),
    _summary("lead_leakage_share", "share"),
    _summary("mql_to_opportunity", "share"),
    _summary("win_rate", "share"),
    _summary("reps_at_quota_share", "share"),
    _summary("mean_satisfaction", "index 0-1", "satisfaction"),
    _summary("alignment_index", "points 20-100", headline=True),
    _summary("lead_response_hours", "hours"),
    _summary("customers_end", "accounts"),
    _summary("deals_won", "deals"),
    _summary("targeting_accuracy_end", "index 0-1"),
    _summary("mean_trust", "index 0-1", "trust"),
    _summary("blame_events_annual", "events per year", "blame_events"),
    _summary("referrals", "referrals"),
    *(_summary(f"{flow}_total", unit, flow) for flow, unit in _TOTALS.items()),
    _summary("customer_weeks_total", "customer-weeks"),
    *(_summary(f"{flow}_weeks_left", f"{_TOTALS[flow]} x weeks", "weeks_left") for flow in WEEKS_LEFT),
)


def outcomes() -> tuple[Outcome, ...]:
    """Every outcome of a run: the weekly columns, then the summary metrics."""
    return WEEKLY + SUMMARY


def weekly_names() -> tuple[str, ...]:
    """The weekly frame's columns, in order."""
    return tuple(o.name for o in WEEKLY)


def summary_names() -> tuple[str, ...]:
    """The summary's keys, in order."""
    return tuple(o.name for o in SUMMARY)


def headline() -> tuple[Outcome, ...]:
    """The headline summary metrics, in order: what comparisons, reports and sensitivity show first."""
    return tuple(o for o in SUMMARY if o.headline)


def outcome(name: str, scope: Scope, where: str = "") -> Outcome:
    """The declaration of one outcome; an unknown name is an `InputError` listing close matches.

    `scope` is needed because a few names are both a weekly column and a summary metric (`win_rate`
    per week and over the run).
    """
    declared = {o.name: o for o in (WEEKLY if scope == "weekly" else SUMMARY)}
    if name in declared:
        return declared[name]
    import difflib

    close = difflib.get_close_matches(str(name), list(declared), n=3)
    hint = f"did you mean {', '.join(close)}?" if close else f"see sim.outcomes() for every {scope} outcome"
    prefix = f"{where}: " if where else ""
    raise InputError(f"{prefix}unknown {scope} outcome {str(name)!r} ({hint})")
