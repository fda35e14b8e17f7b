#!/usr/bin/env bash
# Every training method next to WGAN-GP at the same wall time, on 2 ranks: on `grid`
# (PacGAN's 25 modes) and on the 5,000 MNIST digits, then augmentation (none,
# DiffAugment, ADA) on 1,000 digits. Each run trains from its preset until SIGTERM
# after its budget (every rank stops at the same step boundary and rank 0 writes a
# checkpoint), then that checkpoint is evaluated. Runs land in runs/results/.
#
#   bench/method-results.sh [MNIST_DIR]     (default ../shared/data/mnist-5k)
# Environment: GRID_SECONDS (default 240) per grid run, MNIST_SECONDS (default 300) per
# digit run; ONLY="ttc-grid act-mnist ..." runs only the named rows.
set -euo pipefail
cd "$(dirname "$0")/.."
mnist="${1:-../shared/data/mnist-5k}"
out=runs/results
mkdir -p "$out"
grid_seconds="${GRID_SECONDS:-240}"
mnist_seconds="${MNIST_SECONDS:-300}"
classifier="$out/classifier-mnist.safetensors"
[ -f "$classifier" ] || ./launch -n 1 classifier train --data "$mnist" --out "$classifier"

wanted() { [ -z "${ONLY:-}" ] || [[ " $ONLY " == *" $1 "* ]]; }

# seconds, name, then train arguments (without --steps, the run goes on until the budget ends).
timed() {
    local seconds=$1 name=$2; shift 2
    wanted "$name" || return 0
    local steps=(--steps 1000000)
    [[ " $* " == *" --steps "* ]] && steps=()
    rm -rf "$out/$name"
    local start=$SECONDS
    timeout --signal=TERM --kill-after=120 "$seconds" ./launch -n 2 train --run-dir "$out/$name" "$@" "${steps[@]}" \
        --sample-every 0 --checkpoint-every 0 >"$out/$name.log" 2>&1 || true
    echo "$name: $(( SECONDS - start )) s, $(grep -o 'step [0-9]*' "$out/$name.log" | tail -1)"
}
evaluate() {  # name, then eval arguments
    local name=$1; shift
    wanted "$name" || return 0
    ./launch -n 2 eval --run-dir "$out/$name" "$@" | tee "$out/$name.eval.json"
}

# The grid: WGAN-GP's toy setup against each method's 25-Gaussian preset on the same data.
# Trust the Critics trains a chain of critics one after another; the chain is cut to
# 10 critics of 400 updates (the preset's 20 × 5,000 take hours), and the budget cuts it
# again where it ends (samples are pushed down the finished critics).
grid=(--dataset grid)
timed "$grid_seconds" wgan-gp-grid-timed --config configs/wgan-gp-25gaussians.yaml "${grid[@]}"
timed "$grid_seconds" monoflow-grid --config configs/monoflow-25gaussians.yaml "${grid[@]}"
timed "$grid_seconds" gran-grid --config configs/gran-25gaussians.yaml "${grid[@]}"
timed "$grid_seconds" mmd-grid --config configs/mmd-25gaussians.yaml "${grid[@]}"
timed "$grid_seconds" sw-grid --config configs/sw-25gaussians.yaml "${grid[@]}"
timed "$grid_seconds" ttc-grid --config configs/ttc-25gaussians.yaml "${grid[@]}" --ttc-critics 10 --ttc-critic-steps 400 --steps 4000
timed "$grid_seconds" ct-grid --config configs/ct-25gaussians.yaml "${grid[@]}"
timed "$grid_seconds" choquet-grid --config configs/choquet-8gaussians.yaml "${grid[@]}"
for name in wgan-gp-grid-timed monoflow-grid gran-grid mmd-grid sw-grid ttc-grid ct-grid choquet-grid; do
    evaluate "$name" --samples 2500
done

# The digits. ACT runs at batch 64 (the preset's 256 makes one iteration take most of a
# minute here); Choquet-Toland uses the DCGAN generator and critics of width 512.
digits=(--data "$mnist")
timed "$mnist_seconds" wgan-gp-mnist-timed --config configs/wgan-gp-mnist.yaml "${digits[@]}"
timed "$mnist_seconds" monoflow-mnist --config configs/monoflow-mnist.yaml "${digits[@]}"
timed "$mnist_seconds" gran-mnist --config configs/gran-mnist.yaml "${digits[@]}"
timed "$mnist_seconds" mmd-mnist --config configs/mmd-mnist.yaml "${digits[@]}"
timed "$mnist_seconds" sw-mnist --config configs/sw-mnist.yaml "${digits[@]}"
timed "$mnist_seconds" sinkhorn-mnist --config configs/sinkhorn-mnist.yaml "${digits[@]}"
timed "$mnist_seconds" ttc-mnist --config configs/ttc-mnist.yaml "${digits[@]}" --ttc-critics 10 --ttc-critic-steps 300 --steps 3000
timed "$mnist_seconds" act-mnist --config configs/act-mnist.yaml "${digits[@]}" --batch-size 64
timed "$mnist_seconds" choquet-mnist --config configs/choquet-8gaussians.yaml --dataset mnist "${digits[@]}" --choquet-generator model \
    --model dcgan --width 64 --z-dim 128 --init pytorch --choquet-critic-width 512 --choquet-critic-layers 3 --batch-size 50
for name in wgan-gp-mnist-timed monoflow-mnist gran-mnist mmd-mnist sw-mnist sinkhorn-mnist ttc-mnist act-mnist choquet-mnist; do
    evaluate "$name" --classifier "$classifier"
done

# Augmentation on the first 1,000 digits of a fixed shuffle (data.limit): r1-mnist's model
# at DIM 32 without augmentation, with DiffAugment and with ADA (ada_kimg 20: the preset's
# 500 would let p move by at most 0.15 in so short a run). Each is evaluated against the
# 1,000 training digits and, with --all-data, against all 5,000 (memorizing shows there).
OPENBLAS_NUM_THREADS=1 .build/release/tandem bench augment --repetitions 10 | tee "$out/bench-augment.jsonl"
aug=("${digits[@]}" --width 32)
timed "$mnist_seconds" r1-mnist-1k --config configs/r1-mnist.yaml --name r1-mnist-1k --data-limit 1000 "${aug[@]}"
timed "$mnist_seconds" diffaugment-mnist-1k --config configs/diffaugment-mnist-1k.yaml "${aug[@]}"
timed "$mnist_seconds" ada-mnist-1k --config configs/ada-mnist-1k.yaml --ada-kimg 20 "${aug[@]}"
for name in r1-mnist-1k diffaugment-mnist-1k ada-mnist-1k; do
    evaluate "$name" --classifier "$classifier" --ema
    wanted "$name" && ./launch -n 2 eval --run-dir "$out/$name" --classifier "$classifier" --ema --all-data | tee "$out/$name.eval-all.json"
done
