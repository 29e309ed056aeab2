# Two commands: `make demo` runs the main job on the sample company, `make test` runs the tests.
# Both create .venv and install everything on first use.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
WB     := $(VENV)/bin/workbench
SAMPLE := data/sample
SEED   := 7
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# PyTorch's own index of CPU-only wheels: on a stock Linux machine the default index serves the
# CUDA build (gigabytes of nvidia-* packages the workbench never uses).
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
# an index that cannot be reached fails in seconds, not minutes of retries
PIP_FAST_FAIL := --timeout 10 --retries 0

.PHONY: install constraints browser demo sample ingest quarterly test test-wheel bench clean

# Exact versions from constraints.txt; pyproject.toml holds the ranges the package accepts.
$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip wheel setuptools
	# torch alone first, the CPU build: from PyTorch's CPU index, or the default index when that
	# cannot be reached. Its own requirements come with the rest, from the default index.
	$(PY) -m pip install -q --no-deps -c constraints.txt --index-url $(TORCH_INDEX) $(PIP_FAST_FAIL) torch \
		|| $(PY) -m pip install -q --no-deps -c constraints.txt torch
	$(PY) -m pip install -q -c constraints.txt -e ".[explore,test,cluster]"
	touch $@

install: $(VENV)/.installed

# Headless Chromium for the browser tests (Debian packages; needs root). Without it they skip.
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	else echo "note: /usr/bin/chromium missing and not root: browser tests will be skipped"; fi

sample: install
	$(WB) sample --out $(SAMPLE) --seed $(SEED)

demo: sample
	$(WB) quarterly --data $(SAMPLE) --out reports
	@echo "Open reports/index.html in a browser."

# the test files spread over TEST_WORKERS processes (pytest-xdist, a file's tests in one process; the
# published sample quarter that several files read is built once, see tests/conftest.py); 0: one process
TEST_WORKERS ?= 2
test: install browser
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile

# only the check that a wheel built from the tracked files installs and runs (also part of `make test`)
test-wheel: install
	$(PY) -m pytest -q tests/test_wheel.py

# rewrite constraints.txt from the working .venv, after changing a range or upgrading on purpose
constraints: install
	$(PY) tools/freeze_constraints.py > constraints.txt

BENCHES = bench/ingest_speed.py bench/embed_speed.py bench/themes_quality.py bench/themes_sample.py \
	bench/theme_names.py bench/theme_areas.py bench/multi_theme.py bench/sentiment_quality.py bench/languages.py \
	bench/intent_quality.py bench/requirements_grouping.py bench/requirements_scale.py bench/pii_recall.py \
	bench/quarterly_speed.py

# every bench runs even when one misses its target; the exit status says whether all passed
bench: install
	@status=0; for b in $(BENCHES); do echo "== $$b"; $(PY) $$b || status=1; done; exit $$status

clean:
	rm -rf $(SAMPLE) reports/*/ bench/out
