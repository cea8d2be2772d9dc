"""Runs `gpuwise doctor` on every worker of a Dask cluster, through the client's own `run`.

Used by `gpuwise.fleet(client)` and, as a script, by `gpuwise fleet dask --scheduler ADDRESS`
(run with any Python that has `distributed`: this file imports nothing of gpuwise at its top).
On each worker, doctor runs as a child process under a time limit (through the worker's gpuwise
package, else the `gpuwise` program on its PATH), awaited without blocking the worker's event
loop. All workers are asked at once and waited for until one shared deadline: a worker that
hangs or fails is reported, and never holds up the others.

As a script: `python _dask_fleet.py ADDRESS TIMEOUT [PYTHON ...]` prints
`{"workers": [{"name", "address", "report" (JSON text) | "error"}]}`.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import shutil
import socket
import sys
import threading
import time
from typing import Any


async def report(pythons: list[str], timeout: float) -> dict[str, Any]:
    """On a worker: its host name and its doctor report's JSON text, or why there is none. It
    judges the interpreters `pythons` names, else its own (where the cluster's work runs)."""
    host = socket.gethostname()
    if importlib.util.find_spec("gpuwise") is not None:
        program = [sys.executable, "-m", "gpuwise"]
    elif shutil.which("gpuwise"):
        program = [str(shutil.which("gpuwise"))]
    else:
        return {
            "host": host,
            "error": "neither the gpuwise Python package nor the gpuwise program is installed on this worker",
        }
    pythons = pythons or [sys.executable]
    args = [*program, "doctor", "--json", *[word for python in pythons for word in ("--python", python)]]
    child = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, start_new_session=True
    )
    try:
        out, err = await asyncio.wait_for(child.communicate(), timeout)
    except asyncio.TimeoutError:
        child.kill()
        await child.wait()
        return {"host": host, "error": f"doctor did not finish within {timeout:.0f} s there (a hung driver?)"}
    text = out.decode(errors="replace")
    if not text.strip():
        lines = err.decode(errors="replace").strip().splitlines()
        said = next((line for line in lines if line.startswith("error:")), lines[-1] if lines else "nothing")
        return {"host": host, "error": f"gpuwise doctor printed no report; it said: {said}"}
    return {"host": host, "report": text}


def _workers(client: Any) -> dict[str, dict[str, Any]]:
    """Every worker the scheduler knows (some releases list only five unless asked for all)."""
    try:
        info = client.scheduler_info(n_workers=-1)
    except TypeError:
        info = client.scheduler_info()
    workers: dict[str, dict[str, Any]] = info["workers"]
    return workers


def gather(client: Any, pythons: list[str], timeout: float) -> dict[str, Any]:
    """Every worker's answer: all asked at once, each on a thread of its own, and those that
    have not answered by `timeout` (plus a margin for the network) reported as silent."""
    workers = _workers(client)
    answers: dict[str, dict[str, Any]] = {}

    def ask(address: str) -> None:
        try:
            answer = client.run(report, pythons, timeout, workers=[address], on_error="return")[address]
        except Exception as err:  # any failure of one worker is its answer
            answer = {"error": f"{type(err).__name__}: {err}"}
        if isinstance(answer, BaseException):
            answer = {"error": f"{type(answer).__name__}: {answer}"}
        answers[address] = answer

    # Daemon threads: one stuck on a hung worker must not keep the program from exiting.
    threads = [threading.Thread(target=ask, args=(address,), daemon=True) for address in workers]
    for thread in threads:
        thread.start()
    margin = timeout + 30
    deadline = time.monotonic() + margin
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    silent = {"error": f"the worker did not answer within {margin:.0f} s"}
    named = []
    for address, info in workers.items():
        answer = dict(answers.get(address, silent))
        # A worker that could not say its host name is named as the scheduler knows it.
        name = answer.get("host") or f"{info.get('host', address)}/{info.get('name', address)}"
        named.append({"name": name, "address": address, "report": answer.get("report"), "error": answer.get("error")})
    return {"workers": _named(named, workers)}


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
    # A worker that never answers leaves a thread waiting on it: leave without waiting for it.
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
