# sitrep: `make demo` installs everything and extracts the bundled example; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# llama.cpp is built portable (AVX2, no AMX): the native build segfaults on AMX Xeons (llama.cpp #20824).
LLAMA_VERSION := 0.3.36
LLAMA_CMAKE   := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF \
                 -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF
WHEELS := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/sitrep/wheels/avx2
DEMO_DB := demo.duckdb

.PHONY: install browser demo test test-fast lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	ls $(WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl >/dev/null 2>&1 || \
	  (echo "building llama-cpp-python $(LLAMA_VERSION) (about 7 minutes, once per machine)"; \
	   CMAKE_ARGS="$(LLAMA_CMAKE)" CMAKE_BUILD_PARALLEL_LEVEL=2 \
	   $(BIN)/pip wheel -q --no-cache-dir --no-deps -w $(WHEELS) llama-cpp-python==$(LLAMA_VERSION))
	$(BIN)/pip install -q $(WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl
	$(BIN)/pip install -q -e '.[local,dev,ray]'
	$(BIN)/sitrep models --prepare
	touch $@

demo: install
	$(BIN)/sitrep extract examples/iris-t-ukraine.txt --db $(DEMO_DB)
	@echo "Query it: $(BIN)/sitrep sql 'SELECT * FROM latest_transfers' --db $(DEMO_DB)"

# The HTML view tests open the pages in Debian's headless Chromium; install it where it is missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { echo "installing Debian chromium for the HTML view tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: install browser
	$(BIN)/python -m pytest -q

# The offline suite on every core (pytest-xdist), no llama.cpp build. It leaves out what `make test`
# runs besides: the embedded-model test (`model`) and the tests marked `slow`, which need processes
# of their own (kill -9 and SIGTERM, two writers, a reader holding the file, a file-size limit, a DEBUG
# log on stderr) or a Ray cluster (`pytest --collect-only -q -m slow` lists them). Needs a venv with
# the dev extra, e.g. `python3 -m venv .venv && .venv/bin/pip install -e '.[dev]'`, or `make install`.
# One worker per core plus one: tests also wait on stub servers and subprocesses, and the spare worker
# fills those gaps (2 cores: 28 s against 34 s with one per core; two per core cost ~12 s more CPU).
# Bytecode is cached even where PYTHONDONTWRITEBYTECODE is set (__pycache__ is git-ignored): else each
# worker compiles the project and pytest rewrites every test module again, ~1.5 s of CPU each.
test-fast:
	@$(BIN)/python -c "import pytest, xdist, grimp" 2>/dev/null || { echo "test-fast needs $(VENV) with the dev extra: $(PYTHON) -m venv $(VENV) && $(BIN)/pip install -e '.[dev]'"; exit 2; }
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -q -m "not model and not slow" --dist worksteal \
		-n $$($(BIN)/python -c "import os; print((os.cpu_count() or 1) + 1)")

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python benchmarks/local_model.py

clean:
	rm -rf $(VENV) $(DEMO_DB) .pytest_cache
