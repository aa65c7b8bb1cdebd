"""`truce`: one entry point, one subcommand per job. Layers are imported lazily per subcommand."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sim.errors import InputError


def _parse_set(items: Sequence[str]) -> dict[str, object]:
    """`--set name=value` pairs; values parse as TOML scalars (1, 0.5, true)."""
    import tomllib

    out: dict[str, object] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--set {item!r}: expected name=value")
        try:
            out[name.strip()] = tomllib.loads(f"v = {value.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            raise InputError(f"--set {item!r}: value {value!r} is not a number or true/false") from None
    return out


def _cmd_run(args: argparse.Namespace) -> int:
    import sim
    from truce.progress import progress
    from truce.tables import print_summary

    with progress(args.weeks, "weeks", f"running {args.design}") as advance:
        model = sim.TruceModel(args.design, rng=args.seed, weeks=args.weeks, **_parse_set(args.set))
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
    )


def _cmd_designs(args: argparse.Namespace) -> int:
    from truce.tables import print_design, print_designs

    if args.design:
        print_design(args.design)
    else:
        print_designs()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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
    cmp_.set_defaults(func=_cmd_compare)

    des = sub.add_parser("designs", help="list the preset designs, or show one in full", formatter_class=fmt)
    des.add_argument("design", nargs="?", help="preset name or TOML path to show resolved")
    des.set_defaults(func=_cmd_designs)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; bad input prints one line and exits 2, with no traceback."""
    args = build_parser().parse_args(argv)
    for name in ("weeks", "replications", "workers"):
        value = getattr(args, name, None)
        if value is not None and value < 1:
            print(f"truce: error: --{name} = {value} is invalid (allowed: int >= 1)", file=sys.stderr)
            return 2
    try:
        return args.func(args)
    except InputError as err:
        print(f"truce: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("truce: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
