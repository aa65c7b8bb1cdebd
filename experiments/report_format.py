"""How the HTML report looks: its style sheet, numbers by unit, and tables a person can scan.

Numbers read by their unit: euros in M or k with about three significant digits, shares as percent
(differences of shares in percentage points), everything else with thousands separators. A column
of numbers is right-aligned in tabular figures; a table longer than `ROWS_SHOWN` is collapsed.
"""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

#: Tables with more rows than this are collapsed in a <details> element.
ROWS_SHOWN = 12
MINUS = "\u2212"

#: The report's whole style: system fonts only, nothing fetched.
STYLE = """
:root { --ink: #1f2933; --muted: #5c6773; --line: #dde2e8; --zebra: #f5f7fa; --head: #e9edf2;
  --accent: #2b5c8a; --good: #17753a; --bad: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto,
  "Helvetica Neue", Arial, sans-serif; background: #fff; }
.layout { display: grid; grid-template-columns: 14em minmax(0, 1fr); gap: 2.5em; max-width: 1500px;
  margin: 0 auto; padding: 0 1.5em; }
nav.toc { position: sticky; top: 0; align-self: start; max-height: 100vh; overflow-y: auto;
  padding: 1.6em 0; font-size: 0.88em; border-right: 1px solid var(--line); }
nav.toc ol { list-style: none; margin: 0; padding: 0 0.8em 0 0; }
nav.toc ol ol { padding-left: 1em; margin-bottom: 0.4em; }
nav.toc li { margin: 0.15em 0; } nav.toc > ol > li { margin-top: 0.6em; font-weight: 600; }
nav.toc ol ol li { font-weight: 400; }
nav.toc a { color: var(--ink); text-decoration: none; } nav.toc a:hover { color: var(--accent);
  text-decoration: underline; }
main { padding: 1.4em 0 5em; min-width: 0; }
h1 { font-size: 1.75em; margin: 0 0 0.2em; line-height: 1.25; }
h2 { font-size: 1.45em; margin: 2.2em 0 0.6em; padding-bottom: 0.2em; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.1em; margin: 1.6em 0 0.4em; }
h4 { font-size: 0.98em; margin: 0 0 0.3em; }
h2, h3 { scroll-margin-top: 0.6em; }
p { max-width: 62em; }
a { color: var(--accent); }
.scope { color: var(--muted); margin: 0 0 1em; }
.note { color: var(--muted); font-size: 0.88em; max-width: 62em; }
ul.findings { max-width: 62em; padding-left: 1.2em; font-size: 1.04em; }
ul.findings li { margin: 0.45em 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(31em, 1fr)); gap: 0.6em 2.2em; }
.card { min-width: 0; } .card table { width: 100%; }
.card h4 small { color: var(--muted); font-weight: 400; }
table { border-collapse: separate; border-spacing: 0; margin: 0.3em 0 1.2em; font-size: 0.88em; }
th, td { padding: 3px 10px; text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); }
td { white-space: nowrap; }
thead th { position: sticky; top: 0; z-index: 1; background: var(--head); font-weight: 600;
  border-bottom: 1px solid #b9c1cc; white-space: nowrap; }
tbody tr:nth-child(even) td { background: var(--zebra); }
tbody tr:hover td { background: #eaf1f8; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.base td { color: var(--muted); }
tr.total td { font-weight: 600; border-top: 1px solid #b9c1cc; }
.better { color: var(--good); font-weight: 600; }
.worse { color: var(--bad); font-weight: 600; }
.flat { color: var(--muted); }
table.facts th { background: none; font-weight: 600; white-space: nowrap; }
table.facts td { white-space: normal; max-width: 60em; overflow-wrap: anywhere; }
details { margin: 0.4em 0 1.2em; }
summary { cursor: pointer; color: var(--accent); font-size: 0.92em; }
pre { background: var(--zebra); padding: 0.8em 1em; overflow: auto; max-height: 32em; font-size: 0.8em; }
.figure { margin: 0.4em 0 1em; }
@media (max-width: 900px) { .layout { display: block; } nav.toc { position: static; border: 0; } }
@media print { nav.toc { display: none; } .layout { display: block; } thead th { position: static; } }
"""


def finite(x: object) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool) and math.isfinite(float(x))


def number(x: object) -> str:
    """A plain table cell: numbers of 100 and more as integers with thousands separators, smaller ones
    with three significant digits, NaN as n/a, text escaped."""
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "n/a"
    if isinstance(x, bool | np.bool_) or not isinstance(x, numbers.Real):
        return html.escape(str(x))
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}" if x else "0"


def p_value(p: object) -> str:
    if not finite(p):
        return "n/a"
    return "<0.001" if float(p) < 0.001 else f"{float(p):.3f}"


def kind(unit: str) -> str:
    """How a unit's numbers read: "money" (EUR), "share" (a fraction, shown as percent) or "plain"."""
    if unit.split(" ")[0] == "EUR":
        return "money"
    return "share" if unit.startswith("share") else "plain"


def unit_label(unit: str) -> str:
    """A unit as a column header or card title shows it: shares become percent."""
    if kind(unit) == "share":
        return "% a year" if unit.endswith("per year") else "%"
    return unit


def _scale(values: Sequence[float], unit: str) -> tuple[float, str, int]:
    """Divisor, suffix and decimals shared by `values`: about three significant digits on the largest."""
    largest = max((abs(v) for v in values if finite(v)), default=0.0)
    divisor, suffix = 1.0, ""
    if kind(unit) == "money":
        if largest >= 1e6:
            divisor, suffix = 1e6, " M"
        elif largest >= 1e3:
            divisor, suffix = 1e3, " k"
    elif kind(unit) == "share":
        divisor = 0.01
    scaled = largest / divisor
    decimals = 0 if scaled == 0 or scaled >= 100 else min(3, 2 - math.floor(math.log10(scaled)))
    if kind(unit) == "share":
        decimals = min(decimals, 2)
    return divisor, suffix, max(decimals, 0)


def _digits(x: float, divisor: float, decimals: int, sign: bool = False) -> str:
    text = f"{x / divisor:{'+' if sign else ''},.{decimals}f}"
    if float(text.replace(",", "")) == 0:
        text = text.lstrip("+-")  # no "-0.0"
    return text.replace("-", MINUS)


def value(x: object, unit: str) -> str:
    """One level: "22.7 M" (EUR), "9.62 %" (share), "45.8" or "1,843" (anything else)."""
    if not finite(x):
        return "n/a"
    divisor, suffix, decimals = _scale([float(x)], unit)
    return _digits(float(x), divisor, decimals) + (" %" if kind(unit) == "share" else suffix)


def _diff_suffix(unit: str, suffix: str) -> str:
    return " pp" if kind(unit) == "share" else suffix


def diff(x: object, unit: str, like: Sequence[float] = ()) -> str:
    """A signed difference: "+1.04 M" (EUR), "+0.13 pp" (share: percentage points), "+30.1"; on the
    scale and decimals of its confidence interval when that is passed as `like`."""
    if not finite(x):
        return "n/a"
    divisor, suffix, decimals = _scale([float(x), *like], unit)
    return _digits(float(x), divisor, decimals, sign=True) + _diff_suffix(unit, suffix)


def interval(low: object, high: object, unit: str) -> str:
    """A confidence interval on one scale: "0.74 to 1.33 M", "-0.34 to 0.59 pp" (with a true minus sign)."""
    if not (finite(low) and finite(high)):
        return "n/a"
    divisor, suffix, decimals = _scale([float(low), float(high)], unit)
    lo, hi = (_digits(float(v), divisor, decimals) for v in (low, high))
    return f"{lo} to {hi}{_diff_suffix(unit, suffix)}"


def resolved(low: object, high: object) -> bool:
    """Whether a confidence interval excludes 0 (the difference is resolved at its level)."""
    return finite(low) and finite(high) and (float(low) > 0 or float(high) < 0)


Cell = str | tuple[str, str]


def table(
    columns: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    numeric: Sequence[bool] | None = None,
    row_class: Sequence[str] | None = None,
    summary: str = "table",
    collapse: bool = False,
) -> str:
    """An HTML table of pre-escaped cells; a cell is HTML or (HTML, CSS class). `numeric` columns are
    right-aligned. With `collapse`, or more than `ROWS_SHOWN` rows, the table is collapsed in a
    <details> element labelled `summary` and the row count."""
    rows = list(rows)
    numeric = list(numeric) if numeric is not None else [False] * len(columns)

    def cell(tag: str, content: Cell, j: int) -> str:
        text, cls = content if isinstance(content, tuple) else (content, "")
        classes = " ".join(c for c in ("num" if numeric[j] else "", cls) if c)
        return f"<{tag} class='{classes}'>{text}</{tag}>" if classes else f"<{tag}>{text}</{tag}>"

    head = "".join(cell("th", html.escape(c), j) for j, c in enumerate(columns))
    body = ""
    for i, row in enumerate(rows):
        cls = row_class[i] if row_class is not None and row_class[i] else ""
        body += (f"<tr class='{cls}'>" if cls else "<tr>") + "".join(
            cell("td", c, j) for j, c in enumerate(row)
        )
        body += "</tr>"
    out = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    if collapse or len(rows) > ROWS_SHOWN:
        return f"<details><summary>{html.escape(summary)} ({len(rows)} rows)</summary>{out}</details>"
    return out


def frame_table(frame: pd.DataFrame, summary: str = "table", collapse: bool = False) -> str:
    """A DataFrame as a `table`: numbers by `number`, numeric columns right-aligned."""
    numeric = [frame[c].dtype.kind in "iuf" for c in frame.columns]
    rows = [[number(v) for v in row] for row in frame.itertuples(index=False)]
    return table([str(c) for c in frame.columns], rows, numeric, summary=summary, collapse=collapse)
