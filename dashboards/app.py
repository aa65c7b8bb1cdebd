"""The workshop dashboard page (`solara run dashboards.app`; `truce dashboard` serves it).

State lives per browser session (`use_memo`/`use_reactive` inside `Page`): a model at module level
would be shared by everyone who opens the page. A step bumps one counter, `tick`; only the
components that show the week read it, so the lever panel is not rebuilt on every step.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import solara

from dashboards import offline, release
from dashboards.catalogue import MAX_UPLOAD_BYTES
from dashboards.chart import Chart
from dashboards.figures import TIME_CHARTS, Figure
from dashboards.i18n import LANGUAGES, Translator
from dashboards.map_job import Background
from dashboards.map_panel import MapPanel
from dashboards.panels import BigNumbers, Controls, DesignPanel, Downloads, Interventions, WhyPanel
from dashboards.sankey import handoff
from dashboards.session import Config, Run, Session
from dashboards.why import ACCOUNTS, why

# While playing, the charts are redrawn at most this often: a busy laptop's browser that gets more
# redraws than it can paint stops handling clicks (Pause) until it has caught up.
FRAME_SECONDS = 0.25
# The coming week is computed this soon after the charts were sent, while the browser draws them:
# a later start (0.2 s, measured) lets a quick next click wait for the models being copied.
PREPARE_SECONDS = 0.03
YIELD_SECONDS = 0.005  # the play loop's shortest pause, so the page's own events get their turn
CSS = Path(__file__).with_name("style.css")
GRID = (*TIME_CHARTS, "handoff")  # the charts in the grid, in order; side by side, "why" sits above it

# The server imports this module before it serves a page: from then on, no CDN path is fetched.
offline.forbid_cdn_fetches()


class Charts:
    """The page's chart widgets, made once per session and redrawn in place.

    A widget sends its own figure (or only the week's new points); re-rendering a component tree
    per step costs reacton ~100 ms of reconciliation here, which is what the 150 ms budget from click
    to repaint cannot afford.
    """

    def __init__(self) -> None:
        self.widgets = {name: Chart(name=name, height=330) for name in GRID}
        self.widgets["why"] = Chart(name="why", height=460)
        # The figures of the week `Session.prepare` computed ahead: (session version, language,
        # account of the why panel, the models they show, figures).
        self._ahead: tuple[int, str, str, tuple[Any, ...], dict[str, Figure]] | None = None

    def publish(self, session: Session, t: Translator, rev: int, account: str = ACCOUNTS[0]) -> None:
        """Every chart's figure of the same week, built first (or in advance) and then sent back to
        back: the browser redraws a step's charts together once all of them have arrived (chart.js)."""
        with session.lock:  # also keeps a `prepare` from offering while these are sent
            ahead, self._ahead = self._ahead, None
            # The figures of the models on show: after a reset the version is the one the prepared
            # week would have had, but the models are new.
            if (
                ahead is not None
                and ahead[:3] == (session.version, t.lang, account)
                and _same(ahead[3], session.runs)
            ):
                figures = ahead[4]
            else:
                figures = _figures(session.runs, t, account)
            for name, figure in figures.items():
                self.widgets[name].show(figure, rev)

    def prepare(self, session: Session, t: Translator, account: str = ACCOUNTS[0]) -> None:
        """The coming week and its figures, computed while the page is idle (`Session.prepare`),
        offered to the browser to draw in advance (`Chart.offer`)."""
        prepared = session.prepare()
        if prepared is not None:
            version, runs = prepared
            figures = _figures(runs, t, account)
            with session.lock:
                if session.version + 1 != version:  # a step or an intervention came meanwhile
                    return
                self._ahead = (version, t.lang, account, tuple(run.model for run in runs), figures)
                for name, figure in figures.items():
                    self.widgets[name].offer(figure)

    def close(self) -> None:
        """Drop the figures computed ahead (they hold a week of every chart): the page is gone."""
        self._ahead = None


def _same(models: tuple[Any, ...], runs: list[Run]) -> bool:
    """Whether `runs` hold exactly these model objects (a step takes the prepared ones as they are)."""
    return len(models) == len(runs) and all(m is run.model for m, run in zip(models, runs, strict=True))


def _figures(runs: list[Run], t: Translator, account: str) -> dict[str, Figure]:
    """Every chart's figure; side by side also the why panel's, in `account` ("revenue" or "profit")."""
    figures = {name: build(runs, t) for name, build in TIME_CHARTS.items()}
    figures["handoff"] = handoff(runs, t)
    if len(runs) > 1:
        figures["why"] = why(runs, t, account)
    return figures


@solara.component
def Header(lang: solara.Reactive[str], t: Translator) -> None:
    with solara.Row(classes=["truce-header"], style="align-items: center"):
        solara.Text(t("app.title"), classes=["truce-title"])
        solara.v.Spacer()
        with solara.ToggleButtonsSingle(value=lang, classes=["truce-languages"]):
            for code, name in LANGUAGES.items():
                solara.Button(name, value=code)


@solara.component
def Page() -> None:
    lang = solara.use_reactive("en")
    session = solara.use_memo(Session, [])
    charts = solara.use_memo(Charts, [])
    maps = solara.use_memo(Background, [])  # the map of the design file uploaded last
    revisions = solara.use_memo(lambda: itertools.count(1), [])
    draft = solara.use_reactive(session.config)
    tick = solara.use_reactive(0)  # one more after every step: what shows the week re-renders
    finished = solara.use_reactive(False)  # buttons that cannot act after the last week re-render
    generation = solara.use_reactive(0)  # one more after every rebuild: what shows the runs re-renders
    playing = solara.use_reactive(False)
    halt = solara.use_memo(threading.Event, [])  # set by Pause; the play loop checks it under the lock
    speed = solara.use_reactive("4")
    account = solara.use_reactive(ACCOUNTS[0])  # the why panel's; read by it and by `bump`, not here
    error = solara.use_reactive("")
    t = Translator(lang.value)
    _ = generation.value  # subscribe: re-render the whole page after every rebuild

    def guard(action: Callable[..., Any]) -> Callable[..., None]:
        """Run a page action; any failure becomes a message on the page, never a dead page."""

        def run(*args: Any, **kwargs: Any) -> None:
            try:
                action(*args, **kwargs)
                error.set("")
            except Exception as err:
                playing.set(False)
                error.set(f"{type(err).__name__}: {err}")

        return run

    def bump() -> None:
        """Show the models' new state: charts in place, then the few components that read `tick`.

        No lock is held while components re-render: they take the session's lock themselves, and a
        render under it would deadlock against a render waiting for it.
        """
        rev = next(revisions)
        t = Translator(lang.value)  # the language now, not at render time
        charts.publish(session, t, rev, account.value)
        tick.set(rev)
        finished.set(not session.running)
        threading.Timer(PREPARE_SECONDS, prepare, args=(t, account.value)).start()

    def prepare(t: Translator, kind: str) -> None:
        """Compute the coming week in advance, unless playing (the play loop steps itself).

        A failure here is left to the Step that would compute the same week: it shows it.
        """
        if not playing.value:
            with contextlib.suppress(Exception):
                charts.prepare(session, t, kind)

    def upload(info: Any) -> None:
        """A design file dropped on the page: its content, validated, becomes design A, and its
        design map starts computing in the background (replacing the previous upload's)."""
        data = info["file_obj"].read(MAX_UPLOAD_BYTES + 1)
        key = session.catalogue.add(info["name"], data)
        maps.start(key, data, session.catalogue.get(key).name)
        rebuild(replace(draft.value, design=key, levers={}))

    def close() -> None:
        """The page is gone (Solara closes its session): free its models and prepared weeks now,
        and stop its background map (deleting its folder)."""
        session.close()
        maps.stop()
        charts.close()
        release.release_soon()

    def rebuild(config: Config) -> None:
        playing.set(False)
        session.reset(config)
        draft.set(config)
        generation.set(generation.value + 1)
        bump()

    def start() -> None:
        halt.clear()
        playing.set(True)

    def pause() -> None:
        """Stop after the week in flight and show exactly where the models stopped.

        The play loop steps only while holding the session's lock and after checking `halt`, so once
        the lock has been taken here no further week can run: the week shown after Pause is final.
        """
        halt.set()
        with session.lock:
            pass
        bump()
        playing.set(False)

    def act(name: str) -> Callable[[], None]:
        actions = {
            "step": lambda: (session.step(), bump()),
            "reset": lambda: rebuild(draft.value),
            "play": start,
            "pause": pause,
        }
        return guard(actions[name])

    def intervene(kind: str, target: str, **args: Any) -> None:
        session.intervene(kind, target, **args)
        bump()

    def play(cancel: threading.Event) -> None:
        """Step while playing, at the chosen pace or as fast as possible; redraw a few times a second."""
        if not playing.value:
            return
        last = 0.0
        try:
            while not cancel.is_set() and session.running:
                began = time.perf_counter()
                with session.lock:
                    if halt.is_set():
                        return
                    session.step()
                pace = speed.value
                if began - last >= FRAME_SECONDS or not session.running:
                    bump()
                    last = time.perf_counter()
                wait = 0.0 if pace == "max" else 1 / int(pace) - (time.perf_counter() - began)
                cancel.wait(max(YIELD_SECONDS, wait))  # let clicks (Pause) in between steps
        except Exception as err:
            error.set(f"{type(err).__name__}: {err}")
        if not cancel.is_set():
            bump()
            playing.set(False)

    solara.use_thread(play, dependencies=[playing.value], intrusive_cancel=False)
    solara.use_effect(bump, [lang.value])  # first draw, and every change of language
    solara.use_effect(lambda: close, [])  # its clean-up runs when the session's page closes

    solara.Title("Truce")
    solara.Style(CSS)
    with solara.Div(classes=["truce-page"]):
        Header(lang, t)
        if error.value:
            solara.Error(f"{t('app.error')}: {error.value}", classes=["truce-error"])
        with solara.Div(classes=["truce-layout"]):
            DesignPanel(session, draft, t, guard(rebuild), guard(upload), generation.value)
            with solara.Column(classes=["truce-main"]):
                Controls(session, tick, finished, playing, speed, t, act)
                Interventions(session, finished.value, t, guard(intervene))
                BigNumbers(session, tick, t)
                if len(session.runs) > 1:
                    WhyPanel(charts.widgets["why"], account, t, guard(bump))
                solara.Div(classes=["truce-grid"], children=[charts.widgets[name] for name in GRID])
                MapPanel(session, draft, maps.job, t)
                Downloads(session, t, generation.value)
