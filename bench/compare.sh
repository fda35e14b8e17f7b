#!/usr/bin/env bash
# Tandem against the PyTorch peer (../shared/bench/peer_pytorch.py) on this machine,
# in one session: both setups, 1 and 2 ranks, the two implementations alternating
# ROUNDS times; then the machine's own one-to-two-core scaling (raw sgemm alone and
# as two processes at once). Prints every JSON line it measures, then a summary.
#
#   bench/compare.sh [ROUNDS]          (default 2)
#   BF16=1                             also the mnist step in bf16 (Tandem --precision bf16,
#                                      PyTorch under autocast), on CPUs with avx512_bf16
#   PEER_PYTHON=/path/to/python        a Python with torch and numpy (default: .venv-peer,
#                                      created here with `pip install torch numpy` if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-2}"
peer_script="${PEER_SCRIPT:-../shared/bench/peer_pytorch.py}"
[ -f "$peer_script" ] || { echo "compare.sh: $peer_script not found (set PEER_SCRIPT)" >&2; exit 2; }
python="${PEER_PYTHON:-.venv-peer/bin/python}"
if [ ! -x "$python" ]; then
    python3 -m venv .venv-peer && .venv-peer/bin/pip install -q torch numpy
    python=.venv-peer/bin/python
fi
./launch setup >/dev/null
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
out=$(mktemp)
trap 'rm -f "$out"' EXIT

echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; torch $("$python" -c 'import torch; print(torch.__version__)')"
for round in $(seq "$rounds"); do
    for setup in toy mnist; do
        iters=$([ "$setup" = toy ] && echo 20 || echo 5)
        for ranks in 1 2; do
            ./launch -n "$ranks" bench step --setup "$setup" --iters "$iters" --warmup 2 | tee -a "$out"
            "$python" "$peer_script" "$setup" --ranks "$ranks" --threads 1 --iters "$iters" --warmup 2 | tee -a "$out"
        done
    done
done
if [ "${BF16:-0}" = 1 ] && grep -qw avx512_bf16 /proc/cpuinfo; then
    for round in $(seq "$rounds"); do
        for ranks in 1 2; do
            ./launch -n "$ranks" bench step --setup mnist --iters 5 --warmup 2 | tee -a "$out"
            ./launch -n "$ranks" bench step --setup mnist --iters 5 --warmup 2 --precision bf16 | tee -a "$out"
            "$python" "$peer_script" mnist --ranks "$ranks" --threads 1 --iters 5 --warmup 2 --precision bf16 | tee -a "$out"
        done
    done
fi
.build/release/tandem bench ops --conv none | tee -a "$out"
single=$(.build/release/tandem bench sgemm --seconds 4 | tee -a "$out")
pair=$( (.build/release/tandem bench sgemm --seconds 4 & .build/release/tandem bench sgemm --seconds 4 & wait) | tee -a "$out")
python3 - "$out" "$single" "$pair" <<'PY'
import json, sys, statistics
lines = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
def rate(impl, setup, ranks, precision="float32"):
    keyed = [l for l in lines if l.get("setup") == setup and l.get("ranks") == ranks and (l.get("impl") == impl or l.get("peer") == impl)
             and {"fp32": "float32"}.get(l.get("precision", "float32"), l.get("precision", "float32")) == precision]
    if not keyed:
        return float("nan"), float("nan")
    return statistics.median(l["gen_iters_per_s"] for l in keyed), statistics.median(l["peak_rss_mib_rank0"] for l in keyed)
print("\n| setup | ranks | tandem it/s | pytorch it/s | ratio | tandem RSS MiB | pytorch RSS MiB | RSS ratio |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for setup in ["toy", "mnist"]:
    for ranks in [1, 2]:
        (t, tr), (p, pr) = rate("tandem", setup, ranks), rate("pytorch", setup, ranks)
        print(f"| {setup} | {ranks} | {t:.3f} | {p:.3f} | {t/p:.2f}x | {tr:.0f} | {pr:.0f} | {tr/pr:.2f} |")
alone = json.loads(sys.argv[2])["gflops"]
both = sum(json.loads(l)["gflops"] for l in sys.argv[3].splitlines())
capacity = both / alone
for setup in ["toy", "mnist"]:
    speedup = rate("tandem", setup, 2)[0] / rate("tandem", setup, 1)[0]
    print(f"\n{setup}: two-rank speedup {speedup:.2f}x; machine's sgemm capacity {capacity:.2f}x (one process {alone:.1f} GFLOP/s, two at once {both:.1f}); ratio {speedup/capacity:.2f}")
peak = max(l.get("sgemm_gflops", 0) for l in lines)
for setup in ["toy", "mnist"]:
    step = [l for l in lines if l.get("impl") == "tandem" and l.get("setup") == setup and l.get("ranks") == 1 and l.get("precision") == "float32"]
    rate_ = statistics.median(l["gemm_gflops_rank0"] for l in step)
    print(f"{setup} step on 1 rank: {rate_:.1f} GFLOP/s of sgemm (convolutions: GEMM-equivalent) = {rate_/peak:.2f} of the {peak:.1f} GFLOP/s sgemm peak")
if any(l.get("precision") == "bf16" for l in lines):
    print("\n| mnist bf16 | ranks | tandem bf16 it/s | tandem float32 it/s | bf16 / float32 | pytorch autocast bf16 it/s | tandem bf16 / pytorch bf16 |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for ranks in [1, 2]:
        half, single, peer = rate("tandem", "mnist", ranks, "bf16")[0], rate("tandem", "mnist", ranks)[0], rate("pytorch", "mnist", ranks, "bf16")[0]
        print(f"| | {ranks} | {half:.3f} | {single:.3f} | {half/single:.2f}x | {peer:.3f} | {half/peer:.2f}x |")
PY
