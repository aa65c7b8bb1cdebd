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
