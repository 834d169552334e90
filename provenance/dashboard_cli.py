"""Start the Streamlit dashboard on a store: ``provenance dashboard --store S [--host H] [--port P]``.

The dashboard is read-only: it opens the store for each query and closes it,
so an ingest can run at the same time (the page says "the store is being
updated" while the ingest commits). It binds to 127.0.0.1 unless another
host is asked for, sends no usage statistics, and loads nothing from the
internet (Streamlit's frontend, Vega-Lite and Graphviz are bundled).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .errors import InputError

APP = Path(__file__).resolve().parent.parent / "dashboard" / "streamlit_app.py"


def command(store: str | Path, host: str = "127.0.0.1", port: int = 8501, headless: bool = True) -> list[str]:
    """The ``streamlit run`` command line for ``store``."""
    if not APP.exists():
        raise InputError(f"the dashboard app is missing ({APP}); reinstall provenance with its dashboard")
    if not 0 < int(port) < 65536:
        raise InputError(f"--port must be between 1 and 65535, got {port}")
    store_path = str(Path(store).expanduser().resolve())
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.address", str(host),
        "--server.port", str(int(port)),
        "--server.headless", "true" if headless else "false",
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        "--browser.gatherUsageStats", "false",
        "--global.developmentMode", "false",
        "--client.toolbarMode", "viewer",
        "--", "--store", store_path,
    ]


def serve(
    store: str | Path,
    host: str = "127.0.0.1",
    port: int = 8501,
    headless: bool = True,
    *,
    block: bool = True,
    quiet: bool = False,
) -> int | subprocess.Popen[bytes]:
    """Run the dashboard on ``store`` at ``http://host:port``.

    With ``block`` (the CLI), wait until the server stops (Ctrl+C stops it)
    and return its exit code; otherwise return the running process (tests,
    embedding), which the caller must terminate. The store path goes to the
    app both as ``--store`` and as ``$PROVENANCE_STORE``.
    """
    cmd = command(store, host, port, headless)
    env = {**os.environ, "PROVENANCE_STORE": cmd[-1], "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    out = subprocess.DEVNULL if quiet else None
    proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=out)  # noqa: S603 - fixed argv, no shell
    if not block:
        return proc
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            return proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait()
