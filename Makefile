# The two commands of the README. Both create .venv when missing, install the project with its
# dev extra (only when pyproject.toml changed), and install missing Debian packages when root.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= demonolith-out
# Debian packages the tool and its tests use: binary -> package.
# PostgreSQL's initdb/pg_ctl live in /usr/lib/postgresql/VERSION/bin, off PATH; the server package
# is checked through pg_ctlcluster (postgresql-common, which only the server packages pull in; not
# pg_config, which libpq-dev also provides). The data-copy tests find pg_ctl under that directory.
SYSTEM_PACKAGES := dot:graphviz chromium:chromium nginx:nginx wrk:wrk pg_ctlcluster:postgresql

.PHONY: run test demo lint system-packages clean

run: $(STAMP) system-packages
	$(BIN)/demonolith analyze sample_monolith --out $(OUT)
	@echo "open file://$(CURDIR)/$(OUT)/report/index.html"

test: $(STAMP) system-packages
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n auto --dist loadfile

demo: $(STAMP) system-packages
	$(BIN)/demonolith demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Installs what is missing with apt-get when running as root; otherwise prints one line saying
# what to install. Fast when everything is present (one `command -v` per binary).
system-packages:
	@missing=""; for pair in $(SYSTEM_PACKAGES); do \
	  bin=$${pair%%:*}; pkg=$${pair##*:}; \
	  command -v $$bin >/dev/null 2>&1 || [ -x /usr/sbin/$$bin ] || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing system packages:$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null 2>&1 || \
	      { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; }; \
	  else \
	    echo "demonolith: optional system packages missing, install them with: sudo apt-get install$$missing"; \
	  fi; \
	fi

clean:
	rm -rf $(OUT) .demonolith-cache .pytest_cache .mypy_cache .ruff_cache
