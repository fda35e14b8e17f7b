#!/usr/bin/env bash
# Iterations per second of every method's presets through the data-parallel trainer on 1
# and 2 ranks (`tandem bench step --config`; image presets on random images of the
# digits' shape), and, for the losses computed over the global batch, the same step with
# the per-rank estimator (sw.scope / sinkhorn.scope rank), which needs no gather.
# Prints one JSON line per measurement, then a table.
#
#   bench/method-steps.sh [ROUNDS]     (default 1)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-1}"
./launch setup >/dev/null
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
out=$(mktemp)
trap 'rm -f "$out"' EXIT
presets=(wgan-gp-25gaussians monoflow-25gaussians gran-25gaussians mmd-25gaussians sw-25gaussians ttc-25gaussians ct-25gaussians
    choquet-8gaussians wgan-gp-mnist monoflow-mnist gran-mnist mmd-mnist sw-mnist sinkhorn-mnist ttc-mnist act-mnist)
measure() {  # label, ranks, then bench step arguments
    local label=$1 ranks=$2; shift 2
    ./launch -n "$ranks" bench step "$@" | grep '^{' | python3 -c "import json,sys; d=json.loads(sys.stdin.read()); d['label']='$label'; print(json.dumps(d))" | tee -a "$out"
}
for round in $(seq "$rounds"); do
    for preset in "${presets[@]}"; do
        iters=10
        case $preset in *mnist*) iters=3;; esac
        # ACT at its preset's batch 256 spends most of a minute per iteration here: batch 64.
        extra=()
        [ "$preset" = act-mnist ] && extra=(--batch-size 64)
        for ranks in 1 2; do
            measure "$preset" "$ranks" --config "configs/$preset.yaml" --iters "$iters" --warmup 1 "${extra[@]}"
        done
    done
    for ranks in 1 2; do
        for scope in global rank; do
            measure "sw-25gaussians $scope" "$ranks" --config configs/sw-25gaussians.yaml --iters 10 --warmup 1 --set "sw.scope=$scope"
            measure "sw-mnist $scope" "$ranks" --config configs/sw-mnist.yaml --iters 3 --warmup 1 --set "sw.scope=$scope"
            measure "sinkhorn-mnist $scope" "$ranks" --config configs/sinkhorn-mnist.yaml --iters 3 --warmup 1 --set "sinkhorn.scope=$scope"
        done
    done
done
python3 - "$out" <<'PY'
import json, statistics, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
def median(label, ranks, key):
    values = [l[key] for l in lines if l["label"] == label and l["ranks"] == ranks]
    return statistics.median(values) if values else float("nan")
print("\n| preset | method | batch | it/s, 1 rank | it/s, 2 ranks | 2-rank speedup | losses' collectives, share of step (2 ranks) |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for label in dict.fromkeys(l["label"] for l in lines if " " not in l["label"]):
    one, two = median(label, 1, "gen_iters_per_s"), median(label, 2, "gen_iters_per_s")
    first = next(l for l in lines if l["label"] == label)
    share = median(label, 2, "loss_collectives_share_rank0")
    print(f"| {label} | {first['method']} | {first['global_batch']} | {one:.3f} | {two:.3f} | {two/one:.2f}x | {share:.3f} |")
print("\n| preset | ranks | global batch (gather) it/s | per rank (no gather) it/s | gather's cost |")
print("| --- | --- | --- | --- | --- |")
for preset in ["sw-25gaussians", "sw-mnist", "sinkhorn-mnist"]:
    for ranks in [1, 2]:
        g, r = median(f"{preset} global", ranks, "gen_iters_per_s"), median(f"{preset} rank", ranks, "gen_iters_per_s")
        print(f"| {preset} | {ranks} | {g:.3f} | {r:.3f} | {r/g - 1:+.1%} |")
PY
