"""`truce report DIR`: write the HTML report of a results folder and print its headline table."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from truce.compare import OUTCOMES


def report(directory: Path, out: Path | None) -> int:
    """Write the report of `directory` to `out` (default `DIR/report.html`); print where and the
    per-design means with 95% CI half-widths of the main outcomes."""
    import experiments
    from experiments.report import write_report
    from experiments.stats import describe

    results = experiments.load(directory)
    path = write_report(results, out or directory / "report.html")
    metrics = [m for m in OUTCOMES if m in results.runs.columns]
    table = Table(title=f"{directory}: mean ± 95% CI over ok runs")
    table.add_column("design", no_wrap=True)
    table.add_column("runs", justify="right")
    for metric in metrics:
        table.add_column(OUTCOMES[metric][0], justify="right")
    stats = describe(results.runs, metrics)
    for design, rows in stats.groupby("design", sort=False):
        cells = [
            f"{fmt.format(r.mean)} ± {fmt.format(r.ci_high - r.mean) if r.n > 1 else 'n/a'}"
            for r, fmt in zip(rows.itertuples(), (OUTCOMES[m][1] for m in rows["metric"]), strict=True)
        ]
        table.add_row(str(design), str(rows["n"].iloc[0]), *cells)
    console = Console()
    console.print(table)
    console.print(f"report written to {path}", soft_wrap=True)
    return 0
