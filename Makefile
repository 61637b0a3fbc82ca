# Concord: `make demo` runs it, `make test` tests it. Nothing else is needed by hand.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
SIZE ?= small
PYTEST_ARGS ?=

.PHONY: demo test install lint clean serve messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/concord migrate --no-input
	$(BIN)/concord demo --size $(SIZE) --if-empty
	$(BIN)/concord serve --host $(HOST) --port $(PORT)

serve: install
	$(BIN)/concord serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest -q $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check concord tests benchmarks

messages: install
	cd concord && ../$(BIN)/concord makemessages -l zh_Hans -l en --no-obsolete && ../$(BIN)/concord compilemessages

clean:
	rm -rf $(VENV) var build node_modules
