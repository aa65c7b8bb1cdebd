"""The designs one browser session may run: the presets, and design files its facilitator uploaded.

Everything the browser sends is a string it may have crafted. With `--host 0.0.0.0` anyone in the
room can send one, and `sim.resolve` opens any string that is not a preset as a path on the server
(that is what the CLI wants). So the page never hands `sim` a string from the browser: a design is
chosen by its key in this catalogue and reaches `sim` as a `sim.Design` object, and an uploaded file
arrives as content, validated like any design file, never as a path.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import replace
from pathlib import Path

import sim
from sim import InputError

#: An uploaded design file larger than this is refused unread (a design file is a few hundred bytes).
MAX_UPLOAD_BYTES = 256 * 1024
#: The uploaded design files one session keeps (a new upload of the same name replaces the old one).
MAX_UPLOADS = 20
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def shown(value: object, limit: int = 60) -> str:
    """A browser's value as it may appear in a one-line message: quoted, escaped, and cut short."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def presets() -> tuple[str, ...]:
    return tuple(sim.designs())


class Catalogue:
    """Design keys -> designs: every preset by its name, every upload by its (cleaned) file name.

    Keys of uploads end in `.toml`, so they never shadow a preset's name.
    """

    def __init__(self) -> None:
        self._uploads: dict[str, sim.Design] = {}

    def choices(self) -> list[str]:
        return [*presets(), *self._uploads]

    def get(self, key: object) -> sim.Design:
        """The design chosen as `key`; anything else is an `InputError` and nothing is read."""
        if isinstance(key, str) and key in self._uploads:
            return self._uploads[key]
        if isinstance(key, str) and key in presets():
            return sim.get_design(key)  # a preset name: `sim` answers from its own files
        raise InputError(
            f"design {shown(key)} is not one of this page's designs "
            f"(allowed: {', '.join(self.choices())}, or a design file uploaded on the page)"
        )

    def description(self, key: str) -> str:
        return self.get(key).description

    def add(self, filename: object, data: object) -> str:
        """Validate an uploaded design file's content and keep it; returns its key.

        The content is checked exactly as `truce run FILE` checks a file (size, UTF-8, TOML, every
        key and value against its range), from a private copy this server wrote itself. A
        `switch_design` inside it may name only a preset: any other name would be a path on the server.
        """
        name = _clean_name(filename)
        if not isinstance(data, bytes):
            raise InputError(f"{name}: the upload holds no file content")
        if len(data) > MAX_UPLOAD_BYTES:
            raise InputError(
                f"{name}: design file is {len(data):,} bytes (allowed: at most {MAX_UPLOAD_BYTES:,} bytes)"
            )
        if name not in self._uploads and len(self._uploads) >= MAX_UPLOADS:
            raise InputError(f"{name}: {MAX_UPLOADS} designs uploaded already (allowed: at most that many)")
        design = _parse(name, data)
        for i, iv in enumerate(design.interventions, start=1):
            target = iv.get("design") if iv.kind == "switch_design" else None
            if target is not None and target not in presets():
                raise InputError(
                    f"{name} [[interventions]] #{i}: switch_design design = {shown(target)} is not a preset "
                    f"(allowed in an uploaded file: {', '.join(presets())})"
                )
        self._uploads[name] = design
        return name


def _clean_name(filename: object) -> str:
    """A key for an uploaded file: its base name, with only letters, digits, `_`, `.` and `-`."""
    if not isinstance(filename, str):
        raise InputError(f"upload name {shown(filename)} is invalid (allowed: a file name ending in .toml)")
    stem = _UNSAFE.sub("_", Path(filename.replace("\\", "/")).name).strip("._")[:60]
    if not stem.lower().endswith(".toml") or len(stem) <= len(".toml"):
        raise InputError(f"upload {shown(filename)}: not a design file (allowed: a name ending in .toml)")
    return stem[: -len(".toml")] + ".toml"


def _parse(name: str, data: bytes) -> sim.Design:
    """`sim.load_design` on a copy in a fresh private folder; messages name the upload, not the copy."""
    with tempfile.TemporaryDirectory(prefix="truce-upload-") as folder:
        copy = Path(folder) / name
        copy.write_bytes(data)
        try:
            design = sim.load_design(copy)
        except InputError as err:
            raise InputError(str(err).replace(str(copy), name)) from None
    return replace(design, source=name)
