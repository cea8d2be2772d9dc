#!/usr/bin/env bash
# Records doctor against nvidia-smi and the CUDA driver on a GPU machine. See validation/README.md.
# Usage: validation/run-on-gpu.sh PATH/TO/gpuwise OUT_DIR
set -uo pipefail
gpuwise=${1:?usage: run-on-gpu.sh PATH/TO/gpuwise OUT_DIR}
out=${2:?usage: run-on-gpu.sh PATH/TO/gpuwise OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
unset CUDA_VISIBLE_DEVICES CUDA_DEVICE_ORDER

"$gpuwise" doctor --json > "$out/doctor.json"; echo "doctor exit $?"
nvidia-smi -q -x > "$out/nvidia-smi.xml"; echo "nvidia-smi exit $?"
"$gpuwise" doctor > "$out/doctor.txt"
python3 "$here/gpu_oracles.py" "$gpuwise" "$out"
cat "$out/summary.txt"
