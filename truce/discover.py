"""`truce discover DIR`: where over a sweep's sampled uncertainties a design wins, or fails a threshold."""

from __future__ import annotations

from pathlib import Path


def discover(
    directory: Path,
    design: str,
    outcome: str,
    versus: str | None,
    below: float | None,
    above: float | None,
) -> int:
    """Print the PRIM box of the question in words, its limits with their quasi-p values, and how it
    was chosen. Without --versus, --below or --above the question is "beats the sweep's baseline"."""
    import experiments
    from experiments.discovery import MAX_DIMS, Question, discover
    from experiments.report_discovery import sampled_axes
    from truce.tables import show, table

    if below is not None or above is not None:
        Question(design, outcome, below=below, above=above)  # a bad threshold: refused before any reading
    results = experiments.load(directory)
    axes = sampled_axes(results.manifest, str(directory))
    if versus is None and below is None and above is None:
        versus = results.manifest.get("baseline")
    question = Question(design, outcome, versus=versus, below=below, above=above)
    box = discover(results.runs, axes, question)
    lines = [box.words()]
    if box.found:
        rows = []
        for name, limit in box.limits.items():
            low, high = ("", "") if isinstance(limit, frozenset) else limit
            kept = ", ".join(map(str, sorted(limit))) if isinstance(limit, frozenset) else ""
            rows.append((name, kept or _num(low), kept or _num(high), f"{box.quasi_p[name]:.2g}"))
        lines.append(table("the box (blank: not restricted)", ("parameter", "low", "high", "quasi-p"), rows))
        lines.append(
            f"Box {box.chosen} of PRIM's {len(box.trajectory)}-box peeling trajectory over "
            f"{', '.join(axes)}: "
            f"the best harmonic mean of coverage and density among boxes with at most {MAX_DIMS} "
            "restrictions, each with quasi-p <= 0.05. The 95 % CIs are Wilson intervals with the box "
            "fixed (they leave out the uncertainty of finding the box)."
        )
    show(*lines)
    return 0


def _num(x: object) -> str:
    return "" if x is None else f"{x:.4g}" if isinstance(x, float) else str(x)
