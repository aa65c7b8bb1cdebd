"""A closed session lets go of its models and prepared weeks, even if something still holds it."""

from __future__ import annotations

import gc
import weakref

from dashboards.session import Config, Session


def test_closing_a_session_frees_its_models_and_prepared_week():
    session = Session(Config(design="siloed", compare="merged", seed=2))
    session.step(2)
    _, ahead = session.prepare()
    models = [run.model for run in (*session.runs, *ahead)]
    refs = [weakref.ref(model) for model in models]
    del models, ahead
    session.close()  # `session` itself stays referenced, as a play thread finishing its week holds it
    gc.collect()
    assert [ref() for ref in refs] == [None] * 4
    assert not session.running and session.prepare() is None
    session.step()  # a late step of a play loop does nothing
    assert session.runs == []
