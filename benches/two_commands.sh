#!/usr/bin/env bash
# The README's two commands as a newcomer runs them: a clean clone of COMMIT (default HEAD), then
# `scripts/doctor` and `scripts/test`, each timed, with the seconds until its first line of output
# (does set-up talk?) and the disk target/ holds after each. Crates come from cargo's download
# cache and the test environments' wheels from pip's, as on a second clone; the first run on a
# fresh machine adds their downloads. Prints a Markdown table.
# Usage: benches/two_commands.sh [COMMIT] > result.md
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
commit="${1:-HEAD}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git clone -q "$repo" "$work/clone"
git -C "$work/clone" checkout -q "$commit"
echo "| command | first output (s) | total (s) | target/ after (GB) | exit |"
echo "|---|---|---|---|---|"
for command in scripts/doctor scripts/test; do
    start=$(date +%s.%N)
    first=""
    set +e
    ( cd "$work/clone" && "$command" 2>&1 ) | while IFS= read -r line; do
        [ -f "$work/first" ] || date +%s.%N > "$work/first"
        printf '%s\n' "$line" >> "$work/log"
    done
    status=${PIPESTATUS[0]}
    set -e
    end=$(date +%s.%N)
    first=$(echo "$(cat "$work/first") - $start" | bc)
    rm -f "$work/first"
    size=$(du -s --block-size=1M "$work/clone/target" | awk '{printf "%.1f", $1 / 1024}')
    printf '| `%s` | %.1f | %.0f | %s | %s |\n' "$command" "$first" "$(echo "$end - $start" | bc)" "$size" "$status"
done
echo
echo "commit $(git -C "$work/clone" rev-parse --short HEAD), $(nproc) cores, $(date -u +%Y-%m-%d)"
