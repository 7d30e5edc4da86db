#!/usr/bin/env bash
# The GPU check, in one call sized to finish in under 8 minutes on an H100-class GPU: the GPU tests,
# `profiles hw`, a real profile of a student-sized preset with and without torch.compile (energy from NVML
# where the GPU has it), estimates beside it with measured ÷ estimated ratios, and one distillation step
# per method (sequence, logit-offline, logit-online, on-policy; and LoRA) with a teacher-sized and a
# student-sized preset of one vocabulary. Run from anywhere:
#
#   PY=python3 bash bench/gpu_check.sh                 # a CUDA box whose python3 has torch + transformers
#   bash bench/gpu_check.sh                            # PY defaults to .venv/bin/python if it exists
#   GPU_CHECK_CPU=1 bash bench/gpu_check.sh            # dry run of every step on the CPU (tiny preset)
#
# Packages the project needs and that Python lacks (pydantic, pandas 3) are installed from the wheels that
# bench/gpu_wheels.sh downloaded into .gpu-wheels/ (no internet needed), with pip --no-index --no-deps into
# a folder on PYTHONPATH: that Python's own torch, numpy and site-packages are never changed.
# Files land in $OUT (default gpu-check/): the profiles, the estimate and log.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
if [ -z "${PY:-}" ]; then
    if [ -x .venv/bin/python ]; then PY=.venv/bin/python; else PY=python3; fi
fi
OUT=${OUT:-gpu-check}
WHEELS=${WHEELS:-.gpu-wheels}
SITE=${SITE:-${TMPDIR:-/tmp}/gpu-check-site}
CPU=${GPU_CHECK_CPU:-0}
mkdir -p "$OUT"
exec > >(tee "$OUT/log.txt") 2>&1
export PYTHONUNBUFFERED=1

if [ "$CPU" = 1 ]; then
    DEVICE=cpu; DTYPE=fp32; MODEL=${MODEL:-tiny-llama-4l}; BATCHES=${BATCHES:-1,2}
    IN=${IN:-32}; OUTPUT=${OUTPUT:-8}; REPEATS=3; MIN_S=0.5; COMPILE=${GPU_CHECK_COMPILE:-0}
else
    # Student-sized: a 1.2B Llama (llama-3.2-1b's shapes, random weights), at a typical prompt and answer.
    DEVICE=cuda; DTYPE=bf16; MODEL=${MODEL:-llama-3.2-1b}; BATCHES=${BATCHES:-1,8,32}
    IN=${IN:-512}; OUTPUT=${OUTPUT:-128}; REPEATS=5; MIN_S=2; COMPILE=${GPU_CHECK_COMPILE:-1}
fi
# The compiled run recompiles for every batch size (static shapes, CUDA graphs): the first two only.
COMPILE_BATCHES=${COMPILE_BATCHES:-$(echo "$BATCHES" | cut -d, -f1-2)}

step() { printf '\n== %s  (%ss)\n' "$1" "$SECONDS"; }

step "python and packages"
# GPU_CHECK_FORCE_WHEELS=1 installs the wheels even where the packages exist (to test the mechanism).
if [ "${GPU_CHECK_FORCE_WHEELS:-0}" = 1 ] || \
   ! "$PY" -c "import pydantic, pandas, peft; assert int(pandas.__version__.split('.')[0]) >= 3" 2>/dev/null; then
    if ! ls "$WHEELS"/*.whl >/dev/null 2>&1; then
        echo "error: $PY lacks pydantic or pandas 3 and $WHEELS/ has no wheels: run bench/gpu_wheels.sh first" >&2
        exit 2
    fi
    "$PY" -m pip install --quiet --no-index --no-deps --no-compile --disable-pip-version-check \
        --target "$SITE" "$WHEELS"/*.whl
    echo "installed $(ls "$WHEELS" | wc -l) wheels from $WHEELS into $SITE"
fi
export PYTHONPATH="$SITE:$ROOT${PYTHONPATH:+:$PYTHONPATH}"
"$PY" - <<'EOF'
import importlib, platform
print("python", platform.python_version())
for name in ("torch", "transformers", "pydantic", "pandas", "numpy"):
    module = importlib.import_module(name)
    print(f"{name} {module.__version__} ({module.__file__.rsplit('/', 2)[0]})")
import torch
print("cuda", torch.version.cuda, "available:", torch.cuda.is_available())
EOF
if [ "$DEVICE" = cuda ]; then
    nvidia-smi --query-gpu=name,driver_version,memory.total,power.limit --format=csv
fi

step "GPU tests (tests/gpu; skipped without CUDA)"
"$PY" -m pytest -q -p no:cacheprovider -m gpu tests/gpu

step "profiles hw"
"$PY" -m profiles hw --device "$DEVICE"

RUN=(--model "$MODEL" --device "$DEVICE" --dtype "$DTYPE" --batch-sizes "$BATCHES" --input-tokens "$IN"
     --output-tokens "$OUTPUT" --repeats "$REPEATS" --min-seconds "$MIN_S")
step "profile $MODEL, eager"
"$PY" -m profiles run "${RUN[@]}" --out "$OUT/student-eager.json"
if [ "$COMPILE" = 1 ]; then
    step "profile $MODEL, torch.compile"
    "$PY" -m profiles run "${RUN[@]}" --batch-sizes "$COMPILE_BATCHES" --compile --out "$OUT/student-compiled.json"
fi

step "estimate beside the measurement"
if [ "$DEVICE" = cuda ]; then
    GPU=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['hardware'].get('catalog_name') or '')" \
          "$OUT/student-eager.json")
    if [ -n "$GPU" ]; then
        "$PY" -m profiles estimate --model "$MODEL" --gpu "$GPU" --dtype "$DTYPE" --batch-sizes "$BATCHES" \
            --input-tokens "$IN" --output-tokens "$OUTPUT" --out "$OUT/student-estimate.json" > /dev/null
        "$PY" -m profiles compare "$OUT/student-estimate.json" "$OUT/student-eager.json"
    else
        echo "the GPU is not in the catalog: no data-sheet estimate (the calibrated one follows)"
    fi
fi
# Calibrated on this very measurement: the estimate's formulas with this machine's fitted efficiencies.
"$PY" -m profiles calibrate "$OUT/student-eager.json" --out "$OUT/calibration.json"
"$PY" -m profiles estimate --model "$MODEL" --calibration "$OUT/calibration.json" --dtype "$DTYPE" \
    --batch-sizes "$BATCHES" \
    --input-tokens "$IN" --output-tokens "$OUTPUT" --out "$OUT/student-calibrated.json" > /dev/null

step "ratios"
"$PY" - "$OUT" <<'EOF'
import sys
from pathlib import Path

from econ.model.profile import load_profile

out = Path(sys.argv[1])
measured = load_profile(out / "student-eager.json")
others = {name: out / f"student-{name}.json" for name in ("estimate", "calibrated", "compiled")}
others = {name: load_profile(path) for name, path in others.items() if path.exists()}
print(f"{'batch':>5} {'metric':<14} {'measured':>10} " + " ".join(f"{n:>10} {'meas/' + n[:4]:>10}" for n in others))
by_batch = {name: {q.batch_size: q for q in other.points if not q.oom} for name, other in others.items()}
for point in measured.points:
    if point.oom:
        print(f"{point.batch_size:>5} out of memory")
        continue
    for label, get in (("TTFT p50 ms", lambda p: p.ttft_ms.p50), ("TPOT p50 ms", lambda p: p.tpot_ms.p50),
                       ("decode tok/s", lambda p: p.decode_tokens_per_s)):
        row = f"{point.batch_size:>5} {label:<14} {get(point):>10.4g} "
        for points in by_batch.values():
            q = points.get(point.batch_size)
            row += f"{get(q):>10.4g} {get(point) / get(q):>10.3f} " if q else f"{'-':>10} {'-':>10} "
        print(row)
energy = [p.energy_j_per_token for p in measured.points if p.energy_j_per_token]
print("energy J/token:", ", ".join(f"{e:.4g}" for e in energy) if energy else "not available (no NVML counter)")
for note in measured.notes:
    if note.startswith(("WARNING", "UNRELIABLE", "MBU/MFU")):
        print("note:", note)
EOF
if [ "$CPU" = 1 ]; then
    TEACHER=${TEACHER:-tiny-teacher}; STUDENT=${STUDENT:-tiny-student}; DBATCH=2; DLEN=64; DMIN=0.3
else
    # llama-3.1-8b teaching llama-3.2-1b (one tokenizer, 128,256 tokens): 16 GB of bf16 teacher beside the
    # student's weights, gradients and AdamW moments (~10 GB), with room for the logits.
    TEACHER=${TEACHER:-llama-3.1-8b}; STUDENT=${STUDENT:-llama-3.2-1b}; DBATCH=4; DLEN=512; DMIN=2
fi
DISTILL=(--teacher "$TEACHER" --student "$STUDENT" --device "$DEVICE" --dtype "$DTYPE" --batch-size "$DBATCH"
         --seq-len "$DLEN" --repeats 3 --min-seconds "$DMIN")
for METHOD in sequence logit-offline logit-online on-policy; do
    step "distill $METHOD: $TEACHER -> $STUDENT"
    "$PY" -m profiles distill "${DISTILL[@]}" --method "$METHOD" --out "$OUT/distill-$METHOD.json"
done
step "distill sequence, LoRA rank 16"
"$PY" -m profiles distill "${DISTILL[@]}" --method sequence --lora-rank 16 --out "$OUT/distill-sequence-lora.json"

step "done"
ls -l "$OUT"
