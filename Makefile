# The front door. `make book` builds the site (and the PDF); `make test` runs every test.
# Each target installs what it needs: Python packages into .venv from requirements.txt, and
# Debian packages (TeX, Chromium, poppler) when they are missing.

PYTHON      ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
EVIDENCE    ?= data/evidence.csv
ACTORS      ?= data/actors.csv
SCORES      ?= data/scores.csv
SITE        := _build/html
# the public repository, for the site's repository and Binder buttons (see README)
export REPOSITORY_URL REPOSITORY_BRANCH

TEX_PACKAGES    := texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended \
                   texlive-xetex latexmk fonts-freefont-otf tex-gyre texlive-plain-generic
BROWSER_PACKAGES := chromium poppler-utils

.PHONY: book html test validate preview serve reproduce benchmark clean deps system-deps chapter

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
	@echo "==> [validate] checking $(EVIDENCE), $(ACTORS) and $(SCORES)"
	@$(BIN)/python -m startup_capitalism.validate --evidence $(EVIDENCE) --actors $(ACTORS) --scores $(SCORES)

# --- a new chapter -------------------------------------------------------------------------
# `make chapter MANUSCRIPT=path/to/file.txt`: import an authors' manuscript as a new chapter
chapter:
	@test -n "$(MANUSCRIPT)" || { echo "usage: make chapter MANUSCRIPT=path/to/chapter.txt (the authors' manuscript as plain UTF-8 text; see README, 'Adding a chapter')" >&2; exit 2; }
	@$(MAKE) --no-print-directory --silent deps
	@$(BIN)/python tools/new_chapter.py "$(MANUSCRIPT)"

# --- book ----------------------------------------------------------------------------------
# build_book.py validates the data first, so a failed validation also removes the old site
book: deps system-deps
	@$(BIN)/python tools/build_book.py book

html: deps
	@$(BIN)/python tools/build_book.py html

PORT ?= 8000
preview: deps
	@$(BIN)/python tools/preview.py --port $(PORT)

serve:
	@test -f $(SITE)/index.html || { echo "make serve: no built site in $(SITE) (the last build failed, or none ran): run make html or make book" >&2; exit 1; }
	@echo "==> serving the last built site, $(SITE), on http://127.0.0.1:$(PORT) (Ctrl-C to stop)"
	@$(BIN)/python -m http.server --directory $(SITE) --bind 127.0.0.1 $(PORT)

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
