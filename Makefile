# The two commands of the README: `make demo` and `make test`. Each builds .venv from the lockfile
# first when it is missing or older than the lockfile.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check
export NO_ALBUMENTATIONS_UPDATE := 1
export HF_HUB_OFFLINE := 1
export PYTHONUNBUFFERED := 1

.PHONY: demo test lint bench lock clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing the locked environment into $(VENV) (first run: a few minutes, ~5 GB)..."
	@$(PIP) install --no-deps -r requirements.lock 2>&1 | { grep -v "^WARNING: Location" || true; }
	@$(BIN)/python -c "import torch, torchvision, timm, albumentations, lightning, facenet_pytorch, dlib" \
		|| { echo "error: the environment in $(VENV) is incomplete; see the pip output above"; exit 1; }
	@$(PIP) install --no-deps -e . 2>&1 | { grep -v "^WARNING: Location" || true; }
	@touch $@

demo: $(STAMP)
	$(BIN)/facecutout demo

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --durations=15

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts && $(BIN)/ruff format --check src tests benchmarks scripts

bench: $(STAMP)
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# Re-resolve the dependencies of pyproject.toml into requirements.lock (needs the package index).
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet ".[all,test,ray]"
	.venv-lock/bin/python -m pip freeze --exclude-editable | grep -v "^facecutout" > requirements.lock
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
