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

# The offline suite only (no model test, no llama.cpp build): needs a venv with the dev extra,
# e.g. `python3 -m venv .venv && .venv/bin/pip install -e '.[dev]'`, or one made by `make install`.
test-fast:
	@test -x $(BIN)/pytest || { echo "test-fast needs $(VENV) with the dev extra: $(PYTHON) -m venv $(VENV) && $(BIN)/pip install -e '.[dev,ray]'"; exit 2; }
	$(BIN)/python -m pytest -q -m "not model"

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python benchmarks/local_model.py

clean:
	rm -rf $(VENV) $(DEMO_DB) .pytest_cache
