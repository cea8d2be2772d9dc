#!/usr/bin/env bash
# Checks the test cluster of scripts/slurm-cluster and prints a transcript (README.md quotes it):
# node names inside tasks, one doctor report per node through srun, what srun does with the DOWN
# node, with a hung slurmd and with a hung task, and srun's overhead. Starts the cluster in DIR
# and leaves it stopped. About 2.5 minutes.
# Starts the cluster with scripts/slurm-cluster, so it needs what that needs (see there).
#
# Usage, from anywhere:  validation/slurm/run.sh GPUWISE [DIR]     (DIR: /tmp/gw-slurm-validation)
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
gpuwise=$(realpath "${1:?usage: $0 GPUWISE [DIR]}")
dir=${2:-/tmp/gw-slurm-validation}
cluster=$repo/scripts/slurm-cluster
fixture_doctor=$repo/validation/slurm/fixture-doctor

# Shows a command, runs it (at most 120 s) and shows its status and wall time.
step() {
    local start rc
    echo
    echo "\$ $*"
    start=$(date +%s.%N)
    timeout 120 bash -c "$*" 2>&1
    rc=$?
    printf '[exit %s, %.2f s]\n' "$rc" "$(echo "$(date +%s.%N) - $start" | bc)"
}
section() { echo; echo "=== $*"; }
# The median wall time of five runs of a command, in milliseconds.
median5() {
    local i start times=()
    for i in 1 2 3 4 5; do
        start=$(date +%s%N)
        bash -c "$*" >/dev/null 2>&1 || echo "(run $i failed)"
        times+=($((($(date +%s%N) - start) / 1000000)))
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n 3p | xargs -I{} echo "median {} ms of: ${times[*]} ms  -- $*"
}
node4_slurmd() { cat "$dir/run/slurmd-node4.pid"; }
wait_idle() { # no jobs, every started node idle again (at most 240 s: a DOWN node is pinged slowly)
    local i
    for i in $(seq 1 240); do
        [ -z "$(squeue -h -o %i)" ] &&
            [ "$(sinfo -h -N -n 'node[1-4]' -o '%N %T' | sort -u | grep -c ' idle$')" = 4 ] && return 0
        sleep 1
    done
    echo "node1-node4 not idle after 240 s"; sinfo -N
}

section "packages"
dpkg-query -W -f '${Package} ${Version}\n' slurmctld slurmd slurm-client slurm-wlm-basic-plugins munge libmunge2
echo "kernel $(uname -r); $(nproc) CPUs; user $(id -un); cgroup fs: $(stat -f -c %T /sys/fs/cgroup 2>/dev/null)"

section "start"
"$cluster" stop "$dir" >/dev/null 2>&1 || true
step "'$cluster' start '$dir'"
eval "$("$cluster" env "$dir")"
export SLURM_CONF
step "'$cluster' env '$dir'"
step "sinfo"
step "sinfo -N -h -o '%N %P %T %f %E'"

section "node names inside tasks"
step "srun -N 4 --ntasks-per-node=1 -p all bash -c 'echo \$SLURMD_NODENAME \$SLURM_NODEID' | sort"
step "srun -N 1 -w node3 bash -c 'env | grep -E \"^SLURM(D)?_(NODENAME|NODEID|PROCID|TOPOLOGY_ADDR|STEP_NODELIST|JOB_NODELIST|CLUSTER_NAME|JOB_PARTITION)=\" | sort; hostname'"

section "one doctor report per node"
# --label prefixes each line with the task's number: the reports are many lines each, and srun
# interleaves the lines of its tasks.
step "srun -N 4 --ntasks-per-node=1 '$fixture_doctor' '$gpuwise' --no-envs > '$dir/plain.out'; python3 - '$dir/plain.out' <<'EOF'
import json, sys
text, decoder, at, count = open(sys.argv[1]).read(), json.JSONDecoder(), 0, 0
try:
    while text[at:].strip():
        at += len(text[at:]) - len(text[at:].lstrip())
        _, at = decoder.raw_decode(text, at)
        count += 1
    print(count, 'reports, one after the other (this time)')
except ValueError as error:
    print('not reports one after the other:', error)
EOF"
step "srun -N 4 --ntasks-per-node=1 --label '$fixture_doctor' '$gpuwise' --no-envs > '$dir/labelled.out'; wc -l < '$dir/labelled.out'"
step "python3 - '$dir/labelled.out' <<'EOF'
import collections, json, sys
lines = collections.defaultdict(list)
for line in open(sys.argv[1]):
    task, _, rest = line.partition(': ')
    lines[int(task)].append(rest)
for task in sorted(lines):
    report = json.loads(''.join(lines[task]))
    devices = report['system']['devices']
    print(task, report['system']['driver'].get('version'), [d['name'] for d in devices], report['verdict'])
EOF"
step "rm -rf '$dir/reports'; mkdir '$dir/reports'; srun -N 4 --ntasks-per-node=1 bash -c '\"$fixture_doctor\" \"$gpuwise\" --no-envs > \"$dir/reports/\$SLURMD_NODENAME.json\"'; for f in '$dir'/reports/*.json; do python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sys.argv[1].rsplit(\"/\",1)[1], len(r[\"system\"][\"devices\"]), \"devices\", r[\"verdict\"][\"gpu_usable\"])' \$f; done"
# srun's own %N in --output is the host's name here (every node is this machine): one file for all.
step "rm -rf '$dir/byN'; mkdir '$dir/byN'; srun -N 4 --output='$dir/byN/%N-%t.out' bash -c 'echo \$SLURMD_NODENAME'; ls '$dir/byN'"

section "the DOWN node (node5, never started)"
step "srun -N 5 -p all -I true"
step "srun -N 5 -p all --immediate=3 true"
step "srun -w node5 -I true"
step "(timeout 8 srun -N 5 -p all true; echo \"srun under timeout 8: exit \$?\") & sleep 3; squeue -h -o '%i %T %r'; wait"
step "srun -N 5 -p all --no-kill -I true"
# Without -N 5 or -w node5 the scheduler simply leaves the DOWN node out.
step "srun -N 4 -p all bash -c 'echo \$SLURMD_NODENAME' | sort | tr '\n' ' '"
step "sinfo -h -N -p all -o '%N %T'"
step "sinfo -h -N -r -p all -t idle,mixed,allocated,completing -o '%N' | sort -u | tr '\n' ' '"
step "nodes=\$(sinfo -h -N -r -p all -t idle,mixed,allocated,completing -o '%N' | sort -u | paste -sd,); srun -p all -w \"\$nodes\" -N \$(echo \$nodes | tr , '\n' | wc -l) --ntasks-per-node=1 bash -c 'echo \$SLURMD_NODENAME' | sort | tr '\n' ' '"

section "a hung slurmd (node4's slurmd stopped with SIGSTOP, not yet noticed by slurmctld)"
wait_idle
kill -STOP "$(node4_slurmd)"
step "sinfo -h -N -r -p all -o '%N %T' | sort -u"
step "srun -N 4 -p all -I --label bash -c 'echo \$SLURMD_NODENAME'"
kill -CONT "$(node4_slurmd)"; wait_idle
# srun acts on SIGTERM only once the launch has timed out; SIGKILL ends it, and leaves its job.
kill -STOP "$(node4_slurmd)"
step "timeout 5 srun -N 4 -p all --label bash -c 'echo \$SLURMD_NODENAME'"
kill -CONT "$(node4_slurmd)"; wait_idle
kill -STOP "$(node4_slurmd)"
step "timeout -k 1 5 srun -N 4 -p all --job-name=fleet-check --label bash -c 'echo \$SLURMD_NODENAME'; squeue -h -o '%i %j %T %N'"
kill -CONT "$(node4_slurmd)"
step "sleep 5; squeue -h -o '%i %j %T %N'; scancel --name=fleet-check; sleep 1; squeue -h -o '%i %j %T %N'; echo '(queue after scancel above)'"
wait_idle
# A node left COMPLETING by a slurmd that stopped during a job: a new job waits for it; -I gives up.
step "srun -N 4 -p all sleep 2 & sleep 1; kill -STOP \$(cat '$dir/run/slurmd-node4.pid'); wait; sleep 1; srun -N 4 -p all -I true; sinfo -h -N -p v100 -o '%N %T'; srun -N 4 -p all --immediate=3 true; kill -CONT \$(cat '$dir/run/slurmd-node4.pid')"
wait_idle
step "sinfo -h -N -p all -o '%N %T'"

section "a hung task"
step "srun -N 4 -p all --label timeout 3 bash -c 'echo \$SLURMD_NODENAME; [ \$SLURMD_NODENAME != node3 ] || sleep 100'"
step "timeout 5 srun -N 4 -p all --label bash -c 'echo \$SLURMD_NODENAME; [ \$SLURMD_NODENAME != node3 ] || sleep 100'"
step "srun -N 4 -p all -W 3 --label bash -c 'echo \$SLURMD_NODENAME; [ \$SLURMD_NODENAME != node3 ] || sleep 100'"
step "srun -N 4 -p all --time=0:10 --label bash -c 'echo \$SLURMD_NODENAME; [ \$SLURMD_NODENAME != node3 ] || sleep 300'"
wait_idle

section "overhead (wall time, median of 5)"
median5 "srun -N 4 -p all hostname"
median5 "srun -N 1 -p all hostname"
median5 "srun -N 4 --ntasks-per-node=1 '$fixture_doctor' '$gpuwise' --no-envs"
median5 "'$gpuwise' doctor --json --no-envs --system '$repo/fixtures/systems/h100-sxm.json'"
median5 "'$gpuwise' doctor --json --system '$repo/fixtures/systems/h100-sxm.json'"

section "stop, start again, stop"
step "'$cluster' stop '$dir'"
step "pgrep -a -x 'slurmctld|slurmd|slurmstepd|munged' | grep -v defunct || echo 'no daemons left'"
step "'$cluster' start '$dir' && srun -N 4 hostname | wc -l && '$cluster' stop '$dir'"
step "pgrep -a -x 'slurmctld|slurmd|slurmstepd|munged' | grep -v defunct || echo 'no daemons left'"
