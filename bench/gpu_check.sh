#!/usr/bin/env bash
# One short, prepared GPU check for a session lent a CUDA machine (the device tool): the GPU tests,
# the hw microbenchmark and a real profile of a student-sized preset, all figures printed.
# Run from the repository root on the GPU machine:  bash bench/gpu_check.sh   (about 3–5 minutes)
# Assumes .venv exists with a CUDA build of torch==2.13.0 (see README, "Profile your own models on a GPU").
set -euo pipefail
PY=${PY:-.venv/bin/python}
OUT=${OUT:-gpu-check}
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
$PY -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda, torch.cuda.is_available())"
$PY -m pytest -q -m gpu tests/gpu
$PY -m profiles hw --device cuda
$PY -m profiles run --model llama-3.1-8b --device cuda --dtype bf16 --batch-sizes 1,8,32,128 \
    --input-tokens 1000 --output-tokens 300 --repeats 5 --min-seconds 2 --train --out "$OUT/llama-3.1-8b-cuda.json"
$PY -m profiles estimate --model llama-3.1-8b --gpu h100-sxm --batch-sizes 1,8,32,128 \
    --input-tokens 1000 --output-tokens 300 --out "$OUT/llama-3.1-8b-h100-estimate.json" > /dev/null
$PY -m profiles compare "$OUT/llama-3.1-8b-h100-estimate.json" "$OUT/llama-3.1-8b-cuda.json"
