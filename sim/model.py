"""`TruceModel`: one company's marketing, sales and service staff and its market, stepping weekly."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from functools import partial
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from sim import campaigns, conflict, interventions_apply, people
from sim.agents import Employee, Marketer, Role, Salesperson, ServiceAgent
from sim.alignment import alignment_index
from sim.contract import RunSpec, resolve
from sim.design import Design
from sim.errors import InputError
from sim.feedback import FeedbackChannel
from sim.interventions import Intervention
from sim.leads import LeadQueue, run_handoff
from sim.market import Market, Source, State
from sim.metrics import COLUMNS, WeeklyCollector, mean, weekly_metrics
from sim.organisation import Organisation
from sim.rng import seed_sequence, spawn_streams
from sim.selling import SalesTeam, Selling, close_deals, open_opportunities, prospect, refer
from sim.workforce import Department, new_employee

REFERENCE_BUDGET_PER_MARKETER = 1200.0  # EUR/week at which leads_per_marketer_week is calibrated


def _uid(agent: Employee) -> int:
    return agent.unique_id


def _read(model: TruceModel, name: str) -> float:
    return model.metrics[name]


class TruceModel(mesa.Model):
    """The company under one organisational design; every parameter is a keyword argument.

    Args:
        design: a preset name, a path to a TOML design file, a `Design`, or a `RunSpec` from
            `sim.resolve` (which then carries weeks, interventions and parameters itself).
        rng: the run's seed (int or `numpy.random.SeedSequence`); None draws fresh entropy.
        weeks: horizon; `running` turns False after this many steps.
        interventions: scheduled `Intervention`s, added to the design's own.
        **params: any parameter of `sim.params()`, overriding the design's value.
    """

    def __init__(
        self,
        design: str | Path | Design | RunSpec = "siloed",
        *,
        rng: Any = None,
        weeks: int | None = None,
        interventions: tuple[Intervention, ...] | list[Intervention] = (),
        **params: Any,
    ) -> None:
        if isinstance(design, RunSpec):
            if params or interventions or weeks is not None:
                raise InputError("TruceModel: give a RunSpec alone, or a design with its options")
            run = design
        else:
            run = resolve(
                design, weeks=260 if weeks is None else weeks, interventions=interventions, **params
            )
        self.run_spec = run
        self.design = run.design
        self.p = run.params
        self.weeks = run.weeks
        self.schedule: dict[int, list[Intervention]] = defaultdict(list)
        for iv in run.interventions:
            self.schedule[iv.week].append(iv)
        self._roster: dict | None = None
        self._service_ids: np.ndarray | None = None
        root = seed_sequence(rng)
        self.seed_entropy = root.entropy
        self.streams = spawn_streams(root)
        super().__init__(rng=self.streams["mesa"])
        self.week = 0
        self.applied: list[dict[str, Any]] = []
        self._in_step = False  # True while step() runs: scheduled interventions apply "now"
        self.hire_costs = 0.0
        self.detractor_share = 0.0
        self.retention_score = 1.0
        self.churn_rate = self.p.churn_annual
        self.metrics: dict[str, float] = {}
        self.market = Market(self.p, self.streams["init"])
        self.org = Organisation(self)
        self.queue = LeadQueue()
        self.feedback = FeedbackChannel()
        self.selling = Selling()
        self.departments = {role: Department(role) for role in Role}
        # Who passed leads to whom since the start (the dashboard's hand-off network):
        # accepted[(marketer id, salesperson id)] and leaked[marketer id], marketing leads only.
        self.lead_flow: dict[str, Counter] = {"accepted": Counter(), "leaked": Counter()}
        self.year_bookings = 0.0
        self.year_rep_weeks = 0
        self._marketer_tally: dict[str, np.ndarray] = {}
        self.quarter = {"rep_quarters": 0, "at_quota": 0, "last_share": 0.0}
        self._reset_week()
        self._populate()
        self._reset_week()
        self.datacollector = WeeklyCollector(
            model_reporters={name: partial(_read, name=name) for name in COLUMNS}
        )

    # ------------------------------------------------------------------ set-up
    def _populate(self) -> None:
        """The going concern at week 0: the same for every design run on the same seed."""
        rng, p = self.streams["init"], self.p
        for role, key in (
            (Role.MARKETING, "marketers"),
            (Role.SALES, "salespeople"),
            (Role.SERVICE, "service_staff"),
        ):
            self.departments[role].initial = getattr(p, key)
            for _ in range(getattr(p, key)):
                new_employee(self, role, -int(rng.integers(0, 260)), rng)
        market = self.market
        cust = market.customers()
        servers = self.service_ids()
        market.server[cust] = rng.choice(servers, size=cust.size)
        # Plan: replace expected churn and grow; quotas split the plan over the sales team.
        plan = cust.size * p.churn_annual * (1 + p.quota_growth) * p.deal_value_mean / 4
        self.quota = plan / p.salespeople
        # Leads and deals in flight.
        reps = self.salespeople()
        team = SalesTeam(self, reps)
        aware = np.flatnonzero(market.state == State.AWARE)
        fit = market.fit(aware)
        best = aware[np.argsort(-fit + rng.normal(0, 0.3, aware.size))]
        n_opp = min(best.size // 2, 5 * len(reps))
        who = np.repeat(np.arange(len(reps)), 5)[:n_opp]
        open_opportunities(
            self,
            team,
            who,
            best[:n_opp],
            np.full(n_opp, Source.SELF),
            np.full(n_opp, -1, dtype=np.int32),
            np.zeros(n_opp),
            going_concern=True,
        )
        marketers = self.marketers()
        n_leads = min(best.size - n_opp, 4 * len(marketers))
        leads = best[n_opp : n_opp + n_leads]
        ids = np.array([m.unique_id for m in marketers], dtype=np.int32)[np.arange(n_leads) % len(marketers)]
        market.state[leads] = State.LEAD
        self.queue.add(leads, ids, rng.normal(size=n_leads), 0, Source.MARKETING)

    # ------------------------------------------------------------------ queries used by mechanisms
    def agents_by_role(self, role: Role) -> list[Employee]:
        """People of one role in id order (a fixed order keeps per-person draws reproducible)."""
        if self._roster is None:
            people = sorted(self.agents, key=_uid)
            self._roster = {r: [a for a in people if a.role is r] for r in Role}
            self._roster[None] = people
        return self._roster[role]

    def everyone(self) -> list[Employee]:
        """All employees in id order."""
        self.agents_by_role(Role.SALES)
        return self._roster[None]

    def register_agent(self, agent: Employee) -> None:
        super().register_agent(agent)
        self._service_ids = None
        if self._roster is not None:  # the newest id sorts last; lists are replaced, never mutated
            for key in (agent.role, None):
                self._roster[key] = [*self._roster[key], agent]

    def deregister_agent(self, agent: Employee) -> None:
        super().deregister_agent(agent)
        self._service_ids = None
        if self._roster is not None:
            for key in (agent.role, None):
                people = self._roster[key]
                i = people.index(agent)
                self._roster[key] = people[:i] + people[i + 1 :]

    def salespeople(self) -> list[Salesperson]:
        return self.agents_by_role(Role.SALES)  # type: ignore[return-value]

    def marketers(self) -> list[Marketer]:
        return self.agents_by_role(Role.MARKETING)  # type: ignore[return-value]

    def service_staff(self) -> list[ServiceAgent]:
        return self.agents_by_role(Role.SERVICE)  # type: ignore[return-value]

    def marketers_by_id(self) -> dict[int, Marketer]:
        return {m.unique_id: m for m in self.marketers()}

    def service_ids(self) -> np.ndarray:
        """Service staff's ids in id order (read-only), kept until someone joins or leaves."""
        if self._service_ids is None:
            self._service_ids = np.array([s.unique_id for s in self.service_staff()], dtype=np.int32)
            self._service_ids.setflags(write=False)
        return self._service_ids

    def headcount(self) -> int:
        return len(self.agents)

    def budget_factor(self) -> float:
        """Budget per marketer against the calibration reference, with diminishing returns."""
        per_head = self.p.marketing_budget_week / max(1, len(self.marketers()))
        return min(3.0, math.sqrt(per_head / REFERENCE_BUDGET_PER_MARKETER))

    def tally_marketer(self, kind: str, ids: np.ndarray) -> None:
        """Count this week's events per marketer id (accepted or leaked leads)."""
        counts = np.bincount(ids[ids >= 0], minlength=self.agent_id_counter + 1)
        old = self._marketer_tally.get(kind)
        if old is not None:
            counts[: old.size] += old
        self._marketer_tally[kind] = counts

    def marketer_counts(self, kind: str, uids: list[int]) -> list[int]:
        """This week's events of one kind for each marketer id in `uids` (read as a list once)."""
        counts = self._marketer_tally.get(kind)
        if counts is None:
            return [0] * len(uids)
        tally = counts.tolist()
        return [tally[uid] if uid < len(tally) else 0 for uid in uids]

    # ------------------------------------------------------------------ interventions
    def apply(self, intervention: Intervention) -> None:
        """Apply an intervention now (live, from the dashboard or a script), whatever its `week` says.

        Between two steps "now" is the start of the coming week: nothing happens between the end of
        one week and the start of the next, so the intervention takes effect at once but is stamped
        with the coming week (a hire's start, a bought lead's date), exactly as if a design file had
        scheduled it for that week. `applied` records that week, so a run re-created from `applied`
        (the dashboard's TOML download) reproduces this one bit for bit.
        """
        intervention.validate(None, f"intervention {intervention.kind}")
        week = self.week
        if not self._in_step:
            if not self.running:
                raise InputError(f"intervention {intervention.kind}: the run ended at week {self.week}")
            self.week = self.steps + 1
        try:
            interventions_apply.apply(self, intervention)
        finally:
            effective, self.week = self.week, week
        self.applied.append({**intervention.to_dict(), "week": effective})

    # ------------------------------------------------------------------ the week
    def step(self) -> None:
        """One week, in the order of the ODD's process overview (MODEL.md steps 1-11)."""
        self.week = self.steps
        self._in_step = True
        for iv in self.schedule.pop(self.week, []):
            self.apply(iv)
        p, market = self.p, self.market
        self.org.update()
        market.drift(p.market_complexity, self.streams["awareness"])
        everyone = self.everyone()
        hours = []
        for person in everyone:
            person.begin_week()
            person.attend_meetings()
            hours.append(person.meeting_hours)
        self.org.meeting_held = mean(hours)
        campaigns.run_campaigns(self)  # 1. brand and demand generation
        cust = market.customers()  # 2. word of mouth
        advocates, detractors = market.word_of_mouth(cust)
        self.detractor_share = detractors / max(1, advocates + detractors + cust.size)
        market.spread_awareness(self.week, p, (advocates, detractors), self.streams["awareness"])
        team = SalesTeam(self, self.salespeople())
        refer(self, team, advocates)
        self.handoff = run_handoff(self, team)  # 3. hand-off
        prospect(self, team)
        servers = self.service_staff()
        capacity = sum(s.capacity() for s in servers)
        served = cust[market.server[cust] >= 0]
        load = float(market.service_load(self.week, served, 1).sum()) if served.size else 0.0
        delivery = max(1.0, load / capacity) if capacity > 0 else 6.0
        close_deals(self, team, delivery)  # 4. selling
        self.quality = people.serve(self, servers)  # 5. onboarding and service
        cust = market.customers()
        self.lost = market.churn(self.week, cust, p, self.streams["churn"])  # 6. churn
        weekly_churn = self.lost.size / max(1, cust.size)
        self.churn_rate += 0.05 * (52 * weekly_churn - self.churn_rate)
        self.retention_score = min(1.3, 0.1 / max(0.02, self.churn_rate))
        people.exchange_feedback(self)  # 7. feedback
        self.blame_events = conflict.blame(self)  # 8. conflict
        people.review(self)  # 9. people
        self.metrics = weekly_metrics(self)  # 10. accounting, 11. alignment
        self.metrics["alignment_index"] = alignment_index(self, self.metrics["targeting_accuracy"])
        self.datacollector.collect(self)
        self._reset_week()
        self._in_step = False
        if self.week >= self.weeks:
            self.running = False

    def _reset_week(self) -> None:
        """Zero the weekly flow counters once recorded (live interventions count in the next row)."""
        self.selling = Selling()
        self.feedback.reset_week()
        self._marketer_tally = {}
        self.hire_costs = 0.0
        self.leads_generated = {Source.MARKETING: 0, Source.BOUGHT: 0}
        for dept in self.departments.values():
            dept.reset_week()
        self.quarter["rep_quarters"] = self.quarter["at_quota"] = 0
        for rep in self.salespeople():
            rep.reports = 0
