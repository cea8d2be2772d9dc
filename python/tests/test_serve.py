"""gpuwise.serve(): the calculator page from a notebook, answering in the background until it is
stopped, and reachable through jupyter-server-proxy under JupyterHub."""

from __future__ import annotations

import json
import re
import socket
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

import gpuwise

REPO = Path(__file__).resolve().parents[2]
H100 = REPO / "fixtures/systems/h100-sxm.json"
ESTIMATE = "api/estimate?op=matmul&shape=1024,1024,1024&gpu=h100-sxm"


@pytest.fixture(autouse=True)
def outside_jupyterhub(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts outside JupyterHub (these tests may run inside one), and leaves no server."""
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    monkeypatch.delenv("JUPYTERHUB_PUBLIC_URL", raising=False)
    yield
    from gpuwise import _serve

    left = list(_serve._running)
    for server in left:
        server.stop()
    assert not left, "a test left a server running"


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """The status and body of a GET, error statuses included."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as err:
        return err.code, bytes(err.read())


def assert_free(port: int) -> None:
    """Nothing listens on `port` any more: connecting is refused. (Binding it instead would also
    trip on other processes' connections that happen to use the same port number.)"""
    with socket.socket() as probe, pytest.raises(ConnectionRefusedError):
        probe.connect(("127.0.0.1", port))


def test_serve_answers_in_the_background_then_stops_and_frees_the_port(capsys: pytest.CaptureFixture[str]) -> None:
    server = gpuwise.serve(port=0, system=H100)
    try:
        assert server.port > 0 and server.url == f"http://127.0.0.1:{server.port}/"
        out = capsys.readouterr().out
        assert f"Serving the calculator at {server.url}" in out and ".stop()" in out
        assert "JupyterHub" not in out and server.proxy_url is None
        status, page = fetch(server.url)
        assert status == 200 and b"<form" in page and b'href="style.css"' in page
        status, body = fetch(server.url + ESTIMATE)
        assert status == 200
        # The page describes the recorded machine: its CPU is the one compared with.
        expected = gpuwise.estimate("matmul", (1024, 1024, 1024), gpu="h100-sxm", system=H100)
        assert json.loads(body)["speedup"] == expected.speedup
        assert repr(server) == f"<gpuwise.Server {server.url} running>"
        html = server._repr_html_()
        assert f'<a href="{server.url}" target="_blank"' in html and "running" in html
    finally:
        server.stop()
    assert not server.running and repr(server).endswith(" stopped>")
    assert_free(server.port)
    server.stop()  # a second stop does nothing


def test_a_with_block_stops_it_and_the_port_can_be_served_again() -> None:
    with gpuwise.serve(port=0, system=H100) as server:
        assert fetch(server.url + ESTIMATE)[0] == 200
    assert not server.running
    assert_free(server.port)
    with gpuwise.serve(port=server.port, system=H100) as again:
        assert again.port == server.port and fetch(again.url)[0] == 200


def test_a_port_in_use_is_named() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(gpuwise.InputError, match=rf"^`port`: {port} is in use: pick another with `port=`"):
            gpuwise.serve(port=port, system=H100)
    with gpuwise.serve(port=0, system=H100) as server, pytest.raises(gpuwise.InputError, match="is in use"):
        gpuwise.serve(port=server.port, system=H100)


@pytest.mark.parametrize("port", [-1, 65536, "8765", 1.5, True])
def test_a_bad_port_is_named(port: object) -> None:
    with pytest.raises(gpuwise.InputError, match=r"^`port`: .* is not a port"):
        gpuwise.serve(port=port, system=H100)  # type: ignore[arg-type]


def test_a_bad_host_is_named() -> None:
    with pytest.raises(gpuwise.InputError, match=r"^`host`: `my laptop` is not an IP address"):
        gpuwise.serve(port=0, host="my laptop", system=H100)


def test_listening_beyond_this_machine_warns_and_a_warning_made_an_error_leaves_no_server() -> None:
    # The recorded machine only, for the moment it listens on every network.
    with pytest.warns(UserWarning, match=r"anyone who can reach this machine on port \d+ can use the page"):
        server = gpuwise.serve(port=0, host="0.0.0.0", system=H100)
    server.stop()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match="anyone who can reach") as raised:
            gpuwise.serve(port=0, host="0.0.0.0", system=H100)
    port = int(re.findall(r"on port (\d+)", str(raised.value))[0])
    assert_free(port)


def test_under_jupyterhub_it_prints_and_answers_the_proxied_address(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/alice/")
    with gpuwise.serve(port=0, system=H100) as server:
        path = f"/user/alice/proxy/{server.port}/"
        out = capsys.readouterr().out
        assert f"Through JupyterHub: {path} on JupyterHub's address" in out and "jupyter-server-proxy" in out
        assert server.proxy_url == path and f'<a href="{path}"' in server._repr_html_()
        # As jupyter-server-proxy forwards: the browser's Host, and the path it came from.
        context = f"/user/alice/proxy/{server.port}"
        proxied = {"Host": "hub.example.org", "X-Forwarded-Context": context}
        assert fetch(server.url + ESTIMATE, proxied)[0] == 200
        status, page = fetch(server.url, proxied)
        assert status == 200 and b'href="style.css"' in page, "relative links work under the prefix"
        # Another name, unless forwarded from that very path, is still refused.
        assert fetch(server.url, {"Host": "hub.example.org"})[0] == 403
        assert fetch(server.url, {"Host": "hub.example.org", "X-Forwarded-Context": "/user/bob/proxy/1"})[0] == 403
    monkeypatch.setenv("JUPYTERHUB_PUBLIC_URL", "https://hub.example.org/user/alice/")
    with gpuwise.serve(port=0, system=H100) as server:
        absolute = f"https://hub.example.org/user/alice/proxy/{server.port}/"
        path = f"/user/alice/proxy/{server.port}/"
        assert f"Through JupyterHub: {absolute} (path: {path})\n" in capsys.readouterr().out
        assert server.proxy_url == absolute


def test_outside_jupyterhub_a_proxy_header_opens_nothing() -> None:
    with gpuwise.serve(port=0, system=H100) as server:
        headers = {"Host": "hub.example.org", "X-Forwarded-Context": f"/proxy/{server.port}"}
        assert fetch(server.url, headers)[0] == 403


def test_the_magic_serves() -> None:
    from IPython.core.error import UsageError

    from gpuwise._magic import gpuwise_magic

    server = gpuwise_magic("serve --port 0")
    assert isinstance(server, gpuwise.Server)
    server.stop()
    assert_free(server.port)
    with pytest.raises(UsageError, match="takes --port N"):
        gpuwise_magic("serve --port eighty")
