"""The "Which design where?" view: the shipped design map with the page's company on it, and the map
of an uploaded design file filling in while it computes in the background (`dashboards.map_job`).

The company is design A as the page would run it after the next Reset: the draft's lever values
where the facilitator moved a slider, design A's own values elsewhere. An axis of the map that is not
among the main levers (free riding, for the shipped map) gets its slider here, so both coordinates
of the marker can be moved; like every lever, they apply to the simulation on Reset.

The maps are drawn by the page's `Chart` widget, outside the step's redraw (`gather=False`): a
step never waits for them. The view is closed until asked for, and only an open view polls the
background map.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import replace
from functools import cache
from typing import Any

import solara

import sim
from dashboards import map_view
from dashboards.chart import Chart
from dashboards.i18n import Translator
from dashboards.map_job import MapJob, Progress
from dashboards.panels import Lever
from dashboards.session import WEEKS, Config, Session

#: How often an open view looks at the background map's folder.
POLL_SECONDS = 1.0
HEIGHT = 620


@cache
def shipped() -> map_view.DesignMap | None:
    """The shipped map, read once per server (package data: it does not change while serving)."""
    return map_view.read(map_view.SHIPPED)


def company(session: Session, config: Config, names: tuple[str, ...]) -> dict[str, float]:
    """Design A's values of `names` as the next Reset would use them."""
    params = sim.resolve(session.catalogue.get(config.design), weeks=WEEKS).params
    return {name: float(config.levers.get(name, getattr(params, name))) for name in names}


@solara.component
def MapPanel(session: Session, draft: solara.Reactive[Config], job: MapJob | None, t: Translator) -> None:
    """A button that opens the view; open, the maps, the axes' sliders and the background progress."""
    opened = solara.use_reactive(False)
    solara.Button(
        t("map.open"),
        icon_name="mdi-map" if not opened.value else "mdi-close",
        on_click=lambda: opened.set(not opened.value),
        outlined=True,
        classes=["truce-map-open"],
    )
    dmap = shipped()
    if opened.value and dmap is not None:
        MapView(session, draft, dmap, job, t)
    elif opened.value:
        solara.Warning(t("map.missing"), classes=["truce-map-stale"])


@solara.component
def MapView(
    session: Session,
    draft: solara.Reactive[Config],
    dmap: map_view.DesignMap,
    job: MapJob | None,
    t: Translator,
) -> None:
    """The open view: the shipped map `dmap`, the background map of `job` if there is one, and the
    sliders of the map's axes that the lever panel lacks. Redrawn when the language or the company's
    place changes, and (the background map) whenever more of its cells are in."""
    charts = solara.use_memo(
        lambda: {name: Chart(name=name, height=HEIGHT, gather=False) for name in ("map", "map_upload")}, []
    )
    revisions = solara.use_memo(lambda: itertools.count(1), [])
    progress = solara.use_reactive(None)  # Progress of `job`, None before the first look
    latest = solara.use_reactive(None)  # the background map's cells so far (a DesignMap), or None
    config = draft.value
    axes = tuple(dmap.info["axes"][k]["name"] for k in ("x", "y"))
    here = company(session, config, axes)
    where = tuple(here.values())

    def draw() -> None:
        charts["map"].show(map_view.figure(dmap, t, here, map_view.title(dmap.info, t)), next(revisions))

    def draw_upload() -> None:
        """The background map so far; before its first cell, an empty plot under its title."""
        if job is None:
            return
        title = map_view.title((latest.value or dmap).info, t, job.design)
        figure = {"title": title, "data": [], "layout": {}}
        if latest.value is not None:
            figure = map_view.figure(latest.value, t, here, title)
        charts["map_upload"].show(figure, next(revisions))

    def poll(cancel: threading.Event) -> None:
        """Follow the background map until it ends: its progress, and its cells whenever the file
        changes (both files are replaced whole by `truce map`, never seen half written). A newer
        upload stops this job and cancels this thread: it then sets nothing more."""
        latest.set(None)
        progress.set(None)
        if job is None:
            return
        stamp = None
        while not cancel.is_set():
            now = job.progress()
            try:
                changed = (job.out / map_view.MAP).stat().st_mtime_ns
            except OSError:  # no cell yet, or the folder is gone (the job was stopped)
                changed = None
            cells = job.read() if changed != stamp else latest.value
            if cancel.is_set():
                return
            progress.set(now)
            latest.set(cells)
            stamp = changed
            if now.status in ("complete", "failed"):
                return
            cancel.wait(POLL_SECONDS)

    solara.use_effect(draw, [t.lang, where])
    solara.use_effect(draw_upload, [t.lang, where, latest.value, job])
    solara.use_thread(poll, dependencies=[job], intrusive_cancel=False)

    def set_lever(name: str) -> Any:
        return lambda value: draft.set(replace(draft.value, levers={**draft.value.levers, name: value}))

    with solara.Column(classes=["truce-map"]):
        warning = map_view.stale(dmap.info, t)
        if warning:
            solara.Warning(warning, classes=["truce-map-stale"])
        solara.Text(t("map.caption"), classes=["truce-map-caption"])
        with solara.Row(classes=["truce-map-levers"], style="flex-wrap: wrap"):
            for spec in sim.params():
                if spec.name in axes and not spec.main:
                    Lever(spec, here[spec.name], set_lever(spec.name), t)
        with solara.Div(classes=["truce-grid", "truce-map-grid"]):
            solara.Div(children=[charts["map"]])
            with solara.Div():
                if job is None:
                    solara.Text(t("map.upload_hint"), classes=["truce-map-hint"])
                else:
                    BackgroundStatus(job, progress.value, t)
                    solara.Div(children=[charts["map_upload"]])


@solara.component
def BackgroundStatus(job: MapJob, progress: Progress | None, t: Translator) -> None:
    """The background map's progress bar and one line: runs done of those planned so far, or why
    it failed. The planned runs grow as refinement adds cells, so the bar may step back a little."""
    now = progress or Progress("starting")
    share = 1.0 if now.status == "complete" else now.share
    with solara.Column(gap="4px", classes=["truce-map-progress"]):
        solara.ProgressLinear(value=round(100 * share), color="primary")
        if now.status == "failed":
            solara.Error(t("map.failed", reason=now.message), classes=["truce-map-failed"])
            return
        done, planned = t.number(now.done), t.number(now.planned)
        solara.Text(
            t(f"map.{now.status}", design=job.design, done=done, planned=planned),
            classes=["truce-map-status"],
        )
