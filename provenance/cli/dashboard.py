"""Start the Streamlit dashboard on a store: ``provenance dashboard --store S [--host H] [--port P]``.

The dashboard is read-only: it opens the store for each query and closes it,
so an ingest can run at the same time (the page says "the store is being
updated" while the ingest commits). It binds to 127.0.0.1 unless another
host is asked for, sends no usage statistics, and loads nothing from the
internet (Streamlit's frontend, Vega-Lite and Graphviz are bundled).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from provenance.errors import InputError

APP = Path(__file__).resolve().parents[2] / "dashboard" / "streamlit_app.py"


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
    proc = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
        cmd, env=env, stdout=out, stderr=out, preexec_fn=_die_with_parent if block else None,
    )
    if not block:
        return proc
    # SIGTERM (a service manager, `kill`) and SIGHUP (a closed terminal) stop the server like Ctrl+C:
    # before, only Ctrl+C did and a terminated parent left Streamlit holding the port. SIGINT is
    # handled explicitly too: a process started in the background inherits it ignored.
    previous = {sig: signal.signal(sig, _raise_interrupt) for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)}
    try:
        return proc.wait()
    except KeyboardInterrupt:
        return _stop(proc)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on at ``host`` right now (for a server started with ``block=False``)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def wait_until_serving(base: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    """Return once the app at ``base`` answers its health check; ``RuntimeError`` if the server exited
    or did not answer within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:  # noqa: S310 - our own server
                if r.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"the dashboard exited with {proc.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the dashboard did not answer {base}/_stcore/health within {timeout:.0f} s")
        time.sleep(0.3)


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop(proc: subprocess.Popen[bytes]) -> int:
    """Stop the server: SIGTERM, then SIGKILL if it has not exited within 10 s."""
    if proc.poll() is None:
        proc.terminate()
    try:
        return proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def _die_with_parent() -> None:
    """In the child, before exec: the kernel sends SIGTERM when the parent dies, even by SIGKILL (Linux)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: SIGTERM and SIGINT still stop the child through the handler above
