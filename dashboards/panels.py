"""The page's panels: design and levers, run controls, interventions, big numbers, why, downloads.

Each panel is its own component so that a step re-renders only what shows the week (controls, big
numbers, charts), never the lever sliders.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import solara

import sim
from dashboards.i18n import Translator
from dashboards.session import WEEKS, Config, Run, Session
from dashboards.why import ACCOUNTS

#: Intervention buttons: kind -> (arguments fixed by the button, arguments written out from sim's
#: defaults so the exported file names every value).
BUTTONS: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
    "sales_training": ({}, ("gain", "share")),
    "hire": ({"role": "sales"}, ("n",)),
    "buy_leads": ({}, ("n", "quality")),
    "crm": ({}, ("level",)),
    "liaison": ({}, ("on",)),
    "leadership_backing": ({}, ("level",)),
}
SPEEDS = ("1", "4", "13", "max")  # weeks per second; "max" renders a few frames per second


def intervention_args(kind: str) -> dict[str, Any]:
    fixed, named = BUTTONS[kind]
    probe = sim.Intervention(1, kind, **fixed)
    return {**fixed, **{name: probe.get(name) for name in named}}


def _tooltip(kind: str, t: Translator) -> str:
    args = intervention_args(kind)
    values = {
        "gain": t.percent(args.get("gain", 0)),
        "n": t.number(args.get("n", 0)),
        "quality": t.number(args.get("quality", 0), 1),
    }
    return t(f"iv.{kind}_tip", **values)


def _step_of(spec: sim.ParamSpec) -> float:
    """A round slider step giving about a hundred positions across the parameter's own range."""
    lo, hi = spec.range
    return 10 ** math.floor(math.log10((hi - lo) / 100)) if hi > lo else 1


def _select(label: str, value: str, items: list[tuple[str, str]], on_value: Callable, cls: str) -> Any:
    return solara.v.Select(
        label=label,
        v_model=value,
        items=[{"text": text, "value": key} for key, text in items],
        on_v_model=on_value,
        class_=cls,
        outlined=True,
        hide_details=True,
    )


@solara.component
def Lever(spec: sim.ParamSpec, value: Any, on_value: Callable[[Any], None], t: Translator) -> None:
    """One main lever, generated from its registry entry: description, range, unit."""
    with solara.Column(gap="0px", classes=["truce-lever", f"lever-{spec.name}"]):
        solara.Text(t.describe(spec), classes=["truce-lever-label"])
        if spec.type == "bool":
            solara.Switch(
                label=t("control.on") if value else t("control.off"), value=bool(value), on_value=on_value
            )
            return
        step = _step_of(spec)
        decimals = max(0, -math.floor(math.log10(step))) if spec.type == "float" else 0
        lo, hi = spec.range
        if spec.type == "int":
            solara.SliderInt("", value=int(value), min=lo, max=hi, on_value=on_value)
        else:
            solara.SliderFloat("", value=float(value), min=lo, max=hi, step=step, on_value=on_value)
        solara.Text(f"{t.number(value, decimals)} {t.unit(spec)}", classes=["truce-lever-value"])


def _description(session: Session, key: str, t: Translator) -> str:
    """A preset's description in the page's language; an uploaded file's own description."""
    return t.design_description(key) or session.catalogue.description(key)


@solara.component
def DesignPanel(
    session: Session,
    draft: solara.Reactive[Config],
    t: Translator,
    rebuild: Callable,
    upload: Callable,
    generation: int,
) -> None:
    """Design(s), seed and the main levers; levers and seed apply on Reset, designs at once.

    The design lists offer the session's catalogue: the presets and the files uploaded here (the
    drop zone below them). `generation` changes with every rebuild, so the "press Reset" hint is
    re-checked then.
    """
    config = draft.value
    names = [(key, t.design_name(key)) for key in session.catalogue.choices()]

    def set_design(name: str) -> None:
        rebuild(replace(config, design=name, levers={}))

    def set_compare(on: bool) -> None:
        other = next(n for n, _ in names if n != config.design)
        rebuild(replace(config, compare=other if on else None))

    def set_lever(name: str) -> Callable[[Any], None]:
        return lambda value: draft.set(replace(config, levers={**config.levers, name: value}))

    side = bool(config.compare)
    with solara.Column(classes=["truce-side"]):
        _select(
            t("control.design_a" if side else "control.design"),
            config.design,
            names,
            set_design,
            "truce-design-a",
        )
        solara.Text(_description(session, config.design, t), classes=["truce-design-text"])
        solara.Switch(
            label=t("control.side_by_side"), value=side, on_value=set_compare, classes=["truce-side-by-side"]
        )
        if side:
            on_b = lambda name: rebuild(replace(config, compare=name))  # noqa: E731
            _select(t("control.design_b"), config.compare, names, on_b, "truce-design-b")
            solara.Text(_description(session, config.compare, t), classes=["truce-design-text"])
        with solara.Div(classes=["truce-upload"]):
            solara.FileDrop(label=t("control.upload"), on_file=upload, lazy=True)
        solara.InputInt(
            t("control.seed"),
            value=config.seed,
            on_value=lambda seed: draft.set(replace(config, seed=seed)),
            classes=["truce-seed"],
        )
        if config != session.config:
            solara.Warning(t("control.pending"), classes=["truce-pending"])
        solara.Text(t("control.levers_a" if side else "control.levers"), classes=["truce-heading"])
        # sliders start at design A's values
        params = sim.resolve(session.catalogue.get(config.design), weeks=WEEKS).params
        for spec in sim.params():
            if spec.main:
                value = config.levers.get(spec.name, getattr(params, spec.name))
                Lever(spec, value, set_lever(spec.name), t)


@solara.component
def WeekLabel(session: Session, tick: solara.Reactive[int], t: Translator) -> None:
    """The week, re-rendered on every step (and nothing else in the controls is)."""
    _ = tick.value
    weeks = session.runs[0].model.weeks
    solara.Text(t("control.week", week=session.week, weeks=weeks), classes=["truce-week"])


@solara.component
def Controls(
    session: Session,
    tick: solara.Reactive[int],
    finished: solara.Reactive[bool],
    playing: solara.Reactive[bool],
    speed: solara.Reactive[str],
    t: Translator,
    act: Callable[[str], Callable[[], None]],
) -> None:
    """Play / Pause / Step / Reset, speed, and the week."""
    done = finished.value
    with solara.Row(classes=["truce-controls"], style="align-items: center; flex-wrap: wrap"):
        if playing.value:
            solara.Button(
                t("control.pause"),
                icon_name="mdi-pause",
                on_click=act("pause"),
                color="warning",
            )
        else:
            solara.Button(
                t("control.play"),
                icon_name="mdi-play",
                on_click=act("play"),
                color="primary",
                disabled=done,
            )
        solara.Button(
            t("control.step"),
            icon_name="mdi-step-forward",
            on_click=act("step"),
            disabled=done or playing.value,
        )
        solara.Button(t("control.reset"), icon_name="mdi-restore", on_click=act("reset"))
        solara.Text(t("control.speed"), classes=["truce-label"])
        with solara.ToggleButtonsSingle(value=speed, classes=["truce-speed"]):
            for s in SPEEDS:
                solara.Button(
                    t("control.full_speed") if s == "max" else t("control.per_second", n=s), value=s
                )
        WeekLabel(session, tick, t)


@solara.component
def Interventions(session: Session, done: bool, t: Translator, intervene: Callable) -> None:
    """One button per quick fix or remedy, applied from next week and marked on every chart."""
    target = solara.use_reactive("both")
    switch_to = solara.use_reactive("shared_kpis")
    side = len(session.runs) > 1
    with solara.Row(classes=["truce-interventions"], style="align-items: center; flex-wrap: wrap"):
        solara.Text(t("iv.heading"), classes=["truce-label"])
        for kind in BUTTONS:
            with solara.Tooltip(_tooltip(kind, t)):
                solara.Button(
                    t(f"iv.{kind}"),
                    on_click=lambda kind=kind: intervene(kind, target.value, **intervention_args(kind)),
                    disabled=done,
                    outlined=True,
                    classes=[f"truce-iv-{kind}"],
                )
        with solara.Tooltip(t("iv.switch_design_tip")):
            solara.Button(
                t("iv.switch_design"),
                on_click=lambda: intervene("switch_design", target.value, design=switch_to.value),
                disabled=done,
                outlined=True,
                classes=["truce-iv-switch_design"],
            )
        names = [(name, t.design_name(name)) for name in sim.designs()]
        _select("", switch_to.value, names, switch_to.set, "truce-switch-to")
        if side:
            targets = [("both", t("iv.both")), ("A", "A"), ("B", "B")]
            _select(t("iv.apply_to"), target.value, targets, target.set, "truce-target")


def _totals(run: Run) -> dict[str, float]:
    data = run.model.datacollector.model_vars
    revenue = data["cumulative_revenue"]
    quits = sum(int(data[f"quits_{d}"].sum()) for d in ("marketing", "sales", "service"))
    return {
        "revenue": float(revenue[-1]) if revenue.size else 0.0,
        "churned": int(data["churned"].sum()),
        "quits": quits,
    }


@solara.component
def BigNumbers(session: Session, tick: solara.Reactive[int], t: Translator) -> None:
    """Revenue, customers lost and staff who quit so far; side by side, the running difference B - A."""
    _ = tick.value  # subscribe: re-render after every step
    with session.lock:
        totals = [_totals(run) for run in session.runs]
    show = {"revenue": t.money, "churned": t.number, "quits": t.number}
    with solara.Row(classes=["truce-kpis"], style="flex-wrap: wrap"):
        for key, fmt in show.items():
            with solara.Column(gap="0px", classes=["truce-kpi", f"truce-kpi-{key}"]):
                solara.Text(t(f"kpi.{key}"), classes=["truce-kpi-label"])
                if len(totals) == 1:
                    solara.Text(fmt(totals[0][key]), classes=["truce-kpi-value"])
                    continue
                diff = totals[1][key] - totals[0][key]
                solara.Text(
                    f"{t('kpi.difference')}: {t.signed(fmt(diff), diff)}", classes=["truce-kpi-value"]
                )
                solara.Text(
                    f"A {fmt(totals[0][key])} · B {fmt(totals[1][key])}", classes=["truce-kpi-detail"]
                )


@solara.component
def WhyPanel(chart: Any, account: solara.Reactive[str], t: Translator, redraw: Callable[[], None]) -> None:
    """Side by side: why B differs from A, the loss account's waterfall (`dashboards.why`) in the
    chart widget `chart`, which is redrawn with the other charts; the buttons choose its account.

    It reads no week: the chart redraws itself, so a step re-renders nothing here.
    """

    def choose(kind: str) -> None:
        account.set(kind)
        redraw()  # the chart now, not at the next step

    buttons = [solara.Button(t(f"why.{kind}"), value=kind) for kind in ACCOUNTS]
    toggle = solara.ToggleButtonsSingle(
        value=account.value, on_value=choose, children=buttons, classes=["truce-why-account"]
    )
    solara.Div(classes=["truce-why"], children=[toggle, chart])


@solara.component
def Downloads(session: Session, t: Translator, generation: int) -> None:
    """The current run(s) as weekly CSV and as a design file with the interventions made.

    `generation` changes with every rebuild (one design or two); the files are made on click.
    """
    solara.Text(t("download.heading"), classes=["truce-heading"])
    for run in session.runs:
        suffix = f" {run.label}" if len(session.runs) > 1 else ""

        def toml(run: Run = run) -> str:
            about = t(
                "download.description",
                design=t.design_name(run.design),
                seed=session.config.seed,
                week=session.week,
            )
            with session.lock:
                return session.toml(run, about)

        def csv(run: Run = run) -> str:
            with session.lock:
                return session.csv(run)

        stem = f"truce_{run.label}_{run.design.removesuffix('.toml')}"
        with solara.Row(classes=[f"truce-downloads-{run.label}"]):
            solara.FileDownload(csv, f"{stem}.csv", label=t("download.csv") + suffix, mime_type="text/csv")
            solara.FileDownload(
                toml, f"{stem}.toml", label=t("download.toml") + suffix, mime_type="application/toml"
            )
