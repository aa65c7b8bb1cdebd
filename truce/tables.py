"""Terminal tables for the CLI (rich), generated from the parameter registry and run summaries."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

import sim
from sim.outcomes import outcome

console = Console()

#: Summary keys shown by `truce run`, with how to format them (units and descriptions: `sim.outcomes`).
SHOWN = {
    "total_revenue": "{:,.0f}",
    "profit": "{:,.0f}",
    "annual_churn_rate": "{:.1%}",
    "sales_turnover_annual": "{:.1%}",
    "marketing_turnover_annual": "{:.1%}",
    "service_turnover_annual": "{:.1%}",
    "lead_leakage_share": "{:.1%}",
    "mql_to_opportunity": "{:.1%}",
    "win_rate": "{:.1%}",
    "reps_at_quota_share": "{:.1%}",
    "lead_response_hours": "{:.1f}",
    "mean_satisfaction": "{:.3f}",
    "alignment_index": "{:.1f}",
}


def print_summary(design: str, seed: Any, summary: dict[str, float]) -> None:
    table = Table(title=f"{design}, seed {seed}")
    for col in ("outcome", "value", "unit", "description"):
        table.add_column(col, justify="right" if col == "value" else "left")
    for key, fmt in SHOWN.items():
        declared = outcome(key, "summary")
        table.add_row(key, fmt.format(summary[key]), declared.unit, declared.description)
    console.print(table)


def print_designs() -> None:
    table = Table(title="preset designs")
    table.add_column("design")
    table.add_column("description")
    for name, text in sim.designs().items():
        table.add_row(name, text)
    console.print(table)


def print_design(name: str) -> None:
    """Every parameter as `truce run NAME` runs it (260 weeks): what `run` refuses is refused here too."""
    run = sim.resolve(name)
    design, values = run.design, run.params.as_dict()
    table = Table(title=f"{design.name}: {design.description}")
    for col in ("parameter", "kind", "value", "default", "range", "unit", "description"):
        table.add_column(col, overflow="fold")
    for spec in sim.params():
        value = values[spec.name]
        mark = "" if value == spec.default else " *"
        table.add_row(
            spec.name,
            spec.kind,
            f"{value}{mark}",
            str(spec.default),
            f"{spec.range[0]} .. {spec.range[1]}",
            spec.unit,
            spec.description,
        )
    console.print(table)
    for iv in design.interventions:
        console.print(f"intervention: {iv.to_dict()}")
