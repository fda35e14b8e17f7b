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

# Every method next to WGAN-GP at the same wall time (issues 12 and 13).
bench/method-results.sh "$mnist"
