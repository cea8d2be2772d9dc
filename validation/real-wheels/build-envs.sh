#!/usr/bin/env bash
# Builds the real-wheel matrix's environments from pypi.org into CACHE (several GB; run by hand):
#   validation/real-wheels/build-envs.sh CACHE [NAME ...]
# Each line of envs.txt becomes CACHE/envs/NAME, a virtualenv made with uv (installed into
# CACHE/uv first); wheels are shared through CACHE/uv-cache. A finished environment holds
# `.complete` and is kept; an interrupted one is rebuilt.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ $# -ge 1 ] || { echo "usage: $0 CACHE [NAME ...]" >&2; exit 2; }
cache="$(mkdir -p "$1" && cd "$1" && pwd)"; shift
python="${PYTHON:-python3}"
if [ ! -x "$cache/uv/bin/uv" ]; then
    "$python" -m venv "$cache/uv" && "$cache/uv/bin/pip" install --quiet --disable-pip-version-check uv
fi
uv() { UV_CACHE_DIR="$cache/uv-cache" "$cache/uv/bin/uv" "$@"; }
while IFS='|' read -r name spec; do
    name="$(echo "$name" | xargs)"
    case "$name" in ''|'#'*) continue ;; esac
    if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$name"; then continue; fi
    env="$cache/envs/$name"
    [ -f "$env/.complete" ] && continue
    rm -rf "$env"
    echo "== $name: $spec" >&2
    uv venv --quiet --python "$python" "$env"
    IFS=';' read -ra steps <<<"$spec"
    for step in "${steps[@]}"; do
        # shellcheck disable=SC2086 # a step is a list of pip arguments
        VIRTUAL_ENV="$env" uv pip install --quiet $step
    done
    touch "$env/.complete"
done < "$here/envs.txt"
echo "$cache/envs"
