"""serve(): the calculator and this machine's doctor answer as a web page (`gpuwise serve`), from a
notebook: it answers from a thread of its own while the notebook stays usable, until stopped."""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import warnings
import webbrowser
from html import escape
from types import TracebackType

from . import _gpuwise
from ._errors import InputError, checked

# Servers run until stopped, even when nothing holds their Server (a notebook cell that
# dropped it): this holds them, and stops the rest when the interpreter exits.
_running: set[Server] = set()


class Server:
    """A page `gpuwise.serve()` started: where it answers, and `stop()`. A `with` block stops it
    at its end; the interpreter's exit stops every server still running."""

    def __init__(self, served: _gpuwise.Served, proxy_url: str | None) -> None:
        self._served = served
        self.url: str = served.url
        """The page's address on this machine: `http://127.0.0.1:8765/`."""
        self.port: int = served.port
        """The port it listens on (the free one picked when `port=0`)."""
        self.proxy_url = proxy_url
        """Under JupyterHub, where a browser reaches the page through jupyter-server-proxy: the
        absolute address when JupyterHub tells it (`JUPYTERHUB_PUBLIC_URL`), else the path on the
        hub's address; None elsewhere."""

    @property
    def running(self) -> bool:
        """True until stopped."""
        return self._served.running

    def stop(self) -> None:
        """Stops the server: the requests under way finish, then the port is free again and its
        thread has ended. Stopping a stopped server does nothing."""
        _running.discard(self)
        checked(self._served.stop)

    def __enter__(self) -> Server:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _repr_html_(self) -> str:
        link = self.proxy_url or self.url
        state = "running" if self.running else "stopped"
        local = "" if link == self.url else f" (on the server: {escape(self.url)})"
        return (
            f'<div>gpuwise calculator, {state}: <a href="{escape(link)}" target="_blank" rel="noopener">'
            f"{escape(link)}</a>{local}</div>"
        )

    def __repr__(self) -> str:
        return f"<gpuwise.Server {self.url} {'running' if self.running else 'stopped'}>"


def serve(
    port: int = 8765,
    *,
    host: str | None = None,
    open: bool = False,
    system: str | os.PathLike[str] | None = None,
    python: str | os.PathLike[str] | None = None,
) -> Server:
    """Serves the estimate calculator and this machine's doctor answer as a web page (what
    `gpuwise serve` serves) from a background thread, prints its address and returns at once; the
    returned Server's `stop()` stops it (so do a `with` block's end and the interpreter's exit).

    `port=0` picks a free port. `host` is the address to listen on, 127.0.0.1 by default: any
    other lets other machines reach the page, with a warning. `open` opens the page in a web
    browser of this machine. `system` is a recorded machine (`gpuwise doctor --json`) the page
    describes instead of this one; `python` the interpreter its doctor panel judges (default: this
    one).

    Under JupyterHub (`JUPYTERHUB_SERVICE_PREFIX` set) a browser seldom reaches this machine's
    127.0.0.1; jupyter-server-proxy, where it is installed, serves the page at
    `{JUPYTERHUB_SERVICE_PREFIX}proxy/{port}/`, and that address is printed too.

    Raises InputError for a port in use or a bad `port` or `host`.
    """
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise InputError(f"`port`: {port!r} is not a port: use 1 to 65535, or 0 for any free port")
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX") or None
    served = checked(
        _gpuwise.serve,
        port,
        host=None if host is None else str(host),
        system=None if system is None else str(system),
        pythons=[str(python or sys.executable)],
        jupyter_proxy=prefix,
    )
    path = None if prefix is None else _proxy_path(prefix, served.port)
    public = os.environ.get("JUPYTERHUB_PUBLIC_URL")  # JupyterHub 5 on: this server's, prefix included
    proxy_url = f"{public.rstrip('/')}/proxy/{served.port}/" if path and public else path
    server = Server(served, proxy_url)
    _running.add(server)
    try:
        if served.warning:
            warnings.warn(served.warning, UserWarning, stacklevel=2)
        print(_started(server, path))
        if open and not webbrowser.open(server.url):
            warnings.warn(f"cannot open a web browser: open {server.url} yourself", UserWarning, stacklevel=2)
    except BaseException:
        # A warning the filters made an error: no server is left behind.
        server.stop()
        raise
    return server


def _proxy_path(prefix: str, port: int) -> str:
    """The path jupyter-server-proxy serves `port` at, for the Jupyter server at `prefix`."""
    base = prefix.strip("/")
    return f"/{base}/proxy/{port}/" if base else f"/proxy/{port}/"


def _started(server: Server, path: str | None) -> str:
    """What serve() prints; `path` is the proxy's, under JupyterHub."""
    text = f"Serving the calculator at {server.url} (the returned Server's .stop() stops it)"
    if path is not None:
        where = f" (path: {path})" if server.proxy_url != path else " on JupyterHub's address"
        text += (
            f"\nThrough JupyterHub: {server.proxy_url}{where}"
            "\n(that address needs jupyter-server-proxy installed where the Jupyter server runs)"
        )
    return text


@atexit.register
def _stop_all() -> None:
    """Stops the servers still running, so the port is released before the process ends."""
    for server in list(_running):
        with contextlib.suppress(Exception):  # the process is ending: nothing to tell
            server.stop()
