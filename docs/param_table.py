"""Generate docs/ODD.md's parameter, design and outcome tables from their declarations, and check the
prose covers the parameter registry.

The tables are never edited by hand: defaults move when the fitted constants are re-fitted, and a
restated default drifts. The script also checks that the hand-written parts still cover the registry:
every `source` key has an entry under "Sources", every parameter tagged "rationale" has an entry under
"Rationale for defaults" stating its current default, and every design lever has a row in the
lever -> benefit -> cost table.

    .venv/bin/python docs/param_table.py            # print the generated tables
    .venv/bin/python docs/param_table.py --write    # replace them in docs/ODD.md
    .venv/bin/python docs/param_table.py --check    # exit 1 if docs/ODD.md is out of date
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import sim

ODD = Path(__file__).resolve().parent / "ODD.md"
#: Levers that are company settings rather than design choices: no benefit/cost row is required.
COMPANY_SETTINGS = frozenset(
    {
        "marketers",
        "salespeople",
        "service_staff",
        "service_planned_load",
        "service_budget_share",
        "marketing_budget_week",
        "commission_rate",
        "quota_growth",
    }
)
#: Headings (level 2 or 3) of the hand-written sections the coverage check reads.
SOURCES, RATIONALE, LEVERS = "Sources", "Rationale for defaults", "Lever → benefit → cost → source"


def fmt(value: Any) -> str:
    """A parameter value as the tables print it (bools in TOML spelling, floats in shortest form)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def params_table() -> str:
    """Every lever and uncertainty of the registry, in its order (levers first)."""
    specs = [p for p in sim.params() if p.kind != "constant"]
    levers = sum(p.kind == "lever" for p in specs)
    lines = [
        f"{len(specs)} parameters: {levers} levers (what management chooses), "
        f"{len(specs) - levers} uncertainties (what the market and the workforce do). The behavioural "
        "constants are listed by mechanism in 7.24.",
        "",
        "| name | kind | default | range | unit | source | description |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in specs:
        lo, hi = p.range
        lines.append(
            f"| `{p.name}` | {p.kind} | {fmt(p.default)} | [{fmt(lo)}, {fmt(hi)}] | {_cell(p.unit)} "
            f"| {p.source} | {_cell(p.description)} |"
        )
    return "\n".join(lines)


def constants_table() -> str:
    """Every behavioural constant of the registry, grouped by the mechanism file that declares it."""
    specs = [p for p in sim.params() if p.kind == "constant"]
    assumed = sum(p.source == "assumed" for p in specs)
    lines = [
        f"{len(specs)} behavioural constants, {assumed} of them assumed (no published figure: a judgement, "
        "screened by the sensitivity analysis over the range given).",
    ]
    for group in dict.fromkeys(p.group for p in specs):
        lines += [
            "",
            f"`sim/constants/{group}.toml`",
            "",
            "| name | default | range | unit | source | description |",
            "|---|---|---|---|---|---|",
        ]
        for p in specs:
            if p.group == group:
                lo, hi = p.range
                lines.append(
                    f"| `{p.name}` | {fmt(p.default)} | [{fmt(lo)}, {fmt(hi)}] | {_cell(p.unit)} "
                    f"| {p.source} | {_cell(p.description)} |"
                )
    return "\n".join(lines)


def designs_table() -> str:
    """The presets' lever values; values a design inherits from the registry default are in italics."""
    names = list(sim.designs())
    designs = {name: sim.get_design(name) for name in names}
    specs = sim.params()
    set_anywhere = {key for d in designs.values() for key in d.values}
    rows = [p for p in specs if p.kind == "lever" or p.name in set_anywhere]
    lines = [f"- `{name}`: {_cell(description)}" for name, description in sim.designs().items()]
    lines += [
        "",
        "Values in *italics* are not set by the design file and come from the registry default.",
        "",
        "| lever | " + " | ".join(f"`{n}`" for n in names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for p in rows:
        cells = []
        for name in names:
            values = designs[name].values
            cells.append(fmt(values[p.name]) if p.name in values else f"*{fmt(p.default)}*")
        lines.append(f"| `{p.name}` | " + " | ".join(cells) + " |")
    scheduled = {n: d.interventions for n, d in designs.items() if d.interventions}
    for name, interventions in scheduled.items():
        lines.append("")
        lines.append(f"`{name}` schedules: " + "; ".join(str(iv.to_dict()) for iv in interventions))
    return "\n".join(lines)


def outcomes_table() -> str:
    """Every weekly column and summary metric, in the order a run records them (`sim.outcomes()`)."""
    declared = sim.outcomes()
    weekly = sum(o.scope == "weekly" for o in declared)
    lines = [
        f"{weekly} weekly columns (`sim.run(...).weekly`, one row per week) and {len(declared) - weekly} "
        "summary metrics (`sim.run(...).summary`). *Headline* marks the results a comparison of designs is "
        "about and, among the weekly columns, the series they are computed from.",
        "",
        "| name | scope | dtype | unit | headline | description |",
        "|---|---|---|---|---|---|",
    ]
    for o in declared:
        lines.append(
            f"| `{o.name}` | {o.scope} | {o.dtype} | {_cell(o.unit)} | {'yes' if o.headline else ''} "
            f"| {_cell(o.description)} |"
        )
    return "\n".join(lines)


BLOCKS = {
    "params": params_table,
    "constants": constants_table,
    "designs": designs_table,
    "outcomes": outcomes_table,
}


def replace_block(text: str, name: str, body: str) -> str:
    """`text` with the lines between `<!-- name:begin -->` and `<!-- name:end -->` set to `body`."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    if len(pattern.findall(text)) != 1:
        raise SystemExit(f"docs/ODD.md: needs exactly one {begin} ... {end} pair")
    return pattern.sub(lambda _m: f"{begin}\n{body}\n{end}", text)


def render(text: str) -> str:
    """`text` with every generated block brought up to date."""
    for name, make in BLOCKS.items():
        text = replace_block(text, name, make())
    return text


def section(text: str, heading: str) -> str:
    """The body of the section titled `heading` (## or ###), up to the next heading of any level <= 3."""
    match = re.search(rf"^#{{2,3}} {re.escape(heading)}\s*$(.*?)(?=^#{{1,3}} |\Z)", text, re.M | re.S)
    return match.group(1) if match else ""


def coverage(text: str) -> list[str]:
    """What the hand-written sections fail to cover in the registry (empty when all is covered)."""
    specs = sim.params()
    problems = []
    sources = set(re.findall(r"^- \*\*`([\w-]+)`\*\*", section(text, SOURCES), re.M))
    for key in sorted({p.source for p in specs} - sources):
        problems.append(f"source '{key}' has no entry '- **`{key}`** ...' under '{SOURCES}'")
    stated = dict(re.findall(r"^- \*\*`(\w+)`\*\* = `([^`]+)`", section(text, RATIONALE), re.M))
    for p in specs:
        if p.source != "rationale":
            continue
        if p.name not in stated:
            problems.append(f"'{p.name}' is tagged rationale but has no entry under '{RATIONALE}'")
        elif stated[p.name] != fmt(p.default):
            problems.append(
                f"'{RATIONALE}' states {p.name} = {stated[p.name]}, the registry default is {fmt(p.default)}"
            )
    rows = set(re.findall(r"^\| `(\w+)` \|", section(text, LEVERS), re.M))
    for p in specs:
        if p.kind == "lever" and p.name not in COMPANY_SETTINGS and p.name not in rows:
            problems.append(f"lever '{p.name}' has no row in the '{LEVERS}' table")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="replace the generated tables in the file")
    mode.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")
    parser.add_argument("--file", type=Path, default=ODD, help="the ODD file (default: docs/ODD.md)")
    args = parser.parse_args(argv)
    if not (args.write or args.check):
        print("\n\n".join(make() for make in BLOCKS.values()))
        return 0
    text = args.file.read_text(encoding="utf-8")
    fresh = render(text)
    status = 0
    if args.write and fresh != text:
        args.file.write_text(fresh, encoding="utf-8")
        print(f"updated the generated tables in {args.file.name}")
    elif args.check and fresh != text:
        print(f"{args.file.name}: generated tables are out of date; run: python docs/param_table.py --write")
        status = 1
    for problem in coverage(fresh):
        print(f"{args.file.name}: {problem}")
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
