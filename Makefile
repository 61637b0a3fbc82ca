# Concord: `make demo` runs it, `make test` tests it. Nothing else is needed by hand.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Extras to install: CI adds redis (`EXTRAS=dev,redis`, see .ci/run) for the Redis task tests.
EXTRAS ?= dev
comma := ,
STAMP := $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))
HOST ?= 127.0.0.1
PORT ?= 8000
SIZE ?= small
PYTEST_ARGS ?= -n 2

.PHONY: demo test install lint clean serve messages frontend fonts browser model

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[$(EXTRAS)]'
	@touch $(STAMP)

install: $(STAMP)

# Front-end libraries come from the npm registry (package-lock.json) and are copied into
# build/static/vendor; npm is required, so a missing npm fails here loudly.
FRONTEND_STAMP := build/static/vendor/.built
$(FRONTEND_STAMP): package.json package-lock.json scripts/build_static.py
	npm ci --no-audit --no-fund
	$(PYTHON) scripts/build_static.py
	@touch $(FRONTEND_STAMP)

frontend: $(FRONTEND_STAMP)

# Debian packages: Noto CJK fonts so that Chinese PDFs render (demo and tests), and Chromium for
# the browser tests. Installed only when missing; apt needs root (or sudo).
APT_INSTALL = if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1); else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1); fi

fonts:
	@fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || { $(call APT_INSTALL,fonts-noto-cjk fontconfig); }

browser:
	@[ -x /usr/bin/chromium ] || { $(call APT_INSTALL,chromium chromium-driver); }

# The crisis detector's learned layer is trained from the corpus in the repository (about 5 min on
# two cores), not kept in git: `concord wellbeing train-crisis` writes it again when the corpus or
# the code that reads it changes.
CRISIS_MODEL := concord/wellbeing/data/crisis_model.npz
$(CRISIS_MODEL): $(wildcard concord/wellbeing/data/crisis_corpus/train_*.csv) concord/triage/algorithms/crisis.py concord/triage/algorithms/crisis_training.py | $(STAMP)
	$(BIN)/concord wellbeing train-crisis

model: $(CRISIS_MODEL)

demo: install frontend fonts model
	$(BIN)/concord migrate --no-input
	$(BIN)/concord demo --size $(SIZE) --if-empty
	$(BIN)/concord serve --with-worker --no-migrate --host $(HOST) --port $(PORT)

serve: install
	$(BIN)/concord serve --host $(HOST) --port $(PORT)

test: install frontend fonts browser model
	$(BIN)/pytest -q $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check concord tests benchmarks

messages: install
	cd concord && ../$(BIN)/concord makemessages -l zh_Hans -l en --no-obsolete && ../$(BIN)/concord compilemessages

clean:
	rm -rf $(VENV) var build node_modules
