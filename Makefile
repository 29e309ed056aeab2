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

.PHONY: install browser demo sample ingest quarterly test bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip wheel setuptools
	# CPU build of torch first, so no dependency pulls a CUDA build.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[test]"
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

test: install browser
	$(PY) -m pytest -q

BENCHES = bench/ingest_speed.py bench/embed_speed.py bench/themes_quality.py bench/themes_sample.py \
	bench/theme_names.py bench/theme_areas.py bench/multi_theme.py bench/sentiment_quality.py bench/languages.py \
	bench/intent_quality.py bench/requirements_grouping.py bench/pii_recall.py \
	bench/quarterly_speed.py

# every bench runs even when one misses its target; the exit status says whether all passed
bench: install
	@status=0; for b in $(BENCHES); do echo "== $$b"; $(PY) $$b || status=1; done; exit $$status

clean:
	rm -rf $(SAMPLE) reports/*/ bench/out
