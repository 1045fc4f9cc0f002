# Every target installs missing system packages first, so a fresh Debian machine needs only these.
SWIFT ?= swift

.PHONY: setup build demo test bench fuzz clean

setup:
	@scripts/setup

build: setup
	$(SWIFT) build

# Broker, gateway, HTTP API and a simulated fleet; Ctrl-C stops it.
demo: build
	$(SWIFT) run brightkitchen demo

# One suite at a time: the integration suites each start a mosquitto and a gateway process,
# and on a small machine running them side by side turns timeouts into false failures.
# Then the dashboard in headless Chromium (screenshots in .build/browser-test/).
test: setup
	$(SWIFT) test --no-parallel
	scripts/browser-test

bench: setup
	scripts/bench-ingest

# libFuzzer harnesses, 1,000,000 executions each (Fuzz/README.md); not part of `test`.
fuzz: setup
	scripts/fuzz

clean:
	rm -rf .build .build-fuzz data
