#!/usr/bin/env bash
# Two ranks on one host against the machine's own two-process scaling (issue 15's
# goal): each round times sgemm alone and two sgemm processes at once (one per
# core), then for each tandem binary, in an order that rotates round by round, the
# step setups on 1 rank (pinned to one core) and on 2 ranks (./launch -n 2). A
# round's scaling is (2-rank it/s / 1-rank it/s) / (sgemm pair / sgemm alone).
#
#   bench/scaling.sh BINARY... [-- BENCH_STEP_FLAGS...]
#   ROUNDS [8]  SETUPS [toy mnist]  TOY_ITERS [40]  MNIST_ITERS [8]  CORE [1] (for 1 rank)
#
# Prints one JSON line per measurement, then per (setup, binary) the medians of the
# rounds: 1-rank and 2-rank it/s, the scaling against the sgemm pair, and against a
# "balanced" pair (twice the slower of the two sgemm processes: what a synchronous
# job of two equal halves could reach while one core runs slower than the other).
set -euo pipefail
cd "$(dirname "$0")/.."
binaries=() flags=()
while [ $# -gt 0 ]; do
    if [ "$1" = -- ]; then shift; flags=("$@"); break; fi
    binaries+=("$1"); shift
done
[ ${#binaries[@]} -gt 0 ] || { echo "usage: bench/scaling.sh BINARY... [-- BENCH_STEP_FLAGS...]" >&2; exit 2; }
for binary in "${binaries[@]}"; do [ -x "$binary" ] || { echo "scaling.sh: $binary is not an executable" >&2; exit 2; }; done
[ "$(nproc)" -ge 2 ] || { echo "scaling.sh: needs at least 2 cores" >&2; exit 2; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
core=${CORE:-1} other=$(( ${CORE:-1} == 0 ? 1 : 0 ))
out=$(mktemp)
trap 'rm -f "$out"' EXIT
gflops() { python3 -c "import json,sys; print(' '.join(str(json.loads(l)['gflops']) for l in sys.stdin if l.startswith('{')))"; }
rate() { grep '^{' | tail -1 | python3 -c "import json,sys; print(json.loads(sys.stdin.read())['gen_iters_per_s'])"; }
for round in $(seq "${ROUNDS:-8}"); do
    alone=$(taskset -c "$core" "${binaries[0]}" bench sgemm --seconds 3 | gflops)
    pair=$( (taskset -c "$other" "${binaries[0]}" bench sgemm --seconds 3 & taskset -c "$core" "${binaries[0]}" bench sgemm --seconds 3 & wait) | gflops)
    echo "{\"round\": $round, \"sgemm_alone\": $alone, \"sgemm_pair\": [${pair// /, }]}" | tee -a "$out"
    for setup in ${SETUPS:-toy mnist}; do
        iters=$([ "$setup" = toy ] && echo "${TOY_ITERS:-40}" || echo "${MNIST_ITERS:-8}")
        count=${#binaries[@]}
        for k in $(seq 0 $((count - 1))); do
            binary=${binaries[$(( (k + round) % count ))]}
            one=$(taskset -c "$core" "$binary" bench step --setup "$setup" --iters "$iters" --warmup 2 ${flags[@]+"${flags[@]}"} | rate)
            two=$(TANDEM_BINARY="$binary" ./launch -n 2 bench step --setup "$setup" --iters "$iters" --warmup 2 ${flags[@]+"${flags[@]}"} | rate)
            echo "{\"round\": $round, \"setup\": \"$setup\", \"binary\": \"$binary\", \"one_rank\": $one, \"two_ranks\": $two}" | tee -a "$out"
        done
    done
done
python3 - "$out" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
pairs = {r["round"]: r for r in rows if "sgemm_alone" in r}
groups = {}
for r in rows:
    if "setup" in r:
        groups.setdefault((r["setup"], r["binary"]), []).append(r)
median = statistics.median
for (setup, binary), group in groups.items():
    scaling, balanced = [], []
    for r in group:
        p = pairs[r["round"]]
        speedup = r["two_ranks"] / r["one_rank"]
        scaling.append(speedup / (sum(p["sgemm_pair"]) / p["sgemm_alone"]))
        balanced.append(speedup / (2 * min(p["sgemm_pair"]) / p["sgemm_alone"]))
    print(json.dumps({
        "setup": setup, "binary": binary, "rounds": len(group),
        "one_rank": round(median(r["one_rank"] for r in group), 4), "two_ranks": round(median(r["two_ranks"] for r in group), 4),
        "sgemm_pair_scaling": round(median(sum(pairs[r["round"]]["sgemm_pair"]) / pairs[r["round"]]["sgemm_alone"] for r in group), 3),
        "scaling": round(median(scaling), 3), "scaling_min": round(min(scaling), 3), "scaling_max": round(max(scaling), 3),
        "scaling_balanced": round(median(balanced), 3),
    }))
PY
