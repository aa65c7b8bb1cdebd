"""The real dashboard server (`solara run dashboards.app`), watched from inside for the security and
memory tests.

A browser test sees only what the page shows; whether the server *read* a file, or still holds a
closed session's models, is visible only in its own process. This wrapper starts the unchanged Solara
server in-process and adds two witnesses before it does:

- every file access (open, stat, listdir) whose path contains `TRUCE_SPY_MARKER` is appended to
  `TRUCE_SPY_LOG`, one path per line: the sentinel files of a test live under that marker;
- a loopback HTTP probe on `TRUCE_SPY_PORT` answers `GET /models` with the number of `TruceModel`
  objects alive after a full garbage collection (prepared weeks are deep copies, so they are counted
  too), and `GET /kernels` with the number of open Solara sessions.

Run: python tests/dashboards/spy_server.py <solara run arguments...>
"""

from __future__ import annotations

import gc
import http.server
import json
import os
import runpy
import sys
import threading

MARKER = os.environ["TRUCE_SPY_MARKER"]
LOG = os.environ["TRUCE_SPY_LOG"]
_log_lock = threading.Lock()


def _record(path: object) -> None:
    try:
        text = os.fsdecode(path) if isinstance(path, str | bytes | os.PathLike) else str(path)
    except TypeError:
        return
    if MARKER in text:
        with _log_lock, open(LOG, "a", encoding="utf-8") as log:
            log.write(text + "\n")


def _audit(event: str, args: tuple) -> None:
    """Opens and folder listings, as Python's audit events report them (any library, any layer)."""
    if event in ("open", "os.listdir", "os.scandir") and args:
        _record(args[0])


def _watch_stat(name: str) -> None:
    """`stat` has no audit event, but it tells a caller whether a path exists or is a folder."""
    real = getattr(os, name)

    def stat(path, *args, **kwargs):
        _record(path)
        return real(path, *args, **kwargs)

    setattr(os, name, stat)


def _live_models() -> int:
    from sim.model import TruceModel

    gc.collect()
    return sum(1 for obj in gc.get_objects() if isinstance(obj, TruceModel))


def _open_kernels() -> int:
    from solara.server import kernel_context

    return len(kernel_context.contexts)


class _Probe(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        answers = {"/models": _live_models, "/kernels": _open_kernels}
        if self.path not in answers:
            self.send_error(404)
            return
        body = json.dumps(answers[self.path]()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    sys.addaudithook(_audit)
    for name in ("stat", "lstat"):
        _watch_stat(name)
    probe = http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["TRUCE_SPY_PORT"])), _Probe)
    threading.Thread(target=probe.serve_forever, daemon=True).start()
    sys.argv = ["solara", *sys.argv[1:]]
    runpy.run_module("solara", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
