"""`truce dashboard`: serve the workshop dashboard (a Solara app) from local assets only."""

from __future__ import annotations

import subprocess
import sys


def serve(host: str, port: int) -> int:
    """Run the Solara server in the foreground until Ctrl+C; exit code 2 if assets are missing.

    Solara reads its settings (where the offline asset cache is) at import, so the server runs in a
    child process started with that environment rather than inside this one.
    """
    from dashboards import assets

    _check_listen(host, port)
    assets.install_plotly()
    missing = assets.missing()
    if missing:
        print(
            f"truce: error: offline assets missing ({', '.join(missing)}); run scripts/fetch_assets.sh",
            file=sys.stderr,
        )
        return 2
    command = [sys.executable, "-m", "solara", "run", "dashboards.app", "--host", host, "--port", str(port)]
    print(f"Truce dashboard on http://{host}:{port} (Ctrl+C stops it)", file=sys.stderr)
    return subprocess.call([*command, "--production", "--no-open"], env=assets.server_env())


def _check_listen(host: str, port: int) -> None:
    """Refuse, in one line and before the server starts, an address this machine cannot listen on:
    a host name that does not resolve, a port out of range, in use, or not ours to take."""
    import socket

    from sim import InputError

    if not 1 <= port <= 65535:
        raise InputError(f"--port = {port} is invalid (allowed: int in [1, 65535])")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError, ValueError) as err:
        raise InputError(f"--host {host!r}: not an address of this machine ({err})") from None
    family, kind, proto, _, address = infos[0]
    try:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as err:
        raise InputError(
            f"--host {host} --port {port}: cannot listen there ({err.strerror or err})"
        ) from None
