#!/usr/bin/env bash
# The GPU figures of benchmarks/README.md, in one run of under 8 minutes on one GPU.
#
#   bash benchmarks/gpu_check.sh            # on a GPU machine: XLM-R-large-sized, 75,150 pairs
#   bash benchmarks/gpu_check.sh --tiny     # dry run on the CPU: tiny model, 64 pairs, seconds
#
# Prints, per section, what benchmarks/README.md records with the date and the device:
# 1. evaluation: robustx's engine in bf16 vs an XTREME-style fixed-padding loop in fp32,
#    XLM-R-large-sized architecture from a config (random weights, no download), an
#    XNLI-sized split of 75,150 pairs: examples/s, tokens/s, ratio, peak GPU memory;
# 2. attack queries/s and 3. train steps/s: hooks, filled in once those commands exist.
# Each section has its own time limit so that one slow part cannot eat the others' time.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"

if [[ "${1:-}" == "--tiny" ]]; then
    SIZE=tiny N=64 DEVICE=cpu LIMIT=300
else
    SIZE=large N=75150 DEVICE=cuda LIMIT=420
    python -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 'no CUDA device: use --tiny for a CPU dry run')"
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
fi
date -u +"%Y-%m-%d %H:%M UTC"
python -c "import torch, transformers; print('torch', torch.__version__, 'transformers', transformers.__version__)"

echo "== 1. evaluation: robustx bf16 vs fixed-padding loop fp32 ($SIZE, $N pairs, $DEVICE)"
timeout "$LIMIT" python benchmarks/bench_evaluate.py --size "$SIZE" --device "$DEVICE" \
    --precision bf16 --n "$N" --repeats 1 --skip-unbatched --methods robustx,fixed-fp32

echo "== 2. attack queries/s"
# HOOK (robustx attack): once the command exists, time it here on the same large model and a
# slice of the split, and print queries/s; e.g.
#   timeout 60 python benchmarks/bench_attack.py --size "$SIZE" --device "$DEVICE" --n 512
echo "(not wired yet: robustx attack)"

echo "== 3. train steps/s"
# HOOK (robustx train): once the command exists, time a fixed number of optimizer steps here on
# the large model in bf16, and print steps/s and peak memory; e.g.
#   timeout 60 python benchmarks/bench_train.py --size "$SIZE" --device "$DEVICE" --steps 50
echo "(not wired yet: robustx train)"
