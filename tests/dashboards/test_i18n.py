"""Every language says everything: catalogue keys, units, designs; numbers in the locale's format."""

from __future__ import annotations

import pytest

import sim
from dashboards.i18n import LANGUAGES, Translator, catalogue, ui_messages
from sim.params import messages


@pytest.mark.parametrize("lang", ["de", "ru"])
def test_every_english_key_is_translated(lang):
    missing = sorted(set(catalogue("en")) - set(catalogue(lang)))
    assert missing == [], f"{lang} lacks {missing}"
    empty = sorted(key for key, text in catalogue(lang).items() if not text.strip())
    assert empty == []


@pytest.mark.parametrize("lang", ["de", "ru"])
def test_translations_have_no_keys_english_lacks_except_design_descriptions(lang):
    # English design descriptions come from the design files themselves.
    extra = set(messages(lang)) - set(messages("en")) - {f"design.{name}" for name in sim.designs()}
    assert extra == set()
    assert set(ui_messages(lang)) == set(ui_messages("en"))


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_parameter_unit_and_design_has_a_text(lang):
    t = Translator(lang)
    for spec in sim.params():
        if spec.kind == "constant":  # the model's assumptions, described in English where declared
            continue
        assert f"unit.{spec.unit}" in catalogue(lang), spec.unit
        assert spec.description_key in catalogue(lang), spec.name
    for name in sim.designs():
        assert f"design_name.{name}" in catalogue(lang)
        assert t.design_description(name)


@pytest.mark.parametrize("lang", ["de", "ru"])
def test_placeholders_match_english(lang):
    import string

    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    english = catalogue("en")
    for key, text in catalogue(lang).items():
        if key in english:
            assert fields(text) == fields(english[key]), key


def test_numbers_follow_the_locale():
    assert Translator("en").number(1234567.891, 2) == "1,234,567.89"
    assert Translator("de").number(1234567.891, 2) == "1.234.567,89"
    assert Translator("ru").number(-1234.5, 1) == "\u22121\u00a0234,5"
    assert Translator("de").money(2_500_000) == "2,50 Mio. €"
    assert Translator("en").percent(0.2) == "20%"
    assert Translator("de").separators == ",."
