#!/usr/bin/env bash
# GPU smoke run of `robustx train` (docs/experiment.md): XLM-R large shape, 60 steps per
# method, steps/s and peak memory. Under 10 minutes on one H100; run from the repository root.
set -euo pipefail
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
timeout 570 python benchmarks/gpu_train_smoke.py --size large --steps 60 --methods none,fgm,freelb,r3f "$@"
