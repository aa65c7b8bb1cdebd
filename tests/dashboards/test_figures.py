"""The time charts' intervention markers: one label per intervention, naming the design it was made to."""

from __future__ import annotations

from dashboards.figures import markers
from dashboards.i18n import Translator
from dashboards.session import Config, Session


def test_an_intervention_made_to_both_designs_is_labelled_once_and_one_made_to_b_names_b():
    t = Translator("en")
    session = Session(Config(design="siloed", compare="merged", seed=2))
    session.step(3)
    session.intervene("hire", "both", role="sales", n=2)
    session.intervene("hire", "both", role="sales", n=2)  # twice the same: still one label
    session.step(2)
    session.intervene("crm", "B", level=0.5)
    session.step()
    shapes, notes = markers(session.runs, t)
    assert [shape["x0"] for shape in shapes] == [4, 6]
    assert [note["text"] for note in notes] == [t("iv.hire"), f"{t('iv.crm')} (B)"]
