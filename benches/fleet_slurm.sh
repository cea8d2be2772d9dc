#!/usr/bin/env bash
# What `gpuwise fleet slurm` adds over Slurm's own `srun hostname` on the test cluster of
# scripts/slurm-cluster (four nodes answering, node5 down): the median of RUNS runs each of
# `srun -N 4 hostname`, of `gpuwise fleet slurm` over the same nodes (sinfo, one srun running
# doctor on every node, the merge), and of one `gpuwise doctor --json` alone. Prints a Markdown
# table. Usage: benches/fleet_slurm.sh GPUWISE [RUNS]   (GPUWISE: a release build, e.g.
# target/release/gpuwise)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
gpuwise=$(realpath "${1:?usage: $0 GPUWISE [RUNS]}")
runs=${2:-9}
dir=$(mktemp -d /tmp/gw-bench.XXXXXX)
trap '"$repo/scripts/slurm-cluster" stop "$dir" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
"$repo/scripts/slurm-cluster" start "$dir" >/dev/null 2>&1
eval "$("$repo/scripts/slurm-cluster" env "$dir")"
export SLURM_CONF GPUWISE_BIN=$gpuwise
node_gpuwise=$repo/validation/slurm/node-gpuwise

# The median wall time of RUNS runs of a command, in milliseconds.
median() {
    local i start times=()
    for i in $(seq 1 "$runs"); do
        start=$(date +%s%N)
        "$@" >/dev/null 2>&1
        times+=($((($(date +%s%N) - start) / 1000000)))
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}
srun_ms=$(median srun -p all -N 4 hostname)
fleet_ms=$(median "$gpuwise" fleet slurm -p all --gpuwise "$node_gpuwise" --json)
doctor_ms=$(median env GPUWISE_SYSTEM="$repo/fixtures/systems/h100-sxm.json" "$gpuwise" doctor --json)
echo "| command (median of $runs runs, $(nproc) cores) | ms |"
echo "|---|---|"
echo "| \`srun -p all -N 4 hostname\` | $srun_ms |"
echo "| \`gpuwise fleet slurm -p all\` (4 nodes answer, node5 down) | $fleet_ms |"
echo "| \`gpuwise doctor --json\` alone, one node | $doctor_ms |"
echo
echo "The fleet run's overhead over srun itself: $((fleet_ms - srun_ms)) ms."
