#!/usr/bin/env bash
# A real single-node SLURM cluster for the cluster tests (Debian's slurmctld/slurmd
# and munge): one node with this machine's CPUs and memory, partition `debug`, no
# accounting database (the case where the plugin's sacct queries fail) and one fake
# GPU per CPU (a GRES on plain files), so the GPU profile's --gpus requests are accepted
# and scheduled; the jobs themselves find no CUDA device and run on the CPU.
#
#   tests/slurm/cluster.sh start   install the packages if missing (root, apt-get), write
#                                  the configuration, start the daemons, wait for the node
#   tests/slurm/cluster.sh stop    stop the daemons this script started
#
# Everything it writes lives under $NOISEFA_SLURM_DIR (default /tmp/noisefa-slurm);
# /etc/slurm/slurm.conf points there and is removed again by `stop`.
set -euo pipefail

STATE=${NOISEFA_SLURM_DIR:-/tmp/noisefa-slurm}
CONF=/etc/slurm/slurm.conf

install_packages() {
    command -v slurmctld >/dev/null && command -v slurmd >/dev/null \
        && command -v sbatch >/dev/null && command -v munged >/dev/null && return
    if [ "$(id -u)" -ne 0 ]; then
        echo "cluster.sh: slurmctld/slurmd/munge are not installed and this is not root" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        slurmctld slurmd slurm-client munge >/dev/null
}

write_config() {
    local host cpus mem
    host=$(hostname -s)
    cpus=$(nproc)
    # Leave the OS 1 GB so slurmd's own check of RealMemory passes.
    mem=$(($(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo) - 1024))
    mkdir -p "$STATE"/{ctld,d,log}
    cat >"$STATE/slurm.conf" <<EOF
ClusterName=noisefa
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
SlurmctldDebug=info
DefMemPerCPU=1000
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
# Every finished job is recorded (state, CPUs, memory) for the tests to read.
JobCompType=jobcomp/filetxt
JobCompLoc=$STATE/log/jobcomp.txt
# squeue must still see a finished job when Snakemake polls (every ~10 s).
MinJobAge=300
GresTypes=gpu
NodeName=$host CPUs=$cpus RealMemory=$mem Gres=gpu:$cpus State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
    # SLURM wants one device file per GPU; plain files stand in for them.
    for i in $(seq 0 $((cpus - 1))); do touch "$STATE/fake-gpu$i"; done
    echo "NodeName=$host Name=gpu File=$STATE/fake-gpu[0-$((cpus - 1))]" >"$STATE/gres.conf"
    mkdir -p /etc/slurm
    ln -sfn "$STATE/slurm.conf" "$CONF"
    ln -sfn "$STATE/gres.conf" /etc/slurm/gres.conf
}

start() {
    install_packages
    stop_daemons # a cluster this script started before is restarted, not doubled
    write_config
    if ! pgrep -x munged >/dev/null; then
        mkdir -p /run/munge
        chown munge:munge /run/munge 2>/dev/null || true
        [ -s /etc/munge/munge.key ] || /usr/sbin/mungekey --create
        # munged refuses to run as root unless forced; as the munge user when it exists.
        if id munge >/dev/null 2>&1; then
            chown munge:munge /etc/munge/munge.key /var/lib/munge /var/log/munge 2>/dev/null || true
            runuser -u munge -- /usr/sbin/munged
        else
            /usr/sbin/munged --force
        fi
        touch "$STATE/started-munged"
    fi
    /usr/sbin/slurmctld -c
    /usr/sbin/slurmd -c
    for _ in $(seq 60); do
        if sinfo -h -o '%T' 2>/dev/null | grep -qx idle; then
            echo "cluster.sh: node $(hostname -s) idle in partition debug"
            return
        fi
        sleep 1
    done
    echo "cluster.sh: the node did not come up; slurmctld log:" >&2
    tail -n 20 "$STATE/log/slurmctld.log" "$STATE/log/slurmd.log" >&2
    exit 1
}

stop_daemons() {
    local pid
    for daemon in slurmd slurmctld; do
        if [ -s "$STATE/$daemon.pid" ]; then
            pid=$(cat "$STATE/$daemon.pid")
            kill "$pid" 2>/dev/null || true
            # the next start binds the same ports: wait until this one has let go
            for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
            rm -f "$STATE/$daemon.pid"
        fi
    done
}

stop() {
    stop_daemons
    if [ -e "$STATE/started-munged" ]; then
        pkill -x munged || true
        rm -f "$STATE/started-munged"
    fi
    for link in "$CONF" /etc/slurm/gres.conf; do
        if [ -L "$link" ]; then rm -f "$link"; fi
    done
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
