"""What a chart sends on a step: only the week's new points when nothing else changed."""

from __future__ import annotations

import json

from dashboards.chart import Chart
from dashboards.figures import revenue
from dashboards.i18n import Translator
from dashboards.sankey import handoff
from dashboards.session import Config, Session


def _sent(chart: Chart) -> list[dict]:
    out: list[dict] = []
    chart.send = lambda content, buffers=None: out.append(content)  # type: ignore[method-assign]
    return out


def test_a_step_sends_only_the_new_points_and_the_browser_ends_with_the_whole_figure():
    session, t, chart = Session(Config(compare="merged")), Translator("en"), Chart(name="revenue")
    sent = _sent(chart)
    session.step(2)
    chart.show(revenue(session.runs, t), 1)
    held = json.loads(json.dumps(chart.figure))  # what the browser got; it appends the points
    session.step()
    chart.show(revenue(session.runs, t), 2)
    assert chart.figure["rev"] == 1 and [m["rev"] for m in sent] == [2]
    assert sent[0]["base"] == 1 and all(p == [[3], [p[1][0]]] for p in sent[0]["points"])
    for trace, (x, y) in zip(held["data"], sent[0]["points"], strict=True):
        trace["x"], trace["y"] = trace["x"] + x, trace["y"] + y
    expected = revenue(session.runs, t)
    assert held["data"] == expected["data"] and held["layout"] == expected["layout"]


def test_a_new_layout_or_a_reset_sends_the_whole_figure():
    session, chart = Session(), Chart(name="revenue")
    sent = _sent(chart)
    session.step(2)
    chart.show(revenue(session.runs, Translator("en")), 1)
    chart.show(revenue(session.runs, Translator("de")), 2)  # language: every label changes
    assert chart.figure["rev"] == 2 and chart.figure["layout"]["separators"] == ",."
    session.intervene("hire", role="sales", n=1)
    session.step()
    chart.show(revenue(session.runs, Translator("de")), 3)  # a marker: new shapes
    assert chart.figure["rev"] == 3
    session.reset(session.config)
    session.step()
    chart.show(revenue(session.runs, Translator("de")), 4)  # fewer points: not an append
    assert chart.figure["rev"] == 4 and sent == []


def test_a_diagram_is_sent_whole_with_its_revision():
    session, t, chart = Session(), Translator("en"), Chart(name="handoff")
    sent = _sent(chart)
    session.step(3)
    chart.show(handoff(session.runs, t), 1)
    session.step()
    chart.show(handoff(session.runs, t), 2)
    assert sent == [] and chart.figure == {**handoff(session.runs, t), "rev": 2}


def test_showing_the_offered_figure_tells_the_browser_to_swap_it_in():
    session, t, chart = Session(), Translator("en"), Chart(name="revenue")
    sent = _sent(chart)
    session.step()
    chart.show(revenue(session.runs, t), 1)
    session.step()
    ahead = revenue(session.runs, t)
    chart.offer(ahead)
    chart.show(ahead, 2)
    chart.offer(revenue(session.runs, t))  # offered, then something else is shown: no swap
    session.step()
    chart.show(revenue(session.runs, t), 3)
    offer, shown, _, last = sent
    assert offer["offer"] and offer["base"] == 1 and offer["points"] == shown["points"]
    assert shown["offered"] and shown["base"] == 1 and not last["offered"]
