"""`truce`: one entry point, one subcommand per job. Layers are imported lazily per subcommand."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from sim.errors import InputError
from truce.map import add_parser as add_map  # stdlib only at import: `truce run` stays light


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (the promise of every bad input), not usage + error."""

    def error(self, message: str) -> NoReturn:
        print(f"truce: error: {_one_line(message)} (see `{self.prog} --help`)", file=sys.stderr)
        sys.exit(2)


def _one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _parse_set(items: Sequence[str]) -> dict[str, object]:
    """`--set name=value` pairs; values parse as TOML scalars (1, 0.5, true).

    Each is checked here, so a bad one is reported as the `--set` it came from, not as a key of
    the design file it overrides.
    """
    import tomllib

    from sim.params import spec

    out: dict[str, object] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--set {item!r}: expected name=value")
        try:
            parsed = tomllib.loads(f"v = {value.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            raise InputError(f"--set {item!r}: value {value!r} is not a number or true/false") from None
        spec(name.strip(), f"--set {item!r}").check(parsed, f"--set {item!r}")
        out[name.strip()] = parsed
    return out


def _cmd_run(args: argparse.Namespace) -> int:
    import sim
    from sim import budget
    from truce.progress import progress
    from truce.tables import print_summary

    run = sim.resolve(args.design, weeks=args.weeks, **_parse_set(args.set))
    seconds = budget.run_seconds(run.params, run.weeks)
    size = budget.Size(1, seconds, budget.run_bytes(run.params, run.weeks), 1)
    budget.check(f"run {args.design} --weeks {run.weeks}", size, args.max_hours)
    with progress(run.weeks, "weeks", f"running {args.design}") as advance:
        model = sim.TruceModel(run, rng=args.seed)
        while model.running:
            model.step()
            advance(1)
    from sim.metrics import summary
    from sim.runner import weekly_frame

    print_summary(model.design.name, args.seed, summary(weekly_frame(model)))
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from truce.compare import compare

    return compare(
        args.designs or None,
        replications=args.replications,
        root=args.seed,
        weeks=args.weeks,
        workers=args.workers,
        overrides=_parse_set(args.set),
        max_hours=args.max_hours,
        output=args.format,
    )


def _cmd_designs(args: argparse.Namespace) -> int:
    from truce.tables import print_design, print_designs

    if args.design:
        print_design(args.design)
    else:
        print_designs()
    return 0


def _cmd_dashboard(args: argparse.Namespace) -> int:
    from truce.dashboard import serve

    return serve(args.host, args.port)


def _add_max_hours(parser: argparse.ArgumentParser) -> None:
    from sim.budget import MAX_HOURS

    parser.add_argument(
        "--max-hours",
        type=float,
        default=MAX_HOURS,
        metavar="H",
        help="refuse a job estimated to take longer (memory is always checked, never overridable)",
    )


def _cmd_sweep(args: argparse.Namespace) -> int:
    from truce.sweep import sweep

    return sweep(
        args.spec,
        args.out,
        workers=args.workers,
        scheduler=args.scheduler,
        local_cluster=args.local_cluster,
        csv=args.csv,
        max_hours=args.max_hours,
    )


def _cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from truce.report import report

    return report(Path(args.dir), Path(args.out) if args.out else None)


def _cmd_discover(args: argparse.Namespace) -> int:
    from pathlib import Path

    from truce.discover import discover

    return discover(Path(args.dir), args.design, args.outcome, args.versus, args.below, args.above)


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from truce.calibrate import run_calibration

    return run_calibration(
        args.funnel,
        args.out,
        replications=args.replications,
        root=args.seed,
        weeks=args.weeks,
        base=args.design,
        workers=args.workers,
        max_hours=args.max_hours,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="truce",
        description="Simulate marketing, sales and service under organisational designs.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    fmt = argparse.ArgumentDefaultsHelpFormatter

    run = sub.add_parser("run", help="run one design once and print its summary", formatter_class=fmt)
    run.add_argument("design", help="preset name (see `truce designs`) or path to a TOML design")
    run.add_argument("--weeks", type=int, default=260, help="horizon in weeks")
    run.add_argument("--seed", type=int, default=0, help="random seed")
    run.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter (repeatable; see `truce designs DESIGN`)",
    )
    _add_max_hours(run)
    run.set_defaults(func=_cmd_run)

    cmp_ = sub.add_parser(
        "compare", help="compare designs over replications on common seeds", formatter_class=fmt
    )
    cmp_.add_argument("designs", nargs="*", help="designs to compare (default: the four presets)")
    cmp_.add_argument("--replications", type=int, default=30, help="runs per design")
    cmp_.add_argument(
        "--seed",
        type=int,
        default=0,
        help="root seed R: replication r uses SeedSequence(R).spawn(N)[r]",
    )
    cmp_.add_argument("--weeks", type=int, default=260, help="horizon in weeks")
    cmp_.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    cmp_.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter in every design (repeatable)",
    )
    cmp_.add_argument(
        "--format",
        choices=("table", "csv", "json", "markdown"),
        default="table",
        help="table: for people, never cut; csv, json: one row per design and outcome, full precision; "
        "markdown: a GitHub table to paste",
    )
    _add_max_hours(cmp_)
    cmp_.set_defaults(func=_cmd_compare)

    des = sub.add_parser("designs", help="list the preset designs, or show one in full", formatter_class=fmt)
    des.add_argument("design", nargs="?", help="preset name or TOML path to show resolved")
    des.set_defaults(func=_cmd_designs)

    swp = sub.add_parser(
        "sweep", help="run an experiment spec (TOML) into a resumable results folder", formatter_class=fmt
    )
    swp.add_argument("spec", help="experiment spec, e.g. experiments/specs/designs.toml")
    swp.add_argument("--out", required=True, help="results folder; rerun the same command to resume")
    swp.add_argument(
        "--workers", type=int, default=None, help="processes or Dask workers (default: all cores)"
    )
    where = swp.add_mutually_exclusive_group()
    where.add_argument(
        "--scheduler", default=None, metavar="ADDR", help="Dask scheduler, e.g. tcp://host:8786"
    )
    where.add_argument("--local-cluster", action="store_true", help="run on a local Dask cluster")
    swp.add_argument("--csv", action="store_true", help="also write runs.csv and weekly.csv")
    _add_max_hours(swp)
    swp.set_defaults(func=_cmd_sweep)

    add_map(sub, fmt, _add_max_hours)

    rep = sub.add_parser(
        "report", help="write the HTML report of a results folder (plotly, offline)", formatter_class=fmt
    )
    rep.add_argument("dir", help="results folder written by `truce sweep` or `truce map`")
    rep.add_argument(
        "--out", default=None, metavar="FILE", help="HTML file to write; when %(default)s, DIR/report.html"
    )
    rep.set_defaults(func=_cmd_report)

    dis = sub.add_parser(
        "discover",
        help="where over a sweep's sampled uncertainties a design wins, or fails a threshold (PRIM)",
        description="Scenario discovery: PRIM (EMA Workbench) on the sweep's sampled parameters finds the "
        "region where the question holds, with its coverage and density (95 %% bootstrap CIs).",
        formatter_class=fmt,
    )
    dis.add_argument("dir", help="results folder of a sweep that samples parameters (e.g. lhs)")
    dis.add_argument("--design", required=True, help="the design asked about")
    dis.add_argument(
        "--outcome", default="profit", help="summary metric (churn and turnover: lower is better)"
    )
    ask = dis.add_mutually_exclusive_group()
    ask.add_argument(
        "--versus", default=None, metavar="DESIGN", help="where DESIGN is beaten (default: baseline)"
    )
    ask.add_argument(
        "--below", type=float, default=None, metavar="T", help="where the design's mean is below T"
    )
    ask.add_argument(
        "--above", type=float, default=None, metavar="T", help="where the design's mean is above T"
    )
    dis.set_defaults(func=_cmd_discover)

    from truce.robust import add_parser as add_robust  # stdlib only at import: `truce run` stays light

    add_robust(sub, fmt)

    dash = sub.add_parser("dashboard", help="serve the live workshop dashboard", formatter_class=fmt)
    dash.add_argument("--host", default="127.0.0.1", help="address to serve on (0.0.0.0 for a projector PC)")
    dash.add_argument("--port", type=int, default=8765, help="port to serve on (1-65535)")
    dash.set_defaults(func=_cmd_dashboard)

    cal = sub.add_parser(
        "calibrate",
        help="fit market and workforce constants to your funnel; write your company's design",
        description="Fit the constants paired with FUNNEL.toml's [targets] (never a design lever) on "
        "common seeds and write a design file for run, compare and the dashboard. The defaults take "
        "about 1-2 minutes on 2 cores; more replications or weeks tighten the fit at a linear cost.",
        formatter_class=fmt,
    )
    cal.add_argument("funnel", help="observed rates, e.g. experiments/specs/funnel_example.toml")
    cal.add_argument("--out", required=True, metavar="COMPANY.toml", help="design file to write")
    cal.add_argument("--replications", type=int, default=6, help="runs per evaluation (common seeds)")
    cal.add_argument(
        "--seed", type=int, default=0, help="root seed R: replication r uses SeedSequence(R).spawn(N)[r]"
    )
    cal.add_argument("--weeks", type=int, default=156, help="horizon per run (rates over weeks 53..)")
    cal.add_argument("--design", default="siloed", help="base design (preset or TOML) for the levers")
    cal.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    _add_max_hours(cal)
    cal.set_defaults(func=_cmd_calibrate)
    return parser


#: Flags checked before any subcommand starts: name -> (lowest, highest) allowed value.
_FLAG_RANGES = {"weeks": (1, None), "replications": (1, None), "workers": (1, None), "seed": (0, None)}
_FLAG_RANGES |= {"port": (1, 65535)}


def _check_flags(args: argparse.Namespace) -> None:
    """The numeric flags' ranges, the time limit and the Dask address, before anything is read or run."""
    for name, (lo, hi) in _FLAG_RANGES.items():
        value = getattr(args, name, None)
        if value is None:
            continue
        if value < lo or (hi is not None and value > hi):
            allowed = f"int >= {lo}" if hi is None else f"int in [{lo}, {hi}]"
            raise InputError(f"--{name} = {value} is invalid (allowed: {allowed})")
    if getattr(args, "max_hours", None) is not None:
        from sim.budget import check_hours

        check_hours(args.max_hours)
    if getattr(args, "scheduler", None) is not None:
        _check_address(args.scheduler)


def _check_address(address: str) -> None:
    """A Dask scheduler address: [protocol://]host:port, so a missing port is named, not a traceback."""
    allowed = "[tcp|tls|ws|wss|ucx]://host:port, e.g. tcp://127.0.0.1:8786"
    protocol, sep, rest = address.rpartition("://")
    if sep and protocol not in ("tcp", "tls", "ws", "wss", "ucx"):
        raise InputError(f"--scheduler {address!r}: unknown protocol {protocol!r} (allowed: {allowed})")
    host, colon, port = rest.rpartition(":")
    host = host.strip("[]")
    if not colon or not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise InputError(f"--scheduler {address!r}: needs a host and a port 1-65535 (allowed: {allowed})")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; bad input prints one line and exits 2, with no traceback."""
    args = build_parser().parse_args(argv)
    try:
        _check_flags(args)
        return args.func(args)
    except InputError as err:
        print(f"truce: error: {_one_line(str(err))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("truce: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
