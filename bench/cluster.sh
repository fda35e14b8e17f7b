#!/usr/bin/env bash
# An emulated cluster: two "hosts" as Linux network namespaces joined by a veth
# link whose bandwidth `tc tbf` shapes to each RATE, one rank per host talking over
# OpenMPI's TCP transport (started through an rsh agent that enters the other
# namespace instead of ssh), against the same two ranks on one host (shared memory).
# Each configuration runs `tandem bench step` REPEATS times, the configurations
# interleaved round by round so that other load on the machine hits them alike.
#
#   bench/cluster.sh [RATE...]          as root; RATE is a tc rate (1gbit, 10gbit, 500mbit)
#                                       or "unshaped"; default: 1gbit 10gbit unshaped
# Environment (defaults in brackets):
#   SETUPS [toy mnist]  OVERLAPS [true false] (auto: tandem's default, which overlaps
#   across hosts only)  COMPRESSIONS [none bf16]  REPEATS [3]
#   TOY_ITERS [20]  MNIST_ITERS [3]  WARMUP [2]  EXTRA [] (more `bench step` flags)
#   MPI_ARGS [] (more mpirun arguments, e.g. "-x NAME=VALUE")
#   TANDEM_BINARY [.build/release/tandem, built with ./launch setup when missing]
#
# Prints one JSON line per (setup, rate, hosts, overlap, compression): the median of
# the rounds' generator iterations per second (and their min and max), and the median
# share of each rank's step time spent waiting for gradient communication. hosts 1
# (rate "local") is the same two ranks on one host. This kernel has the tbf and htb
# queueing disciplines but not netem: bandwidth is shaped, latency cannot be added.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "cluster.sh: needs root (it creates network namespaces)" >&2; exit 2; }
rates=("$@")
[ ${#rates[@]} -gt 0 ] || rates=(1gbit 10gbit unshaped)
for rate in "${rates[@]}"; do
    [[ "$rate" == unshaped || "$rate" =~ ^[0-9.]+[kmg]?bit$ ]] || { echo "cluster.sh: RATE '$rate': expected a tc rate like 1gbit or 500mbit, or unshaped" >&2; exit 2; }
done
setups=(${SETUPS:-toy mnist}) overlaps=(${OVERLAPS:-true false}) compressions=(${COMPRESSIONS:-none bf16})
for overlap in "${overlaps[@]}"; do
    [[ "$overlap" =~ ^(true|false|auto)$ ]] || { echo "cluster.sh: OVERLAPS '$overlap': expected true, false or auto" >&2; exit 2; }
done
repeats=${REPEATS:-3} warmup=${WARMUP:-2}
binary="${TANDEM_BINARY:-$PWD/.build/release/tandem}"
[ -x "$binary" ] || ./launch setup >&2
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

# Names and addresses of this run only; removed on exit.
id=$(( $$ % 10000 ))
h1="tcl-a$id" h2="tcl-b$id" va="tca$id" vb="tcb$id"
subnet="10.$(( 200 + id % 50 )).$(( id / 50 % 250 )).0"
first="${subnet%.0}.1" second="${subnet%.0}.2"
scratch=$(mktemp -d)
cleanup() { ip netns del "$h1" 2>/dev/null || true; ip netns del "$h2" 2>/dev/null || true; rm -rf "$scratch"; }
trap cleanup EXIT
ip netns add "$h1" || { echo "cluster.sh: cannot create network namespaces here" >&2; exit 2; }
ip netns add "$h2"
ip link add "$va" netns "$h1" type veth peer name "$vb" netns "$h2"
ip -n "$h1" addr add "$first/24" dev "$va"
ip -n "$h2" addr add "$second/24" dev "$vb"
for ns in "$h1" "$h2"; do ip -n "$ns" link set lo up; done
ip -n "$h1" link set "$va" up
ip -n "$h2" link set "$vb" up
cat >"$scratch/enter-host" <<AGENT
#!/bin/sh
host=\$1; shift
case \$host in
  $first) ns=$h1;;
  $second) ns=$h2;;
  *) echo "enter-host: unknown host \$host" >&2; exit 1;;
esac
exec ip netns exec \$ns /bin/sh -c "\$*"
AGENT
chmod 755 "$scratch/enter-host"

# Shapes both directions of the link (tbf on each end's egress); burst: 1 ms at the rate, at least 256 KiB.
shape() {
    for end in "$h1:$va" "$h2:$vb"; do
        local ns=${end%%:*} dev=${end#*:}
        tc -n "$ns" qdisc del dev "$dev" root 2>/dev/null || true
        if [ "$1" != unshaped ]; then
            local bits; bits=$(python3 -c "import re,sys; v,u=re.match(r'([0-9.]+)([kmg]?)bit',sys.argv[1]).groups(); print(int(float(v)*{'':1,'k':1e3,'m':1e6,'g':1e9}[u]))" "$1")
            tc -n "$ns" qdisc add dev "$dev" root tbf rate "$1" burst $(( bits / 8000 > 262144 ? bits / 8000 : 262144 )) latency 50ms
        fi
    done
}

# One measurement: setup, hosts, rate, overlap, compression, round; appends a JSON line.
measure() {
    local setup=$1 hosts=$2 rate=$3 overlap=$4 compression=$5 round=$6
    local iters=$([ "$setup" = toy ] && echo "${TOY_ITERS:-20}" || echo "${MNIST_ITERS:-3}")
    local flags=(bench step --setup "$setup" --iters "$iters" --warmup "$warmup" --grad-compression "$compression" ${EXTRA:-})
    case $overlap in true) flags+=(--overlap);; false) flags+=(--no-overlap);; esac
    local line
    if [ "$hosts" = 1 ]; then
        line=$(mpirun -q -np 2 --bind-to none -x OPENBLAS_NUM_THREADS=1 ${MPI_ARGS:-} "$binary" "${flags[@]}")
    else
        line=$(ip netns exec "$h1" mpirun -q -np 2 --host "$first:1,$second:1" --bind-to none -x OPENBLAS_NUM_THREADS=1 \
            --mca plm_rsh_agent "$scratch/enter-host" --mca btl tcp,self \
            --mca btl_tcp_if_include "$subnet/24" --mca oob_tcp_if_include "$subnet/24" ${MPI_ARGS:-} "$binary" "${flags[@]}")
    fi
    line=$(echo "$line" | grep '^{' | tail -1)
    echo "$line" | python3 -c "import json,sys; d=json.loads(sys.stdin.read()); d.update(setup='$setup', hosts=$hosts, rate='$rate', overlap_setting='$overlap', compression='$compression', round=$round, load=float(open('/proc/loadavg').read().split()[0])); print(json.dumps(d))" | tee -a "$scratch/runs.jsonl" >&2
}

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); rates ${rates[*]}; setups ${setups[*]}; $repeats rounds" >&2
for round in $(seq "$repeats"); do
    for setup in "${setups[@]}"; do
        for overlap in "${overlaps[@]}"; do
            for compression in "${compressions[@]}"; do
                measure "$setup" 1 local "$overlap" "$compression" "$round"
                for rate in "${rates[@]}"; do
                    shape "$rate"
                    measure "$setup" 2 "$rate" "$overlap" "$compression" "$round"
                done
            done
        done
    done
done
python3 - "$scratch/runs.jsonl" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
groups = {}
for run in runs:
    groups.setdefault((run["setup"], run["rate"], run["hosts"], run["overlap_setting"], run["compression"]), []).append(run)
for (setup, rate, hosts, setting, compression), group in groups.items():
    rates = [r["gen_iters_per_s"] for r in group]
    print(json.dumps({
        "setup": setup, "rate": rate, "hosts": hosts, "overlap": all(r["overlap"] for r in group), "compression": compression,
        **({"overlap_setting": "auto"} if setting == "auto" else {}), "update_split": group[0]["update_split"],
        "gen_iters_per_s": round(statistics.median(rates), 4), "min": round(min(rates), 4), "max": round(max(rates), 4),
        "exposed_comm_share": round(statistics.median(r["exposed_comm_share"] for r in group), 4),
        "stream_cpu_share": round(statistics.median(r["stream_cpu_share"] for r in group), 4),
        "rounds": len(group), "load": round(statistics.mean(r["load"] for r in group), 1),
    }))
PY
