"""Atomic writes leave a whole file with the permissions a plain `open` would give it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys


def test_an_atomic_write_is_readable_as_the_umask_allows_not_private(tmp_path):
    # In a child process with a known umask: mkstemp alone would leave 0600.
    code = (
        "import os, sys; os.umask(0o027); from pathlib import Path; from sim.files import write_text; "
        "p = Path(sys.argv[1]); write_text(p, 'one'); write_text(p, 'two'); print(p.read_text())"
    )
    path = tmp_path / "report.html"
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "two"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left
