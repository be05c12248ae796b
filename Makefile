# Two commands set everything up on a fresh machine: `make demo` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := tesseract-ocr tesseract-ocr-eng
CHROMIUM := /usr/bin/chromium

.PHONY: demo test lint tesseract unpaper browser bench bench-accuracy

# ocrprep with its runtime dependencies only, as `pip install` gives a user: all the demo needs.
$(BIN)/ocrprep: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# The dev extra on top (pytest, ruff, mypy, playwright, ocrmypdf...) for the tests, lint and benchmarks;
# a stamp file, since no one program stands for the whole extra.
DEV := $(VENV)/.dev-installed
$(DEV): $(BIN)/ocrprep pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# Installs Tesseract with apt when it (or its English data) is missing: as root, or with sudo.
tesseract:
	@if command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx eng; then \
		tesseract --version | head -n 1; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES); \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES); \
	else \
		echo "Tesseract is missing. Install it, then run make again:" >&2; \
		echo "    sudo apt-get install $(APT_PACKAGES)" >&2; \
		exit 1; \
	fi

# Installs Debian's unpaper (what OCRmyPDF's --clean runs), one of the accuracy benchmark's methods: as
# root, or with sudo.
unpaper:
	@if command -v unpaper >/dev/null 2>&1; then \
		echo "unpaper $$(unpaper --version)"; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq unpaper; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq unpaper; \
	else \
		echo "unpaper is missing. Install it, then run make again:" >&2; \
		echo "    sudo apt-get install unpaper" >&2; \
		exit 1; \
	fi

# Installs Debian's chromium, which the HTML report's browser test drives with Playwright (Playwright's
# own browser download is not used): as root, or with sudo.
browser:
	@if [ -x $(CHROMIUM) ]; then \
		echo "chromium: $(CHROMIUM)"; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "Chromium is missing ($(CHROMIUM)). Install it, then run make again:" >&2; \
		echo "    sudo apt-get install chromium" >&2; \
		exit 1; \
	fi

demo: $(BIN)/ocrprep tesseract
	$(BIN)/ocrprep compare sample_scans --json compare.json

lint: $(DEV)
	$(BIN)/ruff check src tests bench sample_scans plugins
	$(BIN)/ruff format --check src tests bench sample_scans plugins
	$(BIN)/mypy

test: $(DEV) tesseract unpaper browser lint
	$(BIN)/pytest

# Speed and memory, as ratios measured in one run; figures are recorded in bench/README.md.
bench: $(DEV) tesseract
	for script in bench/bench_*.py; do $(BIN)/python $$script || exit 1; done

# Accuracy of five methods on the image families of bench/families.py (and ../shared/data when there):
# writes bench/ACCURACY.md and bench/ACCURACY.json.
bench-accuracy: $(DEV) tesseract unpaper
	$(BIN)/python bench/accuracy.py
