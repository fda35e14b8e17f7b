#!/usr/bin/env bash
# Time to quality. Each named preset trains on $RANKS ranks until it ends or its
# wall-time budget runs out (then SIGTERM: every rank stops at the same step boundary
# and rank 0 writes a checkpoint), keeping a checkpoint every EVERY steps. Afterwards
# `tandem eval` measures every checkpoint (the generator's EMA when the run keeps one)
# and the script reports the training time (`time` in metrics.jsonl: seconds since
# the loop began) at which the run first met its target, and where it stood at the end.
#
#   bench/quality.sh [PRESET...]     (default: default ring grid)
#
#   default  ./launch train's run (configs/quickstart.yaml): 8 of 8 modes, >= 80% high quality
#   ring     configs/fast-ring.yaml: 8 of 8 modes, >= 95.9% high quality (PacGAN4, Table 1)
#   grid     configs/fast-grid.yaml: 25 of 25 modes, >= 93.6% high quality (PacGAN4)
#   mnist    configs/fast-mnist.yaml on $MNIST_DIR: FD in the classifier's features at most
#            FD_FACTOR (2) times the FD of 2,000 held-out real digits against the 2,000 compared with
#
# 2-D presets are judged with PacGAN's protocol: 2,500 samples, a sample is high quality
# within 3 standard deviations of its nearest mode, a mode is covered by one such sample.
# Environment: RANKS (2), OUT (runs/quality), TOY_SECONDS (600), MNIST_SECONDS (1800),
# EVERY (checkpoint spacing in steps: 250), STEPS (replaces the presets' train.steps),
# MNIST_DIR (../shared/data/mnist-5k), FD_FACTOR (2), TARGET (replaces every preset's
# target: "modes COUNT SHARE" or "fd FACTOR"). Prints one table row per preset and appends a JSON line to $OUT/quality.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
ranks="${RANKS:-2}"
out="${OUT:-runs/quality}"
every="${EVERY:-250}"
mnist="${MNIST_DIR:-../shared/data/mnist-5k}"
presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(default ring grid)

fail() { echo "quality.sh: $*" >&2; exit 2; }

# name → config, budget in seconds, target: "modes COUNT SHARE" or "fd FACTOR".
config_of() {
    case "$1" in
        default) echo configs/quickstart.yaml ;;
        ring) echo configs/fast-ring.yaml ;;
        grid) echo configs/fast-grid.yaml ;;
        mnist) echo configs/fast-mnist.yaml ;;
        *) fail "unknown preset '$1' (expected default, ring, grid or mnist)" ;;
    esac
}
target_of() {
    if [ -n "${TARGET:-}" ]; then echo "$TARGET"; return; fi
    case "$1" in
        default) echo "modes 8 0.80" ;;
        ring) echo "modes 8 0.959" ;;
        grid) echo "modes 25 0.936" ;;
        mnist) echo "fd ${FD_FACTOR:-2}" ;;
    esac
}
for name in "${presets[@]}"; do config_of "$name" >/dev/null; done
mkdir -p "$out"

# Trains preset $1 into $out/$1 for at most $2 seconds.
train() {
    local name=$1 seconds=$2; shift 2
    local steps=()
    [ -n "${STEPS:-}" ] && steps=(--steps "$STEPS")
    rm -rf "${out:?}/$name"
    timeout --signal=TERM --kill-after=120 "$seconds" ./launch -n "$ranks" train --config "$(config_of "$name")" \
        --run-dir "$out/$name" "$@" "${steps[@]}" --checkpoint-every "$every" --log-every "$every" --keep-checkpoints 0 \
        --sample-every 0 --eval-every 0 >"$out/$name.log" 2>&1 || true
    [ -f "$out/$name/metrics.jsonl" ] || fail "$name: the run wrote no metrics; see $out/$name.log"
}

# Evaluates every checkpoint of run $1 (extra eval arguments after it) into $out/$1.evals.jsonl.
evaluate_all() {
    local name=$1; shift
    local ema=()
    grep -Eq '^  (ema_decay|ema_kimg): [0-9]' "$out/$name/config.yaml" && ema=(--ema)
    : >"$out/$name.evals.jsonl"
    local step
    for step in $(ls "$out/$name/checkpoints" | sed -n 's/^step-0*\([0-9][0-9]*\)$/\1/p' | sort -n); do
        ./launch -n "$ranks" eval --run-dir "$out/$name" --step "$step" "${ema[@]}" "$@" | tail -1 >>"$out/$name.evals.jsonl"
    done
}

# Prints the report row of run $1 with target $2 (and the real-vs-real FD as $3 for fd targets).
report() {
    python3 - "$out/$1" "$2" "${3:-}" <<'PY'
import json, sys
run, target, baseline = sys.argv[1], sys.argv[2].split(), sys.argv[3]
times = {}
for line in open(run + "/metrics.jsonl"):
    entry = json.loads(line)
    if "time" in entry and "eval_samples" not in entry:
        times[entry["step"]] = entry["time"]
evals = [json.loads(line) for line in open(run + ".evals.jsonl") if line.strip()]
if not evals:
    sys.exit(f"quality.sh: {run}: no checkpoint was evaluated")
def met(e):
    if target[0] == "modes":
        return e["eval_modes_covered"] >= int(target[1]) and e["eval_high_quality_share"] >= float(target[2])
    return e["eval_fd"] <= float(target[1]) * float(baseline)
def where(e):
    if target[0] == "modes":
        return f'{int(e["eval_modes_covered"])}/{int(e["eval_mode_count"])} modes, {100 * e["eval_high_quality_share"]:.1f}% high quality'
    return f'FD {e["eval_fd"]:.1f} (real vs real {float(baseline):.1f})'
first = next((e for e in evals if met(e)), None)
last = evals[-1]
name = run.rsplit("/", 1)[-1]
wanted = (f"{target[1]} modes, >= {100 * float(target[2]):.1f}%" if target[0] == "modes"
          else f"FD <= {target[1]} x {float(baseline):.1f}")
reached = f'{times.get(first["step"], float("nan")):.0f} s (step {first["step"]})' if first else "not reached"
print(f'| {name} | {wanted} | {reached} | {where(last)} at step {last["step"]}, {times.get(last["step"], float("nan")):.0f} s |')
record = {"preset": name, "target": target, "reached": first is not None,
          "seconds_to_target": times.get(first["step"]) if first else None, "step_to_target": first["step"] if first else None,
          "final": last, "final_seconds": times.get(last["step"])}
if baseline:
    record["real_baseline_fd"] = float(baseline)
with open(run.rsplit("/", 1)[0] + "/quality.jsonl", "a") as f:
    f.write(json.dumps(record) + "\n")
PY
}

echo "| preset | target | time to target | at the end |"
echo "| --- | --- | --- | --- |"
for name in "${presets[@]}"; do
    read -r -a target <<<"$(target_of "$name")"
    if [ "$name" = mnist ]; then
        classifier="$out/classifier-mnist.safetensors"
        [ -f "$classifier" ] || ./launch -n 1 classifier train --data "$mnist" --out "$classifier" >"$out/classifier.log" 2>&1 \
            || fail "the MNIST classifier did not train; see $out/classifier.log"
        train "$name" "${MNIST_SECONDS:-1800}" --data "$mnist" --classifier "$classifier"
        evaluate_all "$name" --samples 2000
        baseline=$(./launch -n "$ranks" eval --run-dir "$out/$name" --samples 2000 --real-baseline | tail -1 \
            | python3 -c 'import json, sys; print(json.load(sys.stdin)["eval_fd"])')
        report "$name" "${target[*]}" "$baseline"
    else
        train "$name" "${TOY_SECONDS:-600}"
        evaluate_all "$name" --samples 2500
        report "$name" "${target[*]}"
    fi
done
