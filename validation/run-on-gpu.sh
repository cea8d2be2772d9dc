#!/usr/bin/env bash
# Records doctor against nvidia-smi and the CUDA driver, and bench against torch, on a GPU
# machine. See validation/README.md.
# Usage: validation/run-on-gpu.sh PATH/TO/gpuwise OUT_DIR [PATH/TO/cuda-test-binary]
# The third argument is the bench backend's GPU test binary, built on the development machine
# with `cargo test --release -p gpuwise-bench --test cuda --no-run` (it prints the path).
set -uo pipefail
gpuwise=${1:?usage: run-on-gpu.sh PATH/TO/gpuwise OUT_DIR [CUDA_TESTS]}
out=${2:?usage: run-on-gpu.sh PATH/TO/gpuwise OUT_DIR [CUDA_TESTS]}
cuda_tests=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
unset CUDA_VISIBLE_DEVICES CUDA_DEVICE_ORDER

"$gpuwise" doctor --json > "$out/doctor.json"; echo "doctor exit $?"
nvidia-smi -q -x > "$out/nvidia-smi.xml"; echo "nvidia-smi exit $?"
"$gpuwise" doctor > "$out/doctor.txt"
python3 "$here/gpu_oracles.py" "$gpuwise" "$out"

# bench: cuBLAS and cuFFT come from the toolkit when its lib64 is not on the loader's path.
for lib in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib; do
    [ -d "$lib" ] && export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
done
if [ -n "$cuda_tests" ]; then
    GPUWISE_GPU_TESTS=1 "$cuda_tests" --test-threads 1 > "$out/cuda-tests.txt" 2>&1
    echo "bench CUDA tests exit $?"
fi
"$gpuwise" bench --json --plot "$out/bench.svg" --calibrate "$out/profile.json" > "$out/bench.json" 2> "$out/bench.stderr"
echo "bench exit $?"
"$gpuwise" bench --quick > "$out/bench-quick.txt" 2>&1; echo "bench --quick exit $?"
python3 "$here/torch_bench.py" "$out/bench.json" "$gpuwise" "$out" > "$out/bench_vs_torch.txt" 2>&1
echo "torch comparison exit $?"
cat "$out/summary.txt" "$out/bench_vs_torch.txt"
