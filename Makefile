# Two entry points: `make report` (main job on the seeds) and `make test`.
# Each creates/updates .venv at the repository root by itself.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | md5sum | cut -c1-12)

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: venv report test bench eval clean docs

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q "torch==2.13.0"
	$(BIN)/python -m pip install -q -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

venv: $(STAMP)

report: venv
	$(BIN)/checker check seeds --out reports

test: venv
	$(BIN)/python -m pytest -q

bench: venv
	$(BIN)/python -m pip install -q -e ".[test,bench]"
	$(BIN)/python bench/run.py

eval: venv
	$(BIN)/checker eval tests/data

clean:
	rm -rf $(VENV) build *.egg-info
