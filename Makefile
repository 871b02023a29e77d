# warta: `make demo` runs the demo, `make test` runs the tests. Each sets itself up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test bench lint clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: install
	$(BIN)/warta demo

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/mypy

bench: install
	$(BIN)/python benchmarks/extraction_vs_trafilatura.py

clean:
	rm -rf $(VENV) warta.db warta.db-wal warta.db-shm warta.db.lock *.egg-info
