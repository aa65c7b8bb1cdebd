"""The page's charts: figures computed ahead are shown only for the models they were computed from."""

from __future__ import annotations

from dataclasses import replace

from dashboards.app import Charts
from dashboards.i18n import Translator
from dashboards.session import Session


def _sent(charts: Charts) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {name: [] for name in charts.widgets}
    for name, chart in charts.widgets.items():
        chart.send = lambda content, buffers=None, name=name: out[name].append(content)  # type: ignore[method-assign]
    return out


def test_a_step_shows_the_figures_prepared_for_it():
    session, charts, t = Session(), Charts(), Translator("en")
    sent = _sent(charts)
    session.step(2)
    charts.publish(session, t, 1)
    charts.prepare(session, t)
    session.step()
    charts.publish(session, t, 2)
    shown = sent["revenue"][-1]
    assert shown["rev"] == 2 and shown["offered"]  # the browser swaps in what it drew ahead


def test_a_reset_never_shows_the_week_prepared_for_the_models_it_replaced():
    """A reset's version is the one the prepared week would have had: the models tell them apart."""
    session, charts, t = Session(), Charts(), Translator("en")
    session.step(3)
    charts.publish(session, t, 1)
    charts.prepare(session, t)  # week 4 of the single run, computed ahead
    session.reset(replace(session.config, compare="shared_kpis"))  # side by side, week 0
    charts.publish(session, t, 2)
    revenue = charts.widgets["revenue"].figure
    assert revenue["rev"] == 2 and all(trace["x"] == [] for trace in revenue["data"])
    assert len(revenue["data"]) == 4  # both designs' lines
    why = charts.widgets["why"].figure
    assert why["rev"] == 2 and why["title"].endswith(t("why.no_weeks"))
