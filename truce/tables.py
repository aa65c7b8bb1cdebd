"""Terminal tables for the CLI (rich), generated from the parameter registry and run summaries.

Every table of every subcommand goes through `table` and `show`, which never cut a word: to a
terminal, a table fits its width by wrapping cells at spaces, but no column is narrower than its longest
word (a table that cannot fit is printed wider than the screen, which the terminal wraps); anywhere else
(a pipe, a file) a table is printed at full width, one line per row, whatever `COLUMNS` says.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

import sim
from sim.outcomes import outcome

#: Width to measure a table's one-line-per-row layout with (no table is this wide).
UNLIMITED = 1_000_000


def _longest_word(text: str) -> int:
    return max(map(cell_len, text.split()), default=1)


def table(
    title: str, columns: Sequence[str], rows: Iterable[Sequence[str]], right: Collection[str] = ()
) -> Table:
    """A table of plain text (no rich markup in names or values) whose columns are never narrower
    than their longest word, header included, and which is never narrower than its title's longest word.
    Columns named in `right` are right-aligned (numbers)."""
    rows = [list(row) for row in rows]
    out = Table(title=Text(title), min_width=_longest_word(title))
    for i, name in enumerate(columns):
        widest = max(_longest_word(cell) for cell in (name, *(row[i] for row in rows)))
        out.add_column(Text(name), justify="right" if name in right else "left", min_width=widest)
    for row in rows:
        out.add_row(*map(Text, row))
    return out


def show(*items: Table | str) -> None:
    """Print tables and lines of text on stdout, cutting nothing (see the module's docstring); a line
    of text is never wrapped by rich (a terminal wraps it)."""
    console = Console()
    tables = [item for item in items if isinstance(item, Table)]
    if tables and not console.is_terminal:
        wide = console.options.update_width(UNLIMITED)
        console.width = max(Measurement.get(console, wide, t).maximum for t in tables)
    for item in items:
        if isinstance(item, Table):
            console.print(item, crop=False)
        else:
            console.print(Text(item), soft_wrap=True)


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
    rows = []
    for key, fmt in SHOWN.items():
        declared = outcome(key, "summary")
        rows.append((key, fmt.format(summary[key]), declared.unit, declared.description))
    show(table(f"{design}, seed {seed}", ("outcome", "value", "unit", "description"), rows, right={"value"}))


def print_designs() -> None:
    show(table("preset designs", ("design", "description"), sim.designs().items()))


def print_design(name: str) -> None:
    """Every parameter as `truce run NAME` runs it (260 weeks): what `run` refuses is refused here too."""
    run = sim.resolve(name)
    design, values = run.design, run.params.as_dict()
    rows = []
    for spec in sim.params():
        value = values[spec.name]
        mark = "" if value == spec.default else " *"
        rows.append(
            (
                spec.name,
                spec.kind,
                f"{value}{mark}",
                str(spec.default),
                f"{spec.range[0]} .. {spec.range[1]}",
                spec.unit,
                spec.description,
            )
        )
    columns = ("parameter", "kind", "value", "default", "range", "unit", "description")
    show(
        table(f"{design.name}: {design.description}", columns, rows),
        *(f"intervention: {iv.to_dict()}" for iv in design.interventions),
    )
