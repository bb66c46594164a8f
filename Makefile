# Two commands do all set-up on a fresh machine:  make run  and  make test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: run test lint typecheck pytest index serve bench browser-deps zoo-deps clean opensearch opensearch-stop

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)

# Installed again whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install -e '.[test]'
	@touch $@

## make run: index data/gazettes (only what changed) and serve http://127.0.0.1:5000/
# Only an index that cannot be updated in place (exit 3: another analysis, user dictionary or
# format) is rebuilt: a file that fails or a lock held by another reindex (exit 1) is reported and
# the page is served anyway with the index as it is; anything else (a config error, Ctrl-C) stops.
# One server process per core: searching is Python under one GIL.
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)

run: $(VENV)/.installed
	$(BIN)/gazette index; rc=$$?; \
	if [ $$rc -eq 3 ]; then $(BIN)/gazette index --rebuild || [ $$? -eq 1 ]; \
	elif [ $$rc -ne 0 ] && [ $$rc -ne 1 ]; then exit $$rc; fi
	$(BIN)/gazette serve --workers $(WORKERS)

index: $(VENV)/.installed
	$(BIN)/gazette index

serve: $(VENV)/.installed
	$(BIN)/gazette serve --workers $(WORKERS)

# Debian's Chromium, its driver and a CJK font (screenshots) for the browser tests; installed once, never downloaded at
# test time. Without root the browser tests skip with a message.
browser-deps:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null \
		&& { ! command -v dpkg >/dev/null || dpkg -s fonts-wqy-microhei >/dev/null 2>&1; }; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei >/dev/null) \
		|| echo "warning: could not install chromium; browser tests will be skipped"; \
	else echo "warning: chromium/chromedriver missing and not root; browser tests will be skipped"; fi

# Debian's 宋体, 楷体 and 黑体 faces for the layout zoo (bench/zoo); without them it uses WenQuanYi
# Micro Hei for all three (the pages differ, the truth files stay true).
zoo-deps:
	@dpkg -s fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei >/dev/null 2>&1 \
		|| { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei >/dev/null; } \
		|| echo "warning: zoo fonts not installed; bench/zoo falls back to WenQuanYi Micro Hei"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check indexer searchapp tests bench
	$(BIN)/ruff format --check indexer searchapp tests bench

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

pytest: $(VENV)/.installed-test browser-deps
	$(BIN)/pytest -n 2 -q

## make test: lint, type-check and the whole test suite
test: lint typecheck pytest

## make bench: the quick versions of the benchmarks in bench/
bench: $(VENV)/.installed-test
	$(BIN)/python bench/run_all.py --quick

## make opensearch: one local OpenSearch node on 127.0.0.1:9200, data in data/opensearch (reused if running)
opensearch: $(VENV)/.installed
	$(BIN)/python -m indexer.index.opensearch.node start --base data/opensearch

opensearch-stop: $(VENV)/.installed
	$(BIN)/python -m indexer.index.opensearch.node stop --base data/opensearch

clean:
	rm -rf $(VENV) data/index data/.index.gens data/.index.lock .pytest_cache .mypy_cache .ruff_cache
