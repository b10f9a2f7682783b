# Nguồn — the two commands of the README: `make start` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: start cluster test lint format install system-packages translations axe kiosk-mqtt altcha webapp test-fast clean-instance

## make start: install what is missing, then start Solr and Plone in the foreground.
start: install
	@$(BIN)/nguon-start

## make cluster: the production cluster on this machine (PostgreSQL/RelStorage, Plone
## instances, HAProxy, Varnish, SolrCloud, Mosquitto) in the foreground; docs/operations.md.
cluster: install
	@$(BIN)/nguon-cluster start

## make test: install what is missing, check lint and format, then run the whole test suite.
test: install
	@$(MAKE) --no-print-directory lint
	$(BIN)/pytest $(PYTEST_ARGS)

## make lint: what CI refuses (ruff lint and format, whitespace); settings in pyproject.toml.
LINT_PATHS := src tests scripts setup.py
lint: $(INSTALLED)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/python scripts/check_text_files.py
	@$(BIN)/towncrier build --draft --version check >/dev/null

## make format: rewrite the code the way `make lint` wants it (imports, format, whitespace).
format: $(INSTALLED)
	$(BIN)/ruff check --fix $(LINT_PATHS)
	$(BIN)/ruff format $(LINT_PATHS)
	$(BIN)/python scripts/check_text_files.py --fix

## make test-fast: the suite without the slow tests (buildout, full start/stop cycles).
test-fast: install
	$(BIN)/pytest -m "not slow" $(PYTEST_ARGS)

install: system-packages $(INSTALLED) translations axe kiosk-mqtt altcha webapp

system-packages:
	@bash scripts/system-packages.sh

$(INSTALLED): setup.py constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "nguon: LỖI: cần $(PYTHON) (Python 3.11) để cài đặt"; exit 2; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -c constraints.txt pip setuptools wheel
	$(BIN)/python -m pip install -q -c constraints.txt --no-build-isolation -e '.[test]'
	@touch $(INSTALLED)

translations: $(INSTALLED)
	@$(BIN)/nguon-compile-translations >/dev/null

## make axe: axe-core, the accessibility checker of the browser tests, pinned by
## tests/browser/axe/package-lock.json and installed from the npm registry with `npm ci`.
AXE := tests/browser/axe
axe: $(AXE)/node_modules/.package-lock.json

$(AXE)/node_modules/.package-lock.json: $(AXE)/package.json $(AXE)/package-lock.json
	npm ci --prefix $(AXE) --no-audit --no-fund --silent

## make kiosk-mqtt: mqtt.js, the kiosk player's MQTT client over WebSockets, pinned by
## vendor/kiosk/package-lock.json, installed from the npm registry with `npm ci` and copied
## beside kiosk.js (served as @@kiosk-mqtt.js; the copy is not in git). Nothing is fetched
## once it is built.
KIOSK_VENDOR := vendor/kiosk
KIOSK_MQTT := src/nguon/boards/static/mqtt.min.js
kiosk-mqtt: $(KIOSK_MQTT)

$(KIOSK_MQTT): $(KIOSK_VENDOR)/package.json $(KIOSK_VENDOR)/package-lock.json
	npm ci --prefix $(KIOSK_VENDOR) --no-audit --no-fund --silent
	cp $(KIOSK_VENDOR)/node_modules/mqtt/dist/mqtt.min.js $@

## make altcha: the ALTCHA widget (proof of work) of the public feedback forms, pinned by
## vendor/altcha/package-lock.json, installed from the npm registry with `npm ci` and copied
## into the feedback package's resource directory (++resource++nguon-feedback/altcha.min.js and
## altcha-vi.js, its Vietnamese strings; the copies are not in git, as mqtt.js's).
ALTCHA_VENDOR := vendor/altcha
ALTCHA_STATIC := src/nguon/feedback/static
altcha: $(ALTCHA_STATIC)/altcha.min.js

$(ALTCHA_STATIC)/altcha.min.js: $(ALTCHA_VENDOR)/package.json $(ALTCHA_VENDOR)/package-lock.json
	npm ci --prefix $(ALTCHA_VENDOR) --no-audit --no-fund --silent
	cp $(ALTCHA_VENDOR)/node_modules/altcha/dist/i18n/vi.umd.cjs $(ALTCHA_STATIC)/altcha-vi.js
	cp $(ALTCHA_VENDOR)/node_modules/altcha/dist/main/altcha.umd.min.cjs $@

## make webapp: the citizen app (docs/app.md), Vite and Workbox pinned by
## webapp/package-lock.json and installed from the npm registry with `npm ci`, built into
## src/nguon/webapp/static/ (not in git; served at <site>/ung-dung/); rebuilt only when a
## source changes.
WEBAPP := webapp
WEBAPP_BUILT := src/nguon/webapp/static/index.html
WEBAPP_SOURCES := $(shell find $(WEBAPP) -path $(WEBAPP)/node_modules -prune -o -type f -print 2>/dev/null)
webapp: $(WEBAPP_BUILT)

$(WEBAPP)/node_modules/.package-lock.json: $(WEBAPP)/package.json $(WEBAPP)/package-lock.json
	npm ci --prefix $(WEBAPP) --no-audit --no-fund --silent

$(WEBAPP_BUILT): $(WEBAPP)/node_modules/.package-lock.json $(WEBAPP_SOURCES)
	npm run --prefix $(WEBAPP) --silent build >/dev/null

## Remove the generated instance configuration (never the data under var/).
clean-instance:
	rm -rf parts/instance

## make reindex: send every item to Solr again (nguon-search rebuild; the site must be stopped).
.PHONY: reindex
reindex: install
	$(BIN)/nguon-search rebuild

## make bench-approval: approval by level at 50,000 items beside stock Plone (docs/benchmarks.md).
.PHONY: bench-approval
bench-approval: install
	$(BIN)/python tests/bench/bench_approval.py $(BENCH_ARGS)

## make bench-search: citizen search on Solr beside the plain catalog at 100,000 items (docs/benchmarks.md).
.PHONY: bench-search
bench-search: install
	$(BIN)/python tests/bench/bench_search.py $(BENCH_ARGS)

## make bench-search-solr: Solr alone at 1,000,000 documents, indexing and citizen queries (docs/benchmarks.md).
.PHONY: bench-search-solr
bench-search-solr: install
	$(BIN)/python tests/bench/bench_search_solr.py $(BENCH_ARGS)

## make bench-syndication: 3,321 communes polling their feeds, and a push to all of them (docs/benchmarks.md).
.PHONY: bench-syndication
bench-syndication: install
	$(BIN)/python tests/bench/bench_syndication.py $(BENCH_ARGS)

## make bench-push: the push fan-out to 3,321 communes only (docs/benchmarks.md, polling table kept).
.PHONY: bench-push
bench-push: install
	$(BIN)/python tests/bench/bench_syndication.py --push-only $(BENCH_ARGS)

## make bench-webpush: an alert pushed to 10,000 phones through a local push service, beside one by one (docs/benchmarks.md).
.PHONY: bench-webpush
bench-webpush: install
	$(BIN)/python tests/bench/bench_webpush.py $(BENCH_ARGS)

## make bench-cache: 3,321 communes' conditional polls through Varnish beside its static ceiling, and purge on publish (docs/benchmarks.md).
.PHONY: bench-cache
bench-cache: install
	$(BIN)/python tests/bench/bench_cache.py $(BENCH_ARGS)

## make bench-radio: speech and loudness, 3,321 stations polling, emergency to Icecast (docs/benchmarks.md).
.PHONY: bench-radio
bench-radio: install
	$(BIN)/python tests/bench/bench_radio.py $(BENCH_ARGS)

## make bench-boards: slide rendering per resolution, an emergency's first frame on 100 players (docs/benchmarks.md).
.PHONY: bench-boards
bench-boards: install
	$(BIN)/python tests/bench/bench_boards.py $(BENCH_ARGS)

## make bench-alerts: an alert and its Cancel to 6,642 devices through Mosquitto, beside 2 s polling (docs/benchmarks.md).
.PHONY: bench-alerts
bench-alerts: install
	$(BIN)/python tests/bench/bench_alerts.py $(BENCH_ARGS)

## make bench-cluster: the same mixed load on one instance and on the cluster of 2 and 4, and the four faults (docs/benchmarks.md).
.PHONY: bench-cluster
bench-cluster: install
	nice $(BIN)/python tests/bench/bench_cluster.py $(BENCH_ARGS)

## make bench-federation: central to 1, 2, then 4 provincial sites (real signed pushes) to their communes, extrapolated to 34 provinces (docs/benchmarks.md).
.PHONY: bench-federation
bench-federation: install
	$(BIN)/python tests/bench/bench_federation.py $(BENCH_ARGS)

## make bench-ledger: the delivery ledger's store, ZODB BTrees beside PostgreSQL, at 10 million records (docs/benchmarks.md).
.PHONY: bench-ledger
bench-ledger: install
	$(BIN)/python -m pip install -q -c constraints.txt --no-build-isolation -e '.[test,bench]'
	nice $(BIN)/python tests/bench/bench_ledger.py --records 10000000 $(BENCH_ARGS)
