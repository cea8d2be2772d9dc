"""Runs `gpuwise doctor` on every worker of a Dask cluster, through the client's own `run`.

Used by `gpuwise.fleet(client)` and, as a script, by `gpuwise fleet dask --scheduler ADDRESS`
(run with any Python that has `distributed`: this file imports nothing of gpuwise at its top).
Each worker reports through the gpuwise package when it has it, else through the `gpuwise`
program on its PATH. A worker that hangs or fails is reported, and never holds up the others.

As a script: `python _dask_fleet.py ADDRESS TIMEOUT [PYTHON ...]` prints
`{"workers": [{"name", "address", "report" (JSON text) | "error"}]}`.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any


def report(pythons: list[str], timeout: float) -> dict[str, Any]:
    """On a worker: its host name and its doctor report's JSON text, or why there is none. It
    judges the interpreters `pythons` names, else its own (where the cluster's work runs)."""
    host = socket.gethostname()
    pythons = pythons or [sys.executable]
    try:
        from gpuwise import _gpuwise
    except ImportError:
        return _report_by_program(host, pythons, timeout)
    json_text, _markdown, _text = _gpuwise.doctor([os.fspath(p) for p in pythons], None)
    return {"host": host, "report": json_text}


def _report_by_program(host: str, pythons: list[str], timeout: float) -> dict[str, Any]:
    """The report of the `gpuwise` program on the worker's PATH."""
    program = shutil.which("gpuwise")
    if program is None:
        return {
            "host": host,
            "error": "neither the gpuwise Python package nor the gpuwise program is installed on this worker",
        }
    args = [program, "doctor", "--json", *[word for python in pythons for word in ("--python", python)]]
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"host": host, "error": f"doctor did not finish within {timeout:.0f} s there (a hung driver?)"}
    if not done.stdout.strip():
        said = done.stderr.strip().splitlines()[-1:] or ["nothing"]
        return {"host": host, "error": f"gpuwise doctor printed no report; it said: {said[0]}"}
    return {"host": host, "report": done.stdout}


def gather(client: Any, pythons: list[str], timeout: float) -> dict[str, Any]:
    """Every worker's answer; one that has not answered after `timeout` (plus a margin for the
    network) is reported as silent rather than waited for."""
    workers: dict[str, dict[str, Any]] = client.scheduler_info()["workers"]

    def ask(address: str) -> dict[str, Any]:
        try:
            answer = client.run(report, pythons, timeout, workers=[address], on_error="return")[address]
        except Exception as err:
            return {"error": f"{type(err).__name__}: {err}"}
        if isinstance(answer, BaseException):
            return {"error": f"{type(answer).__name__}: {answer}"}
        result: dict[str, Any] = answer
        return result

    answers: list[dict[str, Any]] = []
    pool = ThreadPoolExecutor(max_workers=max(1, min(32, len(workers))))
    asked = {address: pool.submit(ask, address) for address in workers}
    for address, future in asked.items():
        margin = timeout + 30
        try:
            answer = future.result(timeout=margin)
        except FutureTimeout:
            answer = {"error": f"the worker did not answer within {margin:.0f} s"}
        # A worker that could not say its host name is named as the scheduler knows it.
        info = workers[address]
        name = answer.get("host") or f"{info.get('host', address)}/{info.get('name', address)}"
        answers.append({"name": name, "address": address, "report": answer.get("report"), "error": answer.get("error")})
    pool.shutdown(wait=False, cancel_futures=True)
    return {"workers": _named(answers, workers)}


def _named(answers: list[dict[str, Any]], workers: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Each answer named by its host, and by host and worker where several workers share a host."""
    hosts = [answer["name"] for answer in answers]
    for answer in answers:
        if hosts.count(answer["name"]) > 1:
            worker = workers[answer["address"]].get("name", answer["address"])
            answer["name"] = f"{answer['name']}/{worker}"
    return answers


def main(argv: list[str]) -> None:
    """`ADDRESS TIMEOUT [PYTHON ...]`: prints the answers as JSON."""
    from distributed import Client

    address, timeout, pythons = argv[0], float(argv[1]), argv[2:]
    client = Client(address, timeout=timeout)
    answers = gather(client, pythons, timeout)
    sys.stdout.write(json.dumps(answers) + "\n")
    sys.stdout.flush()
    # A worker that never answers leaves a thread waiting on it: leave without joining it.
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
