#!/usr/bin/env bash
# Reproduces the README's results table: each row is one training run on 2 ranks
# followed by `tandem eval` of its final generator. Runs land in runs/results/.
#   bench/results.sh [MNIST_DIR]     (default ../shared/data/mnist-5k)
set -euo pipefail
cd "$(dirname "$0")/.."
mnist="${1:-../shared/data/mnist-5k}"
out=runs/results
mkdir -p "$out"
run() {  # name, then train arguments
    local name=$1; shift
    rm -rf "$out/$name"
    ./launch -n 2 train --run-dir "$out/$name" "$@" >"$out/$name.log" 2>&1
    tail -1 "$out/$name.log"
}
evaluate() {  # name, then eval arguments
    local name=$1; shift
    ./launch -n 2 eval --run-dir "$out/$name" "$@" | tee "$out/$name.eval.json"
}

run wgan-gp-8gaussians --config configs/wgan-gp-8gaussians.yaml --steps 2000 --sample-every 1000
evaluate wgan-gp-8gaussians --samples 2500
run wgan-gp-25gaussians --config configs/wgan-gp-25gaussians.yaml --steps 4000 --sample-every 2000
evaluate wgan-gp-25gaussians --samples 2500
run wgan-gp-ring --config configs/wgan-gp-8gaussians.yaml --dataset ring --steps 2000 --sample-every 1000
evaluate wgan-gp-ring --samples 2500
run wgan-gp-grid --config configs/wgan-gp-25gaussians.yaml --dataset grid --steps 4000 --sample-every 2000
evaluate wgan-gp-grid --samples 2500

# Image rows: a feature classifier for FD/KID first (its test accuracy is stored beside it).
./launch -n 1 classifier train --data "$mnist" --out "$out/classifier-mnist.safetensors"
run wgan-gp-mnist --config configs/wgan-gp-mnist.yaml --data "$mnist" --steps 1000 --sample-every 500
evaluate wgan-gp-mnist --classifier "$out/classifier-mnist.safetensors"
run ttur-mnist --config configs/ttur-mnist.yaml --data "$mnist" --steps 2500 --sample-every 1250
evaluate ttur-mnist --classifier "$out/classifier-mnist.safetensors"
run r1-mnist --config configs/r1-mnist.yaml --data "$mnist" --steps 2500 --sample-every 1250
evaluate r1-mnist --classifier "$out/classifier-mnist.safetensors" --ema

# Augmentation on 1,000 digits (data.limit: the first 1,000 of a fixed shuffle): the r1-mnist
# model without augmentation, with DiffAugment and with ADA, on the presets at DIM 32 to fit
# this machine. `tandem bench augment` measures the augmentation at under 1% of an update, so
# equal steps are equal wall time. ADA's ada_kimg is 20 (the preset's 500 would let p reach at
# most 0.15 in 77k images). Each is evaluated against the 1,000 training digits and, with
# --all-data, against all 5,000.
OPENBLAS_NUM_THREADS=1 .build/release/tandem bench augment --repetitions 10 | tee "$out/bench-augment.jsonl"
aug=(--data "$mnist" --width 32 --steps 1200 --sample-every 600 --checkpoint-every 600)
run r1-mnist-1k --config configs/r1-mnist.yaml --name r1-mnist-1k --data-limit 1000 "${aug[@]}"
run diffaugment-mnist-1k --config configs/diffaugment-mnist-1k.yaml "${aug[@]}"
run ada-mnist-1k --config configs/ada-mnist-1k.yaml --ada-kimg 20 "${aug[@]}"
for name in r1-mnist-1k diffaugment-mnist-1k ada-mnist-1k; do
    evaluate "$name" --classifier "$out/classifier-mnist.safetensors" --ema
    ./launch -n 2 eval --run-dir "$out/$name" --classifier "$out/classifier-mnist.safetensors" --ema --all-data | tee "$out/$name.eval-all.json"
done
