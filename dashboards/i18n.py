"""Translation and locale number formatting: one message catalogue per language.

A language's catalogue is the model's (`sim/locale/<lang>.toml`: parameter, design and outcome
descriptions, keyed by the parameters' and outcomes' own description keys) merged with the dashboard's
UI strings (`dashboards/locale/<lang>.toml`), so every label on the page comes from one place per language.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd

import sim
from sim.outcomes import outcome as declared
from sim.params import messages

#: Language code -> its own name (shown as is on every page: names of languages are proper names).
LANGUAGES = {"en": "English", "de": "Deutsch", "ru": "Русский"}

#: (decimal mark, thousands separator) per language; Russian groups digits with a no-break space.
_SEPARATORS = {"en": (".", ","), "de": (",", "."), "ru": (",", "\u00a0")}


def _flatten(table: dict[str, Any]) -> dict[str, str]:
    """Nested catalogue tables as flat dotted keys (`control.play`), as `sim`'s catalogue is keyed."""
    return {key: str(value) for key, value in pd.json_normalize(table, sep=".").iloc[0].items()}


@cache
def ui_messages(lang: str) -> dict[str, str]:
    """The dashboard's own strings in `lang` (flat `key -> text`)."""
    text = resources.files("dashboards").joinpath("locale", f"{lang}.toml").read_text(encoding="utf-8")
    return _flatten(tomllib.loads(text))


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Everything the page can say in `lang`: the model's descriptions and the UI strings."""
    return {**messages(lang), **ui_messages(lang)}


class Translator:
    """Texts and numbers in one language; `t("control.step")`, `t.number(1234.5, 1)`."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else "en"
        self._texts = catalogue(self.lang)
        self._english = catalogue("en")

    def __call__(self, key: str, **values: Any) -> str:
        # A missing key falls back to English on the page; tests fail on any missing key.
        text = self._texts.get(key) or self._english.get(key, key)
        return text.format(**values) if values else text

    def number(self, value: float, decimals: int = 0) -> str:
        """`value` with this language's decimal mark, digit grouping and a true minus sign."""
        dec, thousands = _SEPARATORS[self.lang]
        text = f"{value:,.{decimals}f}".replace(",", "\0").replace(".", dec).replace("\0", thousands)
        return text.replace("-", "\u2212")

    def percent(self, share: float, decimals: int = 0) -> str:
        return self("number.percent", value=self.number(100 * share, decimals))

    def money(self, value: float) -> str:
        """Euros, shortened to thousands or millions so a projector shows them at a glance."""
        size = abs(value)
        if size >= 1e6:
            return self("number.money_millions", value=self.number(value / 1e6, 2))
        if size >= 1e4:
            return self("number.money_thousands", value=self.number(value / 1e3, 0))
        return self("number.money", value=self.number(value, 0))

    def signed(self, text: str, value: float) -> str:
        """A difference with an explicit sign (`+` or the minus already in `text`)."""
        return f"+{text}" if value > 0 else text

    @property
    def separators(self) -> str:
        """Plotly's `layout.separators`: decimal mark, then thousands separator."""
        return "".join(_SEPARATORS[self.lang])

    def design_name(self, name: str) -> str:
        return self._texts.get(f"design_name.{name}", name)

    def design_description(self, name: str) -> str:
        """The preset's description; English comes from the design file itself."""
        return self._texts.get(f"design.{name}") or sim.designs().get(name, "")

    def describe(self, spec: sim.ParamSpec) -> str:
        return self(spec.description_key)

    def unit(self, spec: sim.ParamSpec) -> str:
        return self(f"unit.{spec.unit}")

    def outcome(self, column: str) -> str:
        """A weekly column's description, as `sim.outcomes` declares it: the label of its series."""
        return self(declared(column, "weekly").description_key)
