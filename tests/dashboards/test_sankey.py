"""The hand-off Sankey's layout: every lead drawn once, each link as wide at both ends as its leads."""

from __future__ import annotations

import re

import pytest

from dashboards.i18n import Translator
from dashboards.sankey import THINNEST, graph, handoff, panel
from dashboards.session import Config, Session

NUMBER = r"(-?\d+(?:\.\d+)?)"
BAND = re.compile(rf"M{NUMBER} {NUMBER}C.*? {NUMBER} {NUMBER}V{NUMBER}C")
RECT = re.compile(rf"M{NUMBER} {NUMBER}h{NUMBER}v{NUMBER}h")
TOLERANCE = 5e-4  # coordinates travel rounded to four decimals


@pytest.fixture(scope="module")
def session() -> Session:
    """A company losing marketers and salespeople, so flows of people who left are pooled."""
    levers = {"quit_marketing_annual": 0.6, "quit_sales_annual": 0.6}
    session = Session(Config(design="siloed", compare="merged", seed=3, levers=levers))
    session.step(60)
    return session


def _bands(shapes: list[dict]) -> list[tuple[float, float, float, float]]:
    """(x0, y0, y1, width) of every link."""
    out = []
    for shape in shapes:
        for part in shape["d"].split("Z")[:-1]:  # links too thin to point at share one path
            if m := BAND.match(part):
                x0, y0, _, y1, bottom = map(float, m.groups())
                out.append((x0, y0, y1, bottom - y1))
    return out


def _rects(shapes: list[dict]) -> list[tuple[float, float, float, float]]:
    """(x, top, width, height) of every node."""
    return [tuple(map(float, m.groups())) for s in shapes if (m := RECT.match(s["d"]))]


def test_every_lead_is_one_link_and_people_who_left_are_pooled(session: Session):
    t = Translator("en")
    run = session.runs[0]
    left, right, links = graph(run, t)
    flow = run.model.lead_flow
    assert sum(link.value for link in links) == sum(flow["accepted"].values()) + sum(flow["leaked"].values())
    assert len({(link.source, link.target) for link in links}) == len(links)
    for i, node in enumerate(left):
        assert node.flow == sum(link.value for link in links if link.source == i)
    for i, node in enumerate(right):
        assert node.flow == sum(link.value for link in links if link.target == i)
    assert left[-1].label == t("chart.former_marketers") and right[-1].label == t("chart.leaked")
    assert t("chart.former_salespeople") in [node.label for node in right]


def test_links_tile_each_node_exactly_on_both_ends(session: Session):
    """Links stack along each node in node order, each as wide as its leads; a link too thin to see
    is drawn `THINNEST` wide, centred on its place."""
    t = Translator("en")
    shapes, labels = panel(session.runs[0], t, 0.01, 0.99)
    left, right, links = graph(session.runs[0], t)
    rects = _rects(shapes)
    assert len(rects) == len(left) + len(right)
    scale = rects[0][3] / left[0].flow
    out_at = {i: rects[i][1] for i in range(len(left))}
    in_at = {i: rects[len(left) + i][1] for i in range(len(right))}
    starts = {}
    for link in sorted(links, key=lambda link: (link.target, link.source)):
        starts[link.source, link.target] = in_at[link.target]
        in_at[link.target] += link.value * scale
    expected = []
    for link in links:
        width = link.value * scale
        shift = (width - max(width, THINNEST)) / 2
        y0, y1 = out_at[link.source] + shift, starts[link.source, link.target] + shift
        expected.append((y0, y1, max(width, THINNEST)))
        out_at[link.source] += width
    for i, (_, top, _, height) in enumerate(rects):  # every node's stack ends at its bottom
        end = out_at[i] if i < len(left) else in_at[i - len(left)]
        assert end == pytest.approx(top + height, abs=2 * TOLERANCE)
    drawn = sorted((y0, y1, width) for _, y0, y1, width in _bands(shapes))  # thin ones come last
    assert len(drawn) == len(links)
    assert any(link.value * scale < THINNEST for link in links)  # a long run has links too thin to see
    for got, want in zip(drawn, sorted(expected), strict=True):
        assert got == pytest.approx(want, abs=TOLERANCE)
    assert labels[0]["text"] == t("chart.leaked")


def test_side_by_side_panels_do_not_overlap_and_list_the_interventions(session: Session):
    t = Translator("de")
    session.intervene("hire", role="sales", n=1)
    session.step()
    figure = handoff(session.runs, t)
    diagram = figure["diagram"]
    xs = [b[0] for b in _bands(diagram["shapes"])] + [r[0] + r[2] for r in _rects(diagram["shapes"])]
    a_right = max(x for x in xs if x < 0.5)
    b_left = min(x for x in xs if x > 0.5)
    assert 0 < a_right < b_left < 1
    texts = [text["text"] for text in diagram["texts"]]
    assert "A: Marketing-Leute" in texts and "B: Marketing-Leute" in texts
    assert any(text.startswith("Woche 61: ") and t("iv.hire") in text for text in texts)
    assert figure["title"] == t("chart.handoff")


def test_no_leads_yet_draws_headings_only():
    diagram = handoff(Session().runs, Translator("en"))["diagram"]
    assert diagram["shapes"] == [] and [t["text"] for t in diagram["texts"]] == ["Marketers", "Salespeople"]
