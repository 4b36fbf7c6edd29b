# nnanim — set-up, demo and tests on a fresh Debian machine.
#   make demo   installs what is missing, trains the default run, renders the default lecture
#   make test   installs what is missing, runs the whole suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PACKAGES := libcairo2-dev libpango1.0-dev pkg-config ffmpeg texlive-latex-base \
                texlive-latex-extra texlive-fonts-recommended dvisvgm fonts-dejavu-core
# only the tests need a browser (the slide player is clicked through in headless Chromium)
TEST_APT_PACKAGES := chromium chromium-driver

.PHONY: demo test install sysdeps testdeps bench clean

## apt-get only what dpkg says is missing (a second run is instant).
define apt_missing
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

sysdeps:
	$(call apt_missing,$(APT_PACKAGES))

testdeps:
	$(call apt_missing,$(TEST_APT_PACKAGES))

## The virtualenv, with the versions pinned in constraints.txt; rebuilt when they change.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt -e '.[test]'
	@touch $(STAMP)

install: sysdeps $(STAMP)

demo: install
	$(BIN)/nnanim train xor_mlp -o runs/xor_mlp.trace
	$(BIN)/nnanim trace info runs/xor_mlp.trace
	$(BIN)/nnanim lecture -q m -o out/lecture.mp4 --slides out/slides

## --dist loadgroup: one worker a scene, the other tests one a file (tests/conftest.py)
test: install testdeps
	$(BIN)/python -m pytest -q -n auto --dist loadgroup

bench: install
	$(BIN)/python benchmarks/engine_vs_torch.py
	$(BIN)/python benchmarks/recording_cost.py
	$(BIN)/python benchmarks/render_speed.py
	$(BIN)/python benchmarks/gif_size.py

clean:
	rm -rf runs out media .pytest_cache
