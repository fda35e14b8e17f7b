#!/usr/bin/env bash
# Two tandem binaries back to back on the step setups (toy and mnist, 1 and 2 ranks),
# alternating ROUNDS times so that load on the machine hits both alike; prints every
# JSON line, then the median iterations per second of each and new / old.
#
#   bench/ab.sh OLD_BINARY NEW_BINARY [ROUNDS]     (default 3)
#   NEW_FLAGS="--no-overlap"                       more `bench step` flags for the new binary only
#   SETUPS="toy mnist" TOY_ITERS=20 MNIST_ITERS=5  what is timed
#   e.g. git worktree add /tmp/old <commit> && (cd /tmp/old && swift build -c release --product tandem)
#        bench/ab.sh /tmp/old/.build/release/tandem .build/release/tandem
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: bench/ab.sh OLD_BINARY NEW_BINARY [ROUNDS]" >&2; exit 2; }
old=$1 new=$2 rounds=${3:-3}
for binary in "$old" "$new"; do [ -x "$binary" ] || { echo "ab.sh: $binary is not an executable" >&2; exit 2; }; done
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for round in $(seq "$rounds"); do
    for setup in ${SETUPS:-toy mnist}; do
        iters=$([ "$setup" = toy ] && echo "${TOY_ITERS:-20}" || echo "${MNIST_ITERS:-5}")
        for ranks in 1 2; do
            for label in old new; do
                binary=$([ $label = old ] && echo "$old" || echo "$new")
                extra=$([ $label = new ] && echo "${NEW_FLAGS:-}" || true)
                mpirun -q -np "$ranks" --oversubscribe --bind-to none "$binary" bench step --setup "$setup" --iters "$iters" --warmup 2 $extra \
                    | grep '^{' | python3 -c "import json,sys; d=json.loads(sys.stdin.read()); d['binary']='$label'; print(json.dumps(d))" | tee -a "$out"
            done
        done
    done
done
python3 - "$out" <<'PY'
import json, statistics, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
print("\n| setup | ranks | old it/s | new it/s | new / old |")
print("| --- | --- | --- | --- | --- |")
for setup in dict.fromkeys(l["setup"] for l in lines):
    for ranks in [1, 2]:
        rate = lambda b: statistics.median(l["gen_iters_per_s"] for l in lines if l["binary"] == b and l["setup"] == setup and l["ranks"] == ranks)
        print(f"| {setup} | {ranks} | {rate('old'):.3f} | {rate('new'):.3f} | {rate('new') / rate('old'):.3f} |")
PY
