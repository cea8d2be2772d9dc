#!/usr/bin/env bash
# The newcomer's first command, measured: a clean clone at each commit given, `scripts/doctor`
# timed from nothing (crates already in cargo's download cache), then the release binary's size
# and doctor's own time (--no-envs and with the environments this machine has), median of 9.
# Usage: benches/build_and_doctor.sh COMMIT... > result.md
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "| commit | clean-clone scripts/doctor (s) | binary (bytes) | doctor --no-envs (ms) | doctor (ms) |"
echo "|---|---|---|---|---|"
for commit in "$@"; do
    git clone -q "$repo" "$work/$commit"
    git -C "$work/$commit" checkout -q "$commit"
    start=$(date +%s.%N)
    "$work/$commit/scripts/doctor" > /dev/null
    build=$(echo "$(date +%s.%N) - $start" | bc)
    binary="$work/$commit/target/release/gpuwise"
    size=$(stat -c %s "$binary")
    time_ms() { for _ in 1 2 3 4 5 6 7 8 9; do
        s=$(date +%s%N); "$binary" doctor --json "$@" > /dev/null; echo $(( ($(date +%s%N) - s) / 1000000 ))
    done | median; }
    echo "| $(git -C "$work/$commit" rev-parse --short HEAD) | $(printf %.0f "$build") | $size | $(time_ms --no-envs) | $(time_ms) |"
    rm -rf "$work/$commit"
done
