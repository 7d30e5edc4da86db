#!/usr/bin/env bash
# Download, on a machine with internet, the wheels that bench/gpu_check.sh needs on a GPU machine that has
# its own python3 (3.12) with a CUDA torch, transformers, numpy, psutil, pytest, hypothesis, safetensors,
# tqdm and nvidia-ml-py, but no internet and no pydantic (the GPU machine of DEVELOPERS.md / the device
# tool's nvidia-h200: its package list is in KINDS.md).
#
#   bash bench/gpu_wheels.sh            # -> .gpu-wheels/ (git-ignored; the device tool's `carry` takes it)
#
# Only the packages that machine lacks, pinned to this project's versions (requirements.txt, and the
# versions pydantic resolves to here), for CPython 3.12 on manylinux x86_64, binary wheels only, without
# their dependencies (`--no-deps`): numpy, torch and everything else stay the machine's own. gpu_check.sh
# installs them with `pip install --no-index --find-links` into a target folder on PYTHONPATH.
set -euo pipefail
cd "$(dirname "$0")/.."
DEST=${DEST:-.gpu-wheels}
PIP=${PIP:-.venv/bin/python -m pip}
PY_VERSION=${PY_VERSION:-3.12}

pin() {  # the version this project uses: requirements.txt, else what the local environment resolved
    local name=$1 version
    version=$(grep -iE "^${name}==" requirements.txt | head -1 | cut -d= -f3 || true)
    if [ -z "$version" ]; then
        version=$($PIP show "$name" 2>/dev/null | awk '/^Version:/ {print $2}')
    fi
    [ -n "$version" ] || { echo "error: no version for $name (not in requirements.txt nor installed)" >&2; exit 2; }
    echo "${name}==${version}"
}

# pydantic and its runtime dependencies (pydantic-core is compiled: one wheel per Python and platform);
# pandas 3 because econ (imported by every profiles command) is written for it; peft (and accelerate, its
# dependency) for `profiles distill --lora-rank`.
PACKAGES=(pydantic pydantic-core annotated-types typing-inspection typing-extensions pandas peft accelerate)
SPECS=()
for name in "${PACKAGES[@]}"; do SPECS+=("$(pin "$name")"); done

mkdir -p "$DEST"
rm -f "$DEST"/*.whl
$PIP download --quiet --no-deps --only-binary=:all: --dest "$DEST" \
    --python-version "$PY_VERSION" --implementation cp --abi "cp${PY_VERSION/./}" --abi abi3 --abi none \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 \
    --platform manylinux2014_x86_64 --platform any \
    "${SPECS[@]}"
ls -1 "$DEST"
du -sh "$DEST" | awk '{print "total " $1}'
