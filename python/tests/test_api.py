"""The Python API against the installed wheel: doctor, estimate, require_gpu, device, the
command line it installs, and the errors."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import warnings
from collections.abc import Iterable
from pathlib import Path

import pytest

import gpuwise
from gpuwise import _frameworks

REPO = Path(__file__).resolve().parents[2]
H100 = REPO / "fixtures/systems/h100-sxm.json"
HAS_NVIDIA = os.path.exists("/dev/nvidiactl")


def test_doctor_reports_this_machine_and_this_python() -> None:
    report = gpuwise.doctor()
    data = report.to_dict()
    assert data["schema_version"] == 1
    assert json.loads(report.to_json()) == data
    assert any(env["interpreter"] == sys.executable for env in report.environments)
    html = report._repr_html_()
    assert html.startswith("<div>") and ("usable GPU" in html or "GPU is usable" in html)
    assert report._repr_markdown_().strip()
    # print() and terminal IPython show the command line's view, without colour.
    assert str(report).startswith(("✓", "✗")) and "gpuwise" in str(report) and "\x1b[" not in str(report)
    shown: list[str] = []

    class Printer:
        def text(self, text: str) -> None:
            shown.append(text)

    report._repr_pretty_(Printer(), False)
    assert shown == [str(report)]
    if not HAS_NVIDIA:
        assert not report.gpu_usable
        assert report.findings, "a machine without a GPU gets findings that say why"
        assert all(f["fix"] for f in report.findings if f["severity"] == "error")


def test_doctor_reads_a_recorded_machine() -> None:
    report = gpuwise.doctor(system=H100)
    assert [d["name"] for d in report.devices] == ["NVIDIA H100 80GB HBM3"]
    assert "H100" in report._repr_html_()


def test_a_gpu_machines_report_with_framework_findings_renders_and_explains() -> None:
    # Recorded on the H200 test machine: jax and numba there carried framework findings (codes),
    # which once crashed the notebook view and require_gpu.
    data = json.loads((REPO / "validation/h200/2026-11-30-first/doctor.json").read_text())
    report = gpuwise.Report(data)
    assert report.gpu_usable and all(isinstance(f, dict) for f in report.findings)
    html = report._repr_html_()
    assert "GW304" in html and "NVIDIA H200" in html
    venv = "/opt/torch/.venv/bin/python3"
    jax = report.framework_findings("jax", python=venv)
    assert [f["code"] for f in jax] == ["GW304"] and jax[0]["subject"].startswith("jax 0.11.2 in ")
    assert report.framework_findings("torch", python=venv) == []
    assert report.framework_findings("jax", python="/elsewhere/bin/python3") == [], "another interpreter's"
    with pytest.raises(gpuwise.GpuUnavailableError) as err:
        gpuwise.require_gpu("jax", report=report)
    assert "GW304" in str(err.value) and "fix:" in str(err.value)


def test_a_bad_snapshot_is_an_input_error() -> None:
    with pytest.raises(gpuwise.InputError) as err:
        gpuwise.doctor(system="/nonexistent/node.json")
    assert isinstance(err.value, gpuwise.GpuwiseError) and isinstance(err.value, ValueError)
    assert "/nonexistent/node.json" in str(err.value)


def test_a_bad_probe_timeout_is_named_by_every_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GPUWISE_PROBE_TIMEOUT", "abc")
    for call in (gpuwise.doctor, lambda: gpuwise.estimate("matmul", (64, 64, 64), gpu="h100-sxm", cpu="epyc-9654")):
        with pytest.raises(gpuwise.InputError, match="GPUWISE_PROBE_TIMEOUT"):
            call()


def test_estimate_has_numbers_text_and_chart() -> None:
    e = gpuwise.estimate("matmul", (8192, 8192, 8192), "bf16", gpu="h100-sxm", cpu="epyc-9654")
    assert e.speedup > 5 and e.flops == 2 * 8192**3
    assert e.svg.startswith("<svg") and "</svg>" in e.svg
    html = e._repr_html_()
    assert "faster on the GPU" in html and "<svg" in html
    assert "x faster" in e.text
    resident = gpuwise.estimate("fft", 4096, gpu="h100-sxm", cpu="epyc-9654", batch=64, resident=True)
    assert resident.gpu["transfer_seconds"] == 0


def test_bad_estimates_say_why() -> None:
    with pytest.raises(gpuwise.InputError, match="unknown `gemv`; use one of matmul"):
        gpuwise.estimate("gemv", (10, 10), gpu="h100-sxm")
    with pytest.raises(gpuwise.InputError, match="fp8"):
        gpuwise.estimate("matmul", (64, 64, 64), "fp8", gpu="v100", cpu="epyc-9654")


def test_estimate_errors_name_keyword_arguments_and_unknown_ones_are_type_errors() -> None:
    with pytest.raises(gpuwise.InputError, match="custom needs `flops`, `bytes_in` and `bytes_out`"):
        gpuwise.estimate("custom", (), gpu="h100-sxm", cpu="epyc-9654", flops=1e9)
    with pytest.raises(gpuwise.InputError, match="`shape`: dimension 2 is 0"):
        gpuwise.estimate("matmul", (64, 0, 64), gpu="h100-sxm", cpu="epyc-9654")
    with pytest.raises(gpuwise.InputError, match="`repeats` must be at least 1"):
        gpuwise.estimate("matmul", (64, 64, 64), gpu="h100-sxm", cpu="epyc-9654", repeats=0)
    with pytest.raises(gpuwise.InputError, match="`shape` cannot be negative, got `-1`"):
        gpuwise.estimate("matmul", (64, -1, 64), gpu="h100-sxm")
    with pytest.raises(TypeError, match="shapes"):
        gpuwise.estimate("matmul", (64, 64, 64), gpu="h100-sxm", shapes=(1, 2))


def test_sizes_and_counts_are_read_as_the_command_line_reads_them() -> None:
    given: list[str | Iterable[int | float | str]] = [
        (1024, 1024, 1024),
        "1024x1024x1024",
        "1Ki,1Ki,1Ki",
        [1024.0, "1024", 1024],
    ]
    shapes = {tuple(gpuwise.estimate("matmul", shape, gpu="h100-sxm", cpu="epyc-9654").shape) for shape in given}
    assert shapes == {(1024, 1024, 1024)}
    assert gpuwise.estimate("reduction", 1e6, gpu="h100-sxm", cpu="epyc-9654").shape == [1000000]
    repeated = gpuwise.estimate("matmul", (64, 64, 64), gpu="h100-sxm", cpu="epyc-9654", repeats=1e3)
    assert repeated.scenario["repeats"] == 1000

    class Index:
        """An integer the way numpy's are: by `__index__`, not a subclass of int."""

        def __index__(self) -> int:
            return 8

    batched = gpuwise.estimate("matmul", (Index(), 64, 64), gpu="h100-sxm", cpu="epyc-9654", batch=Index())  # type: ignore[arg-type]
    assert batched.shape == [8, 8, 64, 64]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"repeats": -1}, "`repeats` cannot be negative, got `-1`"),
        ({"batch": 2.5}, "`batch` must be a whole number, got `2.5`"),
        ({"stride": True}, "`stride` must be a whole number such as 1024, 1e6 or 4Ki, got `True`"),
        ({"shape": "1024 by 1024"}, "`shape` must be a whole number such as 1024, 1e6 or 4Ki, got `by`"),
        ({"shape": None}, "`shape` must be sizes such as"),
        ({"shape": 1e30}, "`shape` must be at most 2^53"),
    ],
)
def test_bad_counts_name_the_keyword_and_what_was_passed(options: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"shape": (64, 64, 64), **options}
    with pytest.raises(gpuwise.InputError, match=re.escape(message)):
        gpuwise.estimate("matmul", gpu="h100-sxm", cpu="epyc-9654", **arguments)  # type: ignore[arg-type]


def test_a_broken_default_profile_is_a_python_warning(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    broken = tmp_path / "profile.json"
    broken.write_text("{")
    monkeypatch.setenv("GPUWISE_PROFILE", str(broken))
    with pytest.warns(UserWarning, match="estimating without it"):
        e = gpuwise.estimate("reduction", 1000000, cpu="epyc-9654", system=str(H100))
    assert e.op == "reduction"


def test_a_filesystem_failure_is_not_an_input_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(blocker))
    with pytest.raises(gpuwise.GpuwiseError, match="cannot create") as err:
        gpuwise.install_kernel("gw-blocked", python=sys.executable)
    assert not isinstance(err.value, gpuwise.InputError)


@pytest.mark.skipif(HAS_NVIDIA, reason="this machine has an NVIDIA GPU")
def test_a_cpu_build_on_a_recorded_gpu_machine_says_why_in_every_view() -> None:
    venvs = os.environ.get("GPUWISE_TEST_VENVS")
    if not venvs:
        pytest.skip("GPUWISE_TEST_VENVS is unset: scripts/test builds the real jax-cpu environment")
    python = Path(venvs) / "jax-cpu/bin/python"
    report = gpuwise.doctor(python=python, system=H100)
    jax = report.framework("jax", python=python)
    assert jax is not None
    assert (jax["outcome"], jax["because"], jax["uses_gpu"]) == ("cpu", ["GW301"], False)
    html = report._repr_html_()
    assert "NVIDIA H100" in html and "GW301" in html
    with pytest.raises(gpuwise.GpuUnavailableError) as err:
        gpuwise.require_gpu("jax", report=report, python=python)
    message = str(err.value)
    assert "will run on the CPU" in message and "GW301" in message and "jax[cuda12]" in message


@pytest.mark.skipif(HAS_NVIDIA, reason="this machine has an NVIDIA GPU")
@pytest.mark.parametrize(
    "env, framework, outcome, code, fix",
    [
        ("numba-cuda", "numba", "import_fails", "GW302", "numba-cuda[cu12]"),
        ("cupy-cuda12x", "cupy", "cpu", "GW305", "cupy-cuda12x[ctk]"),
        ("cupy-two-wheels", "cupy", "cpu", "GW601", "pip uninstall -y cupy-cuda11x cupy-cuda12x"),
    ],
)
def test_real_wheels_that_fail_on_a_recorded_gpu_machine_say_why_in_every_view(
    env: str, framework: gpuwise.Framework, outcome: str, code: str, fix: str
) -> None:
    venvs = os.environ.get("GPUWISE_TEST_VENVS")
    if not venvs:
        pytest.skip("GPUWISE_TEST_VENVS is unset: scripts/test builds the real environments")
    python = Path(venvs) / env / "bin/python"
    report = gpuwise.doctor(python=python, system=H100)
    entry = report.framework(framework, python=python)
    assert entry is not None
    assert (entry["outcome"], entry["because"], entry["uses_gpu"]) == (outcome, [code], False)
    html = report._repr_html_()
    assert code in html and fix in html
    with pytest.raises(gpuwise.GpuUnavailableError) as err:
        gpuwise.require_gpu(framework, report=report, python=python)
    headline = "cannot be imported here" if outcome == "import_fails" else "will run on the CPU here"
    assert headline in str(err.value) and fix in str(err.value)


@pytest.mark.skipif(HAS_NVIDIA, reason="this machine has an NVIDIA GPU")
def test_a_damaged_build_file_is_unknown_in_every_view(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").iterdir()) / "site-packages"
    shutil.copytree(REPO / "fixtures/envs/tensorflow-2.20.0-and-cuda/site-packages", site, dirs_exist_ok=True)
    (site / "tensorflow/python/platform/build_info.py").write_text("# cut short\n")
    python = venv / "bin/python"
    report = gpuwise.doctor(python=python, system=H100)
    entry = report.framework("tensorflow", python=python)
    assert entry is not None
    assert (entry["outcome"], entry["because"], entry["uses_gpu"]) == ("unknown", ["GW802"], False)
    assert "cannot be judged" in report._repr_html_()
    with pytest.raises(gpuwise.GpuUnavailableError) as err:
        gpuwise.require_gpu("tensorflow", report=report, python=python)
    assert "cannot be judged here" in str(err.value) and "--force-reinstall" in str(err.value)


def test_no_silent_cpu_fallback() -> None:
    with pytest.raises(gpuwise.GpuUnavailableError) as err:
        gpuwise.require_gpu("torch")
    message = str(err.value)
    assert ("torch" in message and "fix:" in message) or "GW" in message
    assert isinstance(err.value, gpuwise.GpuwiseError)
    with pytest.warns(RuntimeWarning, match="using the CPU"):
        assert gpuwise.device("torch") == "cpu"
    with pytest.warns(RuntimeWarning):
        assert gpuwise.device("tensorflow") == "/CPU:0"


def test_unknown_framework() -> None:
    with pytest.raises(ValueError, match="unknown framework"):
        gpuwise.require_gpu("mxnet")  # type: ignore[arg-type]


def test_changed_cuda_variables_are_flagged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_frameworks, "cuda_initialised", lambda: True)
    monkeypatch.setattr(_frameworks, "_at_cuda_init", None)
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _frameworks.warn_if_cuda_variables_changed()
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "1")
    with pytest.warns(RuntimeWarning, match="no effect until the kernel restarts"):
        _frameworks.warn_if_cuda_variables_changed()


def test_the_wheel_installs_the_command() -> None:
    command = shutil.which("gpuwise", path=str(Path(sys.executable).parent))
    assert command, "the wheel puts `gpuwise` beside its python"
    listed = subprocess.run([command, "estimate", "--list-gpus"], capture_output=True, text=True)
    assert listed.returncode == 0 and "h100-sxm" in listed.stdout
    bad = subprocess.run([command, "estimate", "--op", "gemv", "--shape", "1"], capture_output=True, text=True)
    assert bad.returncode == 2 and "gemv" in bad.stderr


def test_kernel_install_is_found_by_jupyter(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from jupyter_client.kernelspec import KernelSpecManager

    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path))
    # For the recorded H100 machine: GPUs are looked for there, by a UUID's unique prefix.
    path = gpuwise.install_kernel(
        "gw-test", python=sys.executable, gpu="GPU-10f35015", jax_no_prealloc=True, system=H100
    )
    assert path == tmp_path / "kernels" / "gw-test"
    spec = KernelSpecManager().get_kernel_spec("gw-test")
    assert spec.env["CUDA_VISIBLE_DEVICES"] == "GPU-10f35015"
    assert spec.env["CUDA_DEVICE_ORDER"] == "PCI_BUS_ID"
    assert spec.env["XLA_PYTHON_CLIENT_PREALLOCATE"] == "false"
    assert spec.argv[0] == sys.executable
    with pytest.raises(gpuwise.InputError, match="pass `force` to replace it"):
        gpuwise.install_kernel("gw-test", python=sys.executable)
    listed = [k for k in gpuwise.list_kernels(system=H100) if k["name"] == "gw-test"]
    assert listed and listed[0]["env"]["CUDA_VISIBLE_DEVICES"] == "GPU-10f35015"
    assert listed[0]["findings"] == [], "this interpreter has ipykernel: the kernel starts"
    assert gpuwise.remove_kernel("gw-test") == path
    assert "gw-test" not in KernelSpecManager().find_kernel_specs()
    # GPU 0 is a GPU, not "no GPU option".
    gpuwise.install_kernel("gw-gpu0", python=sys.executable, gpu=0, system=H100)
    assert KernelSpecManager().get_kernel_spec("gw-gpu0").env["CUDA_VISIBLE_DEVICES"] == "0"
    gpuwise.remove_kernel("gw-gpu0")


def test_kernels_that_would_not_start_or_see_their_gpu_are_refused_unless_forced(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "bare")], check=True)
    bare = tmp_path / "bare/bin/python"
    with pytest.raises(gpuwise.InputError, match="ipykernel is not installed") as err:
        gpuwise.install_kernel("gw-bare", python=bare)
    assert f"{bare} -m pip install ipykernel" in str(err.value) and "pass `force`" in str(err.value)
    with pytest.raises(gpuwise.InputError, match=r"`gpu` 1: snapshot .* has no NVIDIA GPU 1: it has GPU 0"):
        gpuwise.install_kernel("gw-gpu1", python=sys.executable, gpu=1, system=H100)
    assert not (tmp_path / "data/kernels").exists(), "nothing written"
    with pytest.warns(UserWarning, match="installed anyway, as forced: ipykernel is not installed"):
        gpuwise.install_kernel("gw-bare", python=bare, force=True)
    listed = {k["name"]: k for k in gpuwise.list_kernels()}
    assert listed["gw-bare"]["findings"] == ["GW814"]
    report = gpuwise.doctor()
    (finding,) = [f for f in report.findings if f["code"] == "GW814"]
    assert finding["subject"] == "kernel 'gw-bare'" and f"{bare} -m pip install ipykernel" in finding["fix"]


def test_the_example_notebook_runs_headless() -> None:
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(REPO / "examples/gpuwise.ipynb", as_version=4)
    NotebookClient(notebook, kernel_name="python3", timeout=120).execute()
    code = [c for c in notebook.cells if c.cell_type == "code"]
    outputs = [c.outputs for c in code]
    doctor_html = outputs[0][0]["data"]["text/html"]
    assert "usable GPU" in doctor_html or "GPU is usable" in doctor_html
    assert "<svg" in outputs[1][0]["data"]["text/html"]
    printed = "".join(o.get("text", "") for o in outputs[2])
    if HAS_NVIDIA:
        assert "GPU ready" in printed or "GpuUnavailableError" in printed
    else:
        assert "GpuUnavailableError: torch is not installed" in printed or "will run on the CPU" in printed
        assert "GW" in printed, "the error lists the findings"
    magic = outputs[3][0]["data"]["text/html"]
    assert "<svg" in magic and "faster on the GPU" in magic
    bench_html = [o["data"]["text/html"] for o in outputs[4] if "text/html" in o.get("data", {})]
    assert any("<progress" in h or "starting" in h for h in bench_html), "progress is shown while it runs"
    assert any("checked right" in h and "<svg" in h for h in bench_html)


def test_magic_commands() -> None:
    from gpuwise._magic import gpuwise_magic

    assert isinstance(gpuwise_magic(""), gpuwise.Report)
    e = gpuwise_magic("estimate --op reduction --shape 1000000 --gpu h100-sxm --cpu epyc-9654")
    assert isinstance(e, gpuwise.Estimate) and e.op == "reduction"
    from IPython.core.error import UsageError

    # Bad arguments are one line (IPython shows a UsageError without a traceback).
    with pytest.raises(UsageError, match="unknown %gpuwise command"):
        gpuwise_magic("frobnicate")
    with pytest.raises(UsageError, match="invalid value 'gemv' for '--op <OP>'") as refused:
        gpuwise_magic("estimate --op gemv --shape 10")
    assert "\n" not in str(refused.value) and "possible values: matmul" in str(refused.value), "one line"
    with pytest.raises(UsageError, match=re.escape("--gpu: unknown `h100`; did you mean h100-sxm")):
        gpuwise_magic("estimate --op matmul --shape 64x64x64 --gpu h100")
    with pytest.raises(UsageError, match=re.escape("--shape cannot be negative, got `-1`")):
        gpuwise_magic("estimate --op matmul --shape -1,2,3")


def test_bench_says_how_long_it_takes_and_what_others_used(capsys: pytest.CaptureFixture[str]) -> None:
    run = gpuwise.bench(op="reduction", cpu_only=True)
    # Outside a notebook the plan goes to stderr, as the command line says it.
    assert capsys.readouterr().err.startswith("Measuring 4 cases, about ")
    # Figures, never a judgement on speed: the machine running the tests may be busy.
    before, during = run.interference["before"], run.interference["during"]
    assert before["cores"] >= 1 and 0 <= during["others_fraction"] <= 1
    # The views warn exactly when the run was disturbed.
    assert ("⚠" in run.text) == run.interference["disturbed"]
    assert "Other processes: " in run.text


def test_bench_measures_checks_and_reports_progress() -> None:
    seen = []
    run = gpuwise.bench(op=["reduction"], cpu_only=True, progress=False)
    assert run.passed and run.mode == "quick"
    assert {r["op"] for r in run.results} == {"reduction"} and all(r["check"] for r in run.results)
    assert "--cpu-only" in run.gpu_skipped
    assert gpuwise.bench(op="reduction", cpu_only=True, cpu_gemm="faer", progress=False).cpu_gemm.startswith("faer")
    with pytest.raises(gpuwise.InputError, match="`cpu_gemm` /nonexistent"):
        gpuwise.bench(op="reduction", cpu_only=True, cpu_gemm="/nonexistent/libopenblas.so", progress=False)
    assert run.svg.startswith("<svg") and "<svg" in run._repr_html_() and "reduction f32" in run.text
    from gpuwise import _gpuwise

    plans: list[str] = []
    _gpuwise.bench(lambda *step: seen.append(step), quick=True, op=["reduction"], cpu_only=True, planned=plans.append)
    assert seen[0][0] == 0 and seen[-1] == (4, 4, "done")
    assert len(plans) == 1 and plans[0].startswith("Measuring 4 cases, about "), plans
    with pytest.raises(gpuwise.InputError, match="`op`: unknown `gemv`; use one of matmul"):
        gpuwise.bench(op="gemv")
