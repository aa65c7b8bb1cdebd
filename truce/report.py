"""`truce report DIR`: write the HTML report of a results folder and print its headline table."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def report(directory: Path, out: Path | None) -> int:
    """Write the report of `directory` to `out` (default `DIR/report.html`); print the answer the
    report opens with (its headline differences in words), the per-design means with 95% CI
    half-widths of the main outcomes, and where the report is."""
    import experiments
    from experiments.storage import MANIFEST
    from sim import files

    # A folder with a map and no runs (the shipped one). "map.json" is `map_store.META`, not imported
    # here: that module costs numpy and scipy (a second) before a bad folder is refused.
    if not (directory / MANIFEST).exists() and (directory / "map.json").exists():
        return _map_only(directory, out)
    results = experiments.load(directory)  # the folder and the output path, before plotly is imported
    target = files.check_out_file(out or directory / "report.html", "--out" if out else "report file")
    from experiments.report import write_report
    from experiments.report_answer import comparable, sentences
    from experiments.stats import describe
    from truce.compare import OUTCOMES
    from truce.tables import show, table

    path = write_report(results, target)
    metrics = [m for m in OUTCOMES if m in results.runs.columns]
    stats = describe(results.runs, metrics).set_index(["metric", "design"])
    designs = list(dict.fromkeys(stats.index.get_level_values("design")))
    # One row per outcome, one column per design: readable on an 80-column terminal (see `compare`).
    rows = []
    if metrics:
        rows.append(("ok runs", *(str(stats.loc[(metrics[0], d), "n"]) for d in designs)))
    for metric in metrics:
        label, fmt = OUTCOMES[metric]
        rows.append((label, *(_cell(stats.loc[(metric, d)], fmt) for d in designs)))
    names = [str(design) for design in designs]
    title = f"{directory}: mean ± 95% CI over ok runs"
    runs, manifest = results.runs, results.manifest
    baseline = manifest.get("baseline") or runs["design"].iloc[0]
    answer = []
    if comparable(runs, baseline):
        answer = [f"- {line}" for line in sentences(runs, baseline, manifest.get("spec", {}).get("weeks"))]
    from experiments.report_robust import robust_lines

    answer += robust_lines(runs, manifest)
    show(*answer, table(title, ("outcome", *names), rows, right=names), f"report written to {path}")
    return 0


def _map_only(directory: Path, out: Path | None) -> int:
    """A folder with a map and no runs (the shipped map): its report, and where each design wins."""
    from experiments.map_report import write_map_report
    from experiments.map_store import read_map, stale
    from sim import files
    from truce.map import area

    target = files.check_out_file(out or directory / "report.html", "--out" if out else "report file")
    print(f"{directory}: {area(*read_map(directory))}")
    for reason in stale(directory):
        print(f"stale: {reason}")
    print(f"report written to {write_map_report(directory, target)}")
    return 0


def _cell(row: pd.Series, fmt: str) -> str:
    half = fmt.format(row["ci_high"] - row["mean"]) if row["n"] > 1 else "n/a"
    return f"{fmt.format(row['mean'])} ± {half}"
