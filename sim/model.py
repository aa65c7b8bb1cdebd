"""`TruceModel`: one company's marketing, sales and service staff and its market, stepping weekly."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from sim import conflict, interventions_apply, marketing, people, sales, service
from sim import tally as tallies
from sim.agents import Employee, Marketer, Salesperson, ServiceAgent
from sim.closing import close_deals
from sim.contract import RunSpec, resolve
from sim.design import Design
from sim.errors import InputError
from sim.feedback import FeedbackChannel
from sim.interventions import Intervention
from sim.leads import LeadQueue, run_handoff
from sim.market import Market, State
from sim.organisation import Organisation
from sim.record import WeeklyCollector, record_week
from sim.review import exchange_feedback, review
from sim.rng import seed_sequence, spawn_streams
from sim.selling import context, open_going_concern, prospect, refer
from sim.staff import ROLES, Role, Staff
from sim.tally import Count
from sim.workforce import Department, hire


class TruceModel(mesa.Model):
    """The company under one organisational design; every parameter is a keyword argument.

    Args:
        design: a preset name, a path to a TOML design file, a `Design`, or a `RunSpec` from
            `sim.resolve` (which then carries weeks, interventions and parameters itself).
        rng: the run's seed (int or `numpy.random.SeedSequence`); None draws fresh entropy.
        weeks: horizon (default 260); `running` turns False after this many steps.
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
            weeks = 260 if weeks is None else weeks
            run = resolve(design, weeks=weeks, interventions=interventions, **params)
        self.run_spec = run
        self.design = run.design
        self.p = run.params
        self.weeks = run.weeks
        self.schedule: dict[int, list[Intervention]] = defaultdict(list)
        for iv in run.interventions:
            self.schedule[iv.week].append(iv)
        root = seed_sequence(rng)
        self.seed_entropy = root.entropy
        self.streams, self.keyed = spawn_streams(root)
        super().__init__(rng=self.streams["mesa"])
        self.week = 0
        self.applied: list[dict[str, Any]] = []
        self._in_step = False  # True while step() runs: scheduled interventions apply "now"
        self._carry = tallies.new()  # what interventions did before the week's mechanisms ran
        self.staff = Staff()
        self.market = Market(self.p, self.streams["init"], self.keyed)
        self.org = Organisation(self)
        self.queue = LeadQueue()
        self.feedback = FeedbackChannel()
        self.departments = {role: Department(role) for role in Role}
        # Marketing's leads by who passed them and who took them (None: leaked), one entry per week
        # and outcome; `lead_flow` adds them up when asked.
        self.handoffs: list[tuple[np.ndarray, np.ndarray | None]] = []
        self._lead_flow: dict[str, Counter] = {"accepted": Counter(), "leaked": Counter()}
        self._flow_seen = 0
        self.reps_at_quota_share = 0.0
        self._populate()
        self.datacollector = WeeklyCollector(self.weeks)

    # ------------------------------------------------------------------ set-up
    def _populate(self) -> None:
        """The going concern at week 0: the same for every design run on the same seed."""
        rng, p, market, staff = self.streams["init"], self.p, self.market, self.staff
        for role in ROLES:
            n = getattr(
                p, {Role.MARKETING: "marketers", Role.SALES: "salespeople"}.get(role, "service_staff")
            )
            hire(self, role, -rng.integers(0, p.initial_tenure_weeks, n), rng, n)
        people.begin_week(staff.table, p.packed, 0, 0.0)
        cust = market.customers
        servers = staff.uid[staff.rows(Role.SERVICE)]
        market.server[cust] = rng.choice(servers, size=cust.size)
        self.quota = sales.plan_quota(self)  # the first year's plan, split over the sales seats
        # Leads and deals in flight.
        reps, marketers = staff.rows(Role.SALES), staff.rows(Role.MARKETING)
        aware = market.indices(State.AWARE)
        best = aware[np.argsort(-market.fit(aware) + rng.normal(0, p.initial_pipeline_noise, aware.size))]
        per_rep = p.initial_opportunities_per_rep
        n_opp = min(best.size // 2, per_rep * reps.size)
        open_going_concern(self, reps.repeat(per_rep)[:n_opp], best[:n_opp])
        n_leads = min(best.size - n_opp, p.initial_leads_per_marketer * marketers.size)
        leads = best[n_opp : n_opp + n_leads]
        market.move(leads, State.LEAD, 0)
        owners = staff.uid[marketers[np.arange(n_leads) % marketers.size]]
        self.queue.add(leads, owners, rng.normal(size=n_leads), 0)

    # ------------------------------------------------------------------ people, as Mesa agents
    def _agents_of(self, role: Role) -> list[Employee]:
        agents = self.staff.agents
        return [agents[row] for row in self.staff.rows(role).tolist()]

    def marketers(self) -> list[Marketer]:
        return self._agents_of(Role.MARKETING)  # type: ignore[return-value]

    def salespeople(self) -> list[Salesperson]:
        return self._agents_of(Role.SALES)  # type: ignore[return-value]

    def service_staff(self) -> list[ServiceAgent]:
        return self._agents_of(Role.SERVICE)  # type: ignore[return-value]

    @property
    def lead_flow(self) -> dict[str, Counter]:
        """Who passed leads to whom since the start (the dashboard's hand-off network), marketing's
        leads only: accepted[(marketer id, salesperson id)] and leaked[marketer id]."""
        for marketers, sellers in self.handoffs[self._flow_seen :]:
            if sellers is None:
                self._lead_flow["leaked"].update(marketers.tolist())
            else:
                self._lead_flow["accepted"].update(zip(marketers.tolist(), sellers.tolist(), strict=True))
        self._flow_seen = len(self.handoffs)
        return self._lead_flow

    # ------------------------------------------------------------------ interventions
    def apply(self, intervention: Intervention) -> None:
        """Apply an intervention now (live, from the dashboard or a script), whatever its `week` says.

        Between two steps "now" is the start of the coming week: nothing happens between the end of
        one week and the start of the next, so the intervention takes effect at once but is stamped
        with the coming week (a hire's start, a bought lead's date) and counted in that week's row,
        exactly as if a design file had scheduled it for that week. `applied` records that week, so a
        run re-created from `applied` (the dashboard's TOML download) reproduces this one bit for bit.
        """
        intervention.validate(None, f"intervention {intervention.kind}")
        week = self.week
        if not self._in_step:
            if not self.running:
                raise InputError(f"intervention {intervention.kind}: the run ended at week {self.week}")
            self.week = self.steps + 1
        try:
            interventions_apply.apply(self, intervention, self._carry)
        finally:
            effective, self.week = self.week, week
        self.applied.append({**intervention.to_dict(), "week": effective})

    # ------------------------------------------------------------------ the week
    def step(self) -> None:
        """One week, in the order of the ODD's process overview (MODEL.md steps 1-11)."""
        self.week = week = self.steps
        self._in_step = True
        for iv in self.schedule.pop(week, []):
            self.apply(iv)
        tally, self._carry = self._carry, tallies.new()
        p, market, staff, org = self.p, self.market, self.staff, self.org
        org.update()
        market.begin_week(p, self.streams["awareness"])
        people.begin_week(staff.table, p.packed, week, org.liaison_strength)
        org.meeting_held = float(np.add.reduce(staff.meeting_hours)) / len(staff) if len(staff) else 0.0
        rows = staff.by_role()
        reps = rows[Role.SALES]
        org.service_help = service.marketing_help(self, rows[Role.MARKETING], rows[Role.SERVICE].size)
        tally[Count.leads_marketing] += marketing.run_campaigns(self, rows[Role.MARKETING])  # 1. demand
        asked = marketing.inbound(self, rows[Role.MARKETING])
        tally[Count.leads_marketing] += asked
        tally[Count.leads_inbound] += asked
        cust = market.customers  # 2. word of mouth
        advocates, detractors = market.word_of_mouth(cust)
        org.detractor_share = detractors / max(1, advocates + detractors + cust.size)
        market.spread_awareness(week, p, advocates, detractors)
        odds = context(self)  # what the organisation adds to every deal opened this week
        referrals = refer(self, reps, advocates, odds)
        accepted_from, leaked_from = run_handoff(self, reps, tally, odds)  # 3. hand-off
        prospected = prospect(self, reps, odds)
        tally[Count.referrals] += referrals
        tally[Count.opportunities_created] += referrals + prospected + tally[Count.leads_qualified]
        close_deals(self, reps, rows[Role.SERVICE], tally)  # 4.
        quality = service.serve(self, rows[Role.SERVICE])  # 5. onboarding and service
        cust = market.customers
        lost = market.churn(week, p)  # 6. churn
        tally[Count.churned] += lost.size
        org.observe_churn(lost.size, cust.size)
        exchange_feedback(self, tally, accepted_from, leaked_from)  # 7. feedback
        tally[Count.blame_events] += conflict.blame(self, rows)  # 8. conflict
        review(self, tally)  # 9. people
        record_week(self, tally, quality)  # 10-11. record
        self._in_step = False
        if week >= self.weeks:
            self.running = False
