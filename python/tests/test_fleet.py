"""gpuwise.fleet(client) and `gpuwise fleet dask` on a real Dask cluster: a scheduler and a
worker process per recorded machine (each worker's GPUWISE_SYSTEM names the machine it stands
for), plus one whose machine cannot be read."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from distributed import Client, Nanny, Scheduler, SpecCluster

import gpuwise

REPO = Path(__file__).resolve().parents[2]
SYSTEMS = REPO / "fixtures/systems"

# Worker name -> the recorded machine it stands for.
WORKERS = {
    "h100-a": SYSTEMS / "h100-sxm.json",
    "h100-b": SYSTEMS / "h100-sxm.json",
    "a100": SYSTEMS / "a100-mig.json",
    "v100": SYSTEMS / "old-driver-470.json",
    "broken": SYSTEMS / "no-such-machine.json",
}


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """A client of a scheduler and five worker processes on this machine."""
    workers = {
        name: {"cls": Nanny, "options": {"nthreads": 1, "name": name, "env": {"GPUWISE_SYSTEM": str(system)}}}
        for name, system in WORKERS.items()
    }
    scheduler = {"cls": Scheduler, "options": {"dashboard": False, "host": "127.0.0.1"}}
    with SpecCluster(workers=workers, scheduler=scheduler) as cluster, Client(cluster) as connected:
        connected.wait_for_workers(len(WORKERS))
        yield connected


def dask_command(program: str, scheduler: str) -> list[str]:
    """`gpuwise fleet dask` on `scheduler`, connecting through this Python."""
    return [program, "fleet", "dask", "--scheduler", scheduler, "--client-python", sys.executable]


def by_worker(nodes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The nodes by worker name (nodes on one host are named `host/worker`)."""
    return {node["name"].rsplit("/", 1)[-1]: node for node in nodes}


def test_every_worker_answers_for_its_machine_and_the_differences_are_named(client: Client) -> None:
    fleet = gpuwise.fleet(client, timeout=60)
    assert isinstance(fleet, gpuwise.Fleet)
    assert fleet.engine == "dask"
    assert fleet.verdict == {"nodes": 5, "answered": 4, "gpu_usable": 4, "all_usable": False}
    assert not fleet.all_usable
    nodes = by_worker(fleet.nodes)
    assert set(nodes) == set(WORKERS)
    assert nodes["a100"]["summary"]["gpus"] == ["NVIDIA A100 80GB PCIe"]
    assert nodes["v100"]["summary"]["driver"] == "470.129.06"
    assert "no-such-machine.json" in nodes["broken"]["error"]
    # Each worker judged its own interpreter, this test's Python.
    judged = [env["name"] for env in nodes["h100-a"]["summary"]["environments"]]
    assert any(name.startswith(sys.executable) for name in judged), judged
    codes = {finding["code"] for finding in fleet.findings}
    assert {"GW1001", "GW1005"} <= codes
    # The two H100 workers are one group; notebooks get the HTML view, print() the terminal one.
    assert len(fleet.groups[0]["nodes"]) == 2
    assert "Differences that matter" in fleet._repr_html_()
    assert str(fleet).startswith("✗ 4 of 5 nodes answered; 4 have a usable GPU")
    assert fleet.to_markdown().startswith("## ")
    assert repr(fleet) == "<gpuwise.Fleet: 4 of 5 node(s) answered, 4 with a usable GPU>"


def test_the_command_line_gives_the_same_answer_through_its_own_client(client: Client) -> None:
    program = shutil.which("gpuwise", path=str(Path(sys.executable).parent))
    assert program, "the wheel installs the gpuwise program beside its Python"
    address = str(client.scheduler_info()["address"])
    done = subprocess.run(
        [*dask_command(program, address), "--json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    merged = json.loads(done.stdout)
    assert merged["verdict"] == {"nodes": 5, "answered": 4, "gpu_usable": 4, "all_usable": False}
    assert set(by_worker(merged["nodes"])) == set(WORKERS)


def test_a_scheduler_that_cannot_be_reached_is_named() -> None:
    program = shutil.which("gpuwise", path=str(Path(sys.executable).parent))
    assert program
    done = subprocess.run(
        [*dask_command(program, "tcp://127.0.0.1:9"), "--timeout", "2"],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 2, done.stdout
    assert "the Dask client at tcp://127.0.0.1:9 failed" in done.stderr, done.stderr
