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
# 2. attack: `robustx attack` on the demo's two tiny classifiers (queries/s, examples/s);
# 3. train: `robustx train` at XLM-R large's shape in bf16, no perturbation vs FreeLB
#    (steps/s, peak memory; benchmarks/gpu_train_smoke.py).
# Each section has its own time limit so that one slow part cannot eat the others' time
# (330 + 90 + 90 s at most: under 8 minutes with the start-up).
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"

if [[ "${1:-}" == "--tiny" ]]; then
    SIZE=tiny N=64 DEVICE=cpu LIMIT=300 ATTACK_N=3 STEPS=2 TRAIN_LEN=16 SIDE_LIMIT=300
else
    SIZE=large N=75150 DEVICE=cuda LIMIT=330 ATTACK_N=50 STEPS=10 TRAIN_LEN=128 SIDE_LIMIT=90
    python -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 'no CUDA device: use --tiny for a CPU dry run')"
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
fi
date -u +"%Y-%m-%d %H:%M UTC"
python -c "import torch, transformers; print('torch', torch.__version__, 'transformers', transformers.__version__)"

echo "== 1. evaluation: robustx bf16 vs fixed-padding loop fp32 ($SIZE, $N pairs, $DEVICE)"
timeout "$LIMIT" python benchmarks/bench_evaluate.py --size "$SIZE" --device "$DEVICE" \
    --precision bf16 --n "$N" --repeats 1 --skip-unbatched --methods robustx,fixed-fp32

echo "== 2. attack queries/s"
timeout "$SIDE_LIMIT" python benchmarks/bench_attack.py --device "$DEVICE" --n "$ATTACK_N" \
    || echo "(attack section stopped: exit $?)"

echo "== 3. train steps/s"
timeout "$SIDE_LIMIT" python benchmarks/gpu_train_smoke.py --size "$SIZE" --steps "$STEPS" \
    --methods none,freelb --length "$TRAIN_LEN" || echo "(train section stopped: exit $?)"
