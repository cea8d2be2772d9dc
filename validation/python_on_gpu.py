#!/usr/bin/env python3
"""The Python package on a GPU machine: every public call a notebook user makes, recorded.

Usage: python_on_gpu.py OUT_DIR   (with the gpuwise wheel installed in this interpreter)

Writes python.json (each call: its answer or the exception it raised, and how long it took) and
the HTML views a notebook shows (python-doctor.html, python-estimate.html, python-bench.html)
into OUT_DIR. A call that raises is recorded, never fatal: the record is what is wanted.
"""
import json
import os
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path

OUT = Path(sys.argv[1])
record = {}


def step(name, call):
    """Runs one call, recording its answer (or the exception) and its duration."""
    start = time.perf_counter()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            answer = call()
        record[name] = {"answer": answer, "warnings": [str(w.message) for w in caught]}
    except BaseException as exc:  # recorded: a crash on a GPU machine is what this looks for
        record[name] = {"error": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))[-3000:]}
        answer = None
    record[name]["seconds"] = round(time.perf_counter() - start, 4)
    return answer


start = time.perf_counter()
gpuwise = step("import", lambda: __import__("gpuwise"))
record["import"]["answer"] = getattr(gpuwise, "__version__", None)
if gpuwise is None:
    (OUT / "python.json").write_text(json.dumps(record, indent=2))
    sys.exit(1)

report = step("doctor()", gpuwise.doctor)
if report is not None:
    record["doctor()"]["answer"] = {"repr": repr(report), "gpu_usable": report.gpu_usable,
                                    "devices": [d.get("name") for d in report.devices],
                                    "frameworks": {f: report.framework(f) for f in gpuwise.FRAMEWORKS}}
    html = step("Report._repr_html_()", report._repr_html_)
    if html:
        (OUT / "python-doctor.html").write_text(html)
        record["Report._repr_html_()"]["answer"] = len(html)
    step("Report._repr_markdown_()", lambda: report._repr_markdown_()[:2000])

for framework in gpuwise.FRAMEWORKS:
    step(f"device({framework!r})", lambda f=framework: gpuwise.device(f))
    step(f"require_gpu({framework!r})", lambda f=framework: repr(gpuwise.require_gpu(f, report=report)))

estimate = step("estimate(matmul 8192^3 bf16, this machine)",
                lambda: gpuwise.estimate("matmul", (8192, 8192, 8192), "bf16"))
if estimate is not None:
    (OUT / "python-estimate.html").write_text(estimate._repr_html_())
    record["estimate(matmul 8192^3 bf16, this machine)"]["answer"] = estimate.to_dict()

bench = step("bench(quick, matmul+copy)", lambda: gpuwise.bench(op=["matmul", "copy"], progress=False))
if bench is not None:
    (OUT / "python-bench.html").write_text(bench._repr_html_())
    record["bench(quick, matmul+copy)"]["answer"] = {"passed": bench.passed, "text": bench.text}

with tempfile.TemporaryDirectory() as data:
    os.environ["JUPYTER_DATA_DIR"] = data
    uuid = report.devices[0]["uuid"] if report is not None and report.devices else None
    # The GPU machine's python3 may lack ipykernel and cannot download it: with force=True every
    # check still runs (a missing ipykernel or GPU 0 becomes a warning) and the kernel is written.
    step("install_kernel(gpu=0)",
         lambda: str(gpuwise.install_kernel("gw-gpu0", python=sys.executable, gpu=0, force=True)))
    step("install_kernel(gpu=uuid, by_uuid)",
         lambda: str(gpuwise.install_kernel("gw-uuid", python=sys.executable, gpu=0, by_uuid=True, force=True)))
    step("list_kernels()", gpuwise.list_kernels)
    step("doctor() with the kernels", lambda: gpuwise.doctor().kernels)
    step("remove_kernel x2", lambda: [str(gpuwise.remove_kernel("gw-gpu0")), str(gpuwise.remove_kernel("gw-uuid"))])
    record["expected uuid"] = uuid

record["total seconds"] = round(time.perf_counter() - start, 3)
(OUT / "python.json").write_text(json.dumps(record, indent=2, default=repr))
failed = [name for name, r in record.items() if isinstance(r, dict) and "error" in r]
print(f"python API on this machine: {len(record) - 2} calls, {len(failed)} raised: {failed}")
