"""`truce robust DIR`: each design's regret and satisficing share over the scenarios a sweep sampled."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

#: `--format` choices, as `truce compare` has them.
OUTPUTS = ("table", "csv", "json", "markdown")


def add_parser(sub: Any, formatter: type[argparse.HelpFormatter]) -> None:
    """The `robust` subcommand on the CLI's subparsers (kept here, so truce/cli.py stays short)."""
    rob = sub.add_parser(
        "robust",
        help="each design's regret and satisficing share over the scenarios a sweep sampled",
        description="Robust choice over a results folder whose spec samples uncertainties (e.g. "
        "experiments/specs/robust.toml): per design the mean, 90th percentile and maximum regret and the "
        "share of scenarios within --within % of the best, each with a 95 % interval over scenarios.",
        formatter_class=formatter,
    )
    rob.add_argument("dir", help="results folder written by `truce sweep` from a spec sampling uncertainties")
    rob.add_argument("--outcome", default="profit", help="summary metric (churn, turnover: lower is better)")
    rob.add_argument(
        "--within",
        type=float,
        default=5.0,
        metavar="PERCENT",
        help="satisficing: regret at most this %% of the best design's absolute value (0-100)",
    )
    rob.add_argument(
        "--format",
        choices=OUTPUTS,
        default="table",
        help="table: for people, never cut; csv, json: one row per design, full precision; "
        "markdown: a GitHub table to paste",
    )
    rob.set_defaults(func=_command)


def _command(args: argparse.Namespace) -> int:
    return robust(Path(args.dir), args.outcome, args.within, args.format)


def robust(directory: Path, outcome: str, within: float, output: str = "table") -> int:
    """Print the robust-choice table of the results folder `directory` on `outcome` in `output`:
    table and markdown for people (rounded, with the answer in words), csv and json one row per
    design at full precision (json NaN as null)."""
    import experiments
    from experiments.robust import check_within, scenario_names

    check_within(within)  # before the folder is read
    results = experiments.load(directory)
    scenario_names(results.manifest, str(directory))  # before its runs are read
    from experiments import report_robust
    from experiments.robust import robust as compute

    r = compute(results.runs, results.manifest, outcome, within, where=str(directory))
    frame = r.table.assign(outcome=outcome, within_percent=r.within, scenarios=r.scenarios)
    if output == "csv":
        frame.to_csv(sys.stdout, index=False)
        return 0
    if output == "json":
        rows = [
            {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in row.items()}
            for row in frame.to_dict("records")
        ]
        print(json.dumps(rows, indent=1, allow_nan=False))
        return 0
    columns, rows = report_robust.columns(r), report_robust.cells(r)
    words = [f"- {line}" for line in report_robust.sentences(r)]
    if output == "markdown":
        from truce.compare import _markdown

        print(f"**{report_robust.title(r)}**\n\n{_markdown(columns, rows)}\n\n" + "\n".join(words))
        return 0
    from truce.tables import show, table

    show(*words, table(report_robust.title(r), columns, rows, right=columns[1:]))
    return 0
