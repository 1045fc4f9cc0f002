# Every target installs missing system packages first, so a fresh Debian machine needs only these.
SWIFT ?= swift

.PHONY: setup build demo test bench fuzz chaos chaos-cluster province clean

setup:
	@scripts/setup

build: setup
	$(SWIFT) build

# Broker, gateway, HTTP API and a simulated fleet; Ctrl-C stops it.
demo: build
	$(SWIFT) run brightkitchen demo

# One suite at a time: the integration suites each start a mosquitto and a gateway process,
# and on a small machine running them side by side turns timeouts into false failures.
# Then the dashboard in headless Chromium (screenshots in .build/browser-test/). scripts/test-run
# fails the run if any broker, gateway or browser it started is still alive at the end.
test: setup
	SWIFT=$(SWIFT) scripts/test-run --no-parallel

bench: setup
	scripts/bench-ingest

# libFuzzer harnesses, 1,000,000 executions each (Fuzz/README.md); not part of `test`.
fuzz: setup
	scripts/fuzz

# Issue 8's chaos test (about 4 minutes, release build; docs/reliability.md). Not part of `test`:
# it needs minutes of load and a machine to itself for its timings.
chaos: setup
	scripts/chaos

# Issue 16's cluster chaos test (about 6 minutes, release build; docs/scale-out.md, "Cluster chaos"):
# PostgreSQL primary + synchronous standby, 3-node NATS cluster, 3 ingest instances, each SIGKILLed.
# ARGS passes options on, e.g. `make chaos-cluster ARGS="--seed 7 --keep"`.
chaos-cluster: setup
	scripts/chaos --cluster $(ARGS)

# A province on one machine (issue 16, docs/scale-out.md): PostgreSQL, the 3-node broker cluster,
# 3 ingest instances, 2 web replicas behind nginx, a vision worker, 2,000 simulated sites (release
# build). Prints the dashboard's URL and an admin token; Ctrl-C stops everything it started.
province: setup
	@scripts/setup nginx-light >/dev/null
	scripts/province

clean:
	rm -rf .build .build-fuzz data
