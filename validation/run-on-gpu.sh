#!/usr/bin/env bash
# Records doctor against nvidia-smi, the CUDA driver and the frameworks, the Python package, and
# bench against torch, on a GPU machine. See validation/README.md.
#
# Usage: validation/run-on-gpu.sh [options] PATH/TO/gpuwise OUT_DIR
#   --cuda-tests BIN   the bench backend's GPU test binary, built on the development machine with
#                      `cargo test --release -p gpuwise-bench --test cuda --no-run` (it prints the path)
#   --wheel WHEEL      the gpuwise wheel: installed into this machine's python3, then its public
#                      calls are recorded and python/tests run against it
#   --wheels DIR       more wheels to install first (the notebook test's jupyter packages)
#   --archive FILE     a .tar.gz of OUT_DIR, rewritten after every step (a run stopped part-way
#                      still leaves everything recorded so far)
# Steps run most wanted first; every step has a time limit; a step that fails or times out is recorded and the next one runs.
set -uo pipefail
cuda_tests="" wheel="" wheels="" archive=""
while [ $# -gt 2 ]; do
    case "$1" in
        --cuda-tests) cuda_tests=$2 ;;
        --wheel) wheel=$2 ;;
        --wheels) wheels=$2 ;;
        --archive) archive=$2 ;;
        *) echo "run-on-gpu.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift 2
done
gpuwise=${1:?usage: run-on-gpu.sh [options] PATH/TO/gpuwise OUT_DIR}
out=${2:?usage: run-on-gpu.sh [options] PATH/TO/gpuwise OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
gpuwise=$(cd "$(dirname "$gpuwise")" && pwd)/$(basename "$gpuwise")
mkdir -p "$out" && out=$(cd "$out" && pwd)
unset CUDA_VISIBLE_DEVICES CUDA_DEVICE_ORDER
export PYTHONUNBUFFERED=1

# step NAME SECONDS COMMAND...: runs one step with a time limit, logs its exit status and
# duration to steps.txt, and refreshes the archive.
step() {
    local name=$1 limit=$2 start=$SECONDS status
    shift 2
    timeout --kill-after=10 "$limit" "$@"
    status=$?
    printf '%-28s exit %3d  %4ds\n' "$name" "$status" $((SECONDS - start)) | tee -a "$out/steps.txt"
    [ -n "$archive" ] && tar czf "$archive" -C "$(dirname "$out")" "$(basename "$out")"
    return 0
}

{
    uname -a; date -u +%FT%TZ; nvidia-smi -L; command -v python3; python3 --version
    ldconfig -p | grep -E 'libcuda|libnvidia-ml|libcublas|libcufft'; ls /usr/local/cuda/lib64 2>&1 | grep -E 'cublas|cufft'
    python3 -m pip list 2>/dev/null
} > "$out/machine.txt" 2>&1
step "doctor --json" 60 sh -c '"$0" doctor --json > "$1/doctor.json"' "$gpuwise" "$out"
step "nvidia-smi -q -x" 60 sh -c 'nvidia-smi -q -x > "$1/nvidia-smi.xml"' "$gpuwise" "$out"
step "doctor" 60 sh -c '"$0" doctor > "$1/doctor.txt" 2>&1' "$gpuwise" "$out"
step "oracles" 240 python3 "$here/gpu_oracles.py" "$gpuwise" "$out"

if [ -n "$wheel" ]; then
    # Into this machine's own python3, as a user would (pip install --user falls back to a target
    # directory on PYTHONPATH where the environment is read-only).
    install() {
        python3 -m pip install -q --no-index --no-deps --no-compile "$@" ||
            { python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/gpuwise-site "$@" &&
                export PYTHONPATH=/tmp/gpuwise-site${PYTHONPATH:+:$PYTHONPATH}; }
    }
    extra=()
    [ -n "$wheels" ] && extra=("$wheels"/*.whl)
    install "$wheel" "${extra[@]}" > "$out/python-install.txt" 2>&1
    echo "wheel install exit $?" | tee -a "$out/steps.txt"
    step "python API" 180 python3 "$here/python_on_gpu.py" "$out"
fi

# bench: cuBLAS and cuFFT come from the toolkit when its lib64 is not on the loader's path.
for lib in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib; do
    [ -d "$lib" ] && export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
done
if [ -n "$cuda_tests" ]; then
    step "bench CUDA tests" 180 sh -c '"$0" --ignored --test-threads 1 > "$1/cuda-tests.txt" 2>&1' "$cuda_tests" "$out"
fi
step "bench --calibrate (full)" 420 sh -c '"$0" bench --json --plot "$1/bench.svg" --calibrate "$1/profile.json" > "$1/bench.json" 2> "$1/bench.stderr"' "$gpuwise" "$out"
step "torch comparison" 240 sh -c 'python3 "$0/torch_bench.py" "$1/bench.json" "$2" "$1" > "$1/bench_vs_torch.txt" 2>&1' "$here" "$out" "$gpuwise"
[ -n "$wheel" ] && step "python tests" 240 sh -c 'cd "$0/.." && python3 -m pytest -q -p no:cacheprovider python/tests > "$1/python-tests.txt" 2>&1' "$here" "$out"
step "bench --quick" 90 sh -c '"$0" bench --quick > "$1/bench-quick.txt" 2>&1' "$gpuwise" "$out"
cat "$out/steps.txt" "$out/summary.txt" "$out/bench_vs_torch.txt" 2>/dev/null
tail -3 "$out/python-tests.txt" "$out/cuda-tests.txt" 2>/dev/null
