"""A session's designs: presets by name, uploads by content; no browser string ever becomes a path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import sim
from dashboards.catalogue import MAX_UPLOAD_BYTES, Catalogue
from dashboards.session import Config, Session

DESIGN = b'name = "acme"\ndescription = "Acme, with a lead SLA"\n[levers]\nlead_sla_hours = 24.0\n'


@pytest.fixture
def stats(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every path the code under test looks up or opens (os.stat and open underlie pathlib's)."""
    seen: list[str] = []
    real_stat, real_open = os.stat, os.open

    def stat(path, *args, **kwargs):
        seen.append(os.fsdecode(path) if isinstance(path, str | bytes | os.PathLike) else str(path))
        return real_stat(path, *args, **kwargs)

    def open_(path, *args, **kwargs):
        seen.append(os.fsdecode(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    monkeypatch.setattr(os, "open", open_)
    return seen


@pytest.mark.parametrize("crafted", ["/etc/passwd", "/etc", "../sim/scenarios/merged.toml", 7])
def test_a_path_as_design_is_refused_unread(tmp_path: Path, stats: list[str], crafted: object):
    session = Session()
    session.step()
    for config in (Config(design=crafted), Config(compare=crafted)):  # type: ignore[arg-type]
        with pytest.raises(sim.InputError, match="is not one of this page's designs") as err:
            session.reset(config)
        assert "\n" not in str(err.value)
    with pytest.raises(sim.InputError, match="is not a preset"):
        session.intervene("switch_design", "both", design=crafted)
    assert not [path for path in stats if "passwd" in path or path.startswith("/etc")]
    assert session.week == 1  # the running model goes on


def test_an_uploaded_design_runs_and_exports(tmp_path: Path):
    catalogue = Catalogue()
    key = catalogue.add("C:\\Users\\me\\acme design.toml", DESIGN)
    assert key == "acme_design.toml" and key in catalogue.choices()
    session = Session(Config(design=key, compare="siloed", seed=3), catalogue)
    assert session.runs[0].model.p.lead_sla_hours == 24.0
    session.step(2)
    path = tmp_path / "exported.toml"
    path.write_text(session.toml(session.runs[0]), encoding="utf-8")
    rerun = sim.run(str(path), weeks=2, seed=3)
    assert rerun.weekly["revenue"].tolist() == session.runs[0].weekly()["revenue"].tolist()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("acme.toml", b"[levers\n", "acme.toml: malformed TOML"),
        ("acme.toml", b"[levers]\nlead_sla_hours = -5.0\n", "acme.toml"),
        ("acme.toml", b"\xff\xfe", "not UTF-8"),
        ("acme.toml", b"x" * (MAX_UPLOAD_BYTES + 1), "allowed: at most"),
        ("passwd", DESIGN, "not a design file"),
        (
            "acme.toml",
            b'[[interventions]]\nweek = 2\nkind = "switch_design"\ndesign = "/etc/passwd"\n',
            "is not a preset",
        ),
    ],
)
def test_a_bad_upload_is_one_line_naming_the_upload(stats: list[str], name: str, data: bytes, message: str):
    with pytest.raises(sim.InputError, match=message) as err:
        Catalogue().add(name, data)
    text = str(err.value)
    assert "\n" not in text and "truce-upload-" not in text  # the upload's name, not the server's copy
    assert not [path for path in stats if "passwd" in path]
