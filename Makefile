# The front door. `make book` builds the site (and the PDF); `make test` runs every test.
# Each target installs what it needs: Python packages into .venv from requirements.txt, and
# Debian packages (TeX, Chromium, poppler) when they are missing.

PYTHON      ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
EVIDENCE    ?= data/evidence.csv
SCORES      ?= data/scores.csv
SITE        := _build/html
# the public repository, for the site's repository and Binder buttons (see README)
export REPOSITORY_URL REPOSITORY_BRANCH

TEX_PACKAGES    := texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended \
                   texlive-xetex latexmk fonts-freefont-otf tex-gyre texlive-plain-generic
BROWSER_PACKAGES := chromium poppler-utils

.PHONY: book html test validate preview serve reproduce benchmark clean deps system-deps

# --- setup ---------------------------------------------------------------------------------
$(BIN)/activate:
	@echo "==> creating $(VENV)"
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt pyproject.toml | $(BIN)/activate
	@echo "==> installing Python packages from requirements.txt (first run: about 2 minutes)"
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

deps: $(VENV)/.installed

system-deps:
	@tools/ensure-debian-packages.sh $(TEX_PACKAGES) $(BROWSER_PACKAGES)

# --- data ----------------------------------------------------------------------------------
validate: deps
	@echo "==> [validate] checking $(EVIDENCE) and $(SCORES)"
	@$(BIN)/python -m startup_capitalism.validate --evidence $(EVIDENCE) --scores $(SCORES)

# --- book ----------------------------------------------------------------------------------
book: deps validate system-deps
	@$(BIN)/python tools/build_book.py book

html: deps validate
	@$(BIN)/python tools/build_book.py html

preview: deps validate
	@$(BIN)/python tools/build_book.py preview

serve: book
	@echo "==> serving $(SITE) on http://127.0.0.1:8000 (Ctrl-C to stop)"
	@$(BIN)/python -m http.server --directory $(SITE) --bind 127.0.0.1 8000

# --- checks --------------------------------------------------------------------------------
test: deps validate system-deps
	@echo "==> [test] pytest (builds the book once, then checks it)"
	@$(BIN)/python -m pytest

reproduce: deps validate system-deps
	@$(BIN)/python tools/reproduce.py

benchmark: deps validate system-deps
	@$(BIN)/python tools/benchmark.py

clean:
	rm -rf _build .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -not -path './.venv/*' -exec rm -rf {} +
