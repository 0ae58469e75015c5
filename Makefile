# The front door. `make book` builds the site (and the PDF); `make test` runs every test.
# Each target installs what it needs: Python packages into .venv from requirements.lock (every
# package pinned with its hashes; `make lock` regenerates it from requirements.txt), and Debian
# packages (TeX, Chromium, poppler) when they are missing.

PYTHON      ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
# the book's one command line: `python -m startup_capitalism COMMAND` (src/startup_capitalism/__main__.py)
BOOK        := $(BIN)/python -m startup_capitalism
EVIDENCE    ?= data/evidence.csv
ACTORS      ?= data/actors.csv
SCORES      ?= data/scores.csv
SITE        := _build/html
# the public repository, for the site's repository and Binder buttons (see README)
export REPOSITORY_URL REPOSITORY_BRANCH

TEX_PACKAGES    := texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended \
                   texlive-xetex latexmk fonts-freefont-otf tex-gyre texlive-plain-generic
BROWSER_PACKAGES := chromium chromium-headless-shell poppler-utils
# the EPUB's validator (Java), run by tests/test_epub.py
EPUB_PACKAGES   := epubcheck
# Java for the Nu HTML Checker (its jar and axe-core come from npm: tests/checkers/package.json)
CHECKER_PACKAGES := default-jre-headless
CHECKERS         := tests/checkers

.PHONY: book html epub test validate preview serve reproduce reexecute lab bench benchmark clean deps system-deps \
        lock lock-check lint lint-check chapter checkers edition

# --- setup ---------------------------------------------------------------------------------
# A new lock gets a new .venv, so that it holds exactly the locked set (pip never removes a
# package the lock dropped). pip checks every file against the lock's hashes (--require-hashes);
# the book's own package is a path, with no hash: it is installed editable, without dependencies.
$(VENV)/.installed: requirements.lock pyproject.toml
	@echo "==> installing the Python packages of requirements.lock into $(VENV) (about 1 minute)"
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation --editable .
	@touch $@

deps: $(VENV)/.installed

# the lock must match requirements.txt before anything is installed from it
lock-check:
	@$(PYTHON) tools/lockfile.py check

# resolves requirements.txt with uv (from the current lock's .venv): a few seconds
lock: $(VENV)/.installed
	@$(BIN)/python tools/lockfile.py compile

system-deps:
	@tools/ensure-debian-packages.sh $(TEX_PACKAGES) $(BROWSER_PACKAGES) $(EPUB_PACKAGES) $(CHECKER_PACKAGES)
	@command -v npm >/dev/null || tools/ensure-debian-packages.sh nodejs npm

# the outside checkers of the built site, from npm, as the lock pins them (node_modules is not
# committed); --ignore-scripts: vnu-jar's install script would download a Java runtime
$(CHECKERS)/node_modules/.installed: $(CHECKERS)/package-lock.json
	@echo "==> installing the site's checkers from npm into $(CHECKERS)/node_modules (axe-core, vnu-jar)"
	@cd $(CHECKERS) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

checkers: system-deps $(CHECKERS)/node_modules/.installed

# --- data ----------------------------------------------------------------------------------
validate: lock-check deps
	@echo "==> [validate] checking $(EVIDENCE), $(ACTORS) and $(SCORES)"
	@$(BOOK) validate --evidence $(EVIDENCE) --actors $(ACTORS) --scores $(SCORES)

# --- a new chapter -------------------------------------------------------------------------
# `make chapter MANUSCRIPT=path/to/file.txt`: import an authors' manuscript as a new chapter
chapter:
	@test -n "$(MANUSCRIPT)" || { echo "usage: make chapter MANUSCRIPT=path/to/chapter.txt (the authors' manuscript as plain UTF-8 text; see README, 'Adding a chapter')" >&2; exit 2; }
	@$(MAKE) --no-print-directory --silent lock-check deps
	@$(BOOK) chapter "$(MANUSCRIPT)"

# --- an edition ----------------------------------------------------------------------------
# `make edition VERSION=X.Y`: release edition X.Y (a cold build of a release commit, the record in
# editions.yml and CITATION.cff, _build/editions/startup-capitalism-X.Y.zip, the local tag vX.Y)
edition: lock-check deps system-deps
	@test -n "$(VERSION)" || { echo "usage: make edition VERSION=X.Y (see README, 'Releasing an edition')" >&2; exit 2; }
	@$(BOOK) edition "$(VERSION)"

# --- book ----------------------------------------------------------------------------------
# the build validates the data first, so a failed validation also removes the old site
book: lock-check deps system-deps
	@$(BOOK) build book

# the EPUB (_build/epub/book.epub) is written by `make book`, from the pages and the execution that
# make the site and the PDF: it is the book's last stage, so this target is `make book`
epub: book

html: lock-check deps
	@$(BOOK) build html

PORT ?= 8000
preview: lock-check deps
	@$(BOOK) preview --port $(PORT)

serve:
	@test -f $(SITE)/index.html || { echo "make serve: no built site in $(SITE) (the last build failed, or none ran): run make html or make book" >&2; exit 1; }
	@echo "==> serving the last built site, $(SITE), on http://127.0.0.1:$(PORT) (Ctrl-C to stop)"
	@$(BIN)/python -m http.server --directory $(SITE) --bind 127.0.0.1 $(PORT)

# --- checks --------------------------------------------------------------------------------
test: lock-check deps lint-check validate system-deps checkers
	@echo "==> [test] pytest (builds the book once, then checks it)"
	@$(BIN)/python -m pytest

# two cold builds of this commit (here and in a scratch clone) give the same SHA256SUMS
# the tree's build is brought up to date first, so its SHA256SUMS are those of HEAD's sources
reproduce: book
	@$(BOOK) reproduce

# every notebook re-executed in a fresh kernel from the commit's data, and every glued output
# compared value by value with what the published site shows (`SITE=` another site's folder or
# an edition archive); the site is read as it is, never rebuilt first
reexecute: lock-check deps validate
	@$(BOOK) reexecute --site "$(SITE)"

# JupyterLab on 127.0.0.1 with the repository's Jupyter config (jupyter-config/): every MyST
# notebook opens as a notebook (jupytext), run by the .venv's kernel
LAB_PORT ?= 8888
lab: lock-check deps
	@JUPYTER_CONFIG_PATH="$(CURDIR)/jupyter-config$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	  $(BIN)/jupyter lab --ip=127.0.0.1 --port=$(LAB_PORT) --no-browser --ServerApp.root_dir="$(CURDIR)" \
	  $(if $(filter 0,$(shell id -u)),--allow-root)

# ruff (lint and format) over the code and the notebooks' code, actionlint over the workflows:
# `make lint` fixes what ruff can (format, safe fixes) and reports the rest at FILE:LINE;
# `make test` only checks (lint-check)
lint: lock-check deps
	@$(BIN)/python tools/lint.py --fix

lint-check: lock-check deps
	@$(BIN)/python tools/lint.py

# builds, tests, preview and pages timed (median of 3 runs), then the book at scale in temporary
# copies: one table, also in benchmarks/results.md and _build/bench.json (about 26 minutes;
# BENCH_ARGS="--part book --skip-test" for a shorter run). Never part of `make test`.
BENCH_ARGS ?=
bench: lock-check deps validate system-deps
	@$(BIN)/python -m benchmarks $(BENCH_ARGS)

benchmark: bench

clean:
	rm -rf _build .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -not -path './.venv/*' -exec rm -rf {} +
