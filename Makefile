# gtcp-gateway: `make run` starts the gateway with the example upstream; `make test` runs every check.
SHELL := /bin/bash
SWIFT ?= swift
PREFIX ?= /usr/local
DESTDIR ?=
BIN_DEBUG = $(shell $(SWIFT) build --show-bin-path 2>/dev/null)
EXAMPLE_UPSTREAM ?= 127.0.0.1:8080
VENV = .venv

.PHONY: all deps build release run run-cluster test test-swift test-interop test-contract test-console test-systemd test-systemd-vm bench clean install

all: build

# System packages the build and the checks need; installed only when missing. The cluster tests
# start throwaway PostgreSQL 15 servers of their own (Tests/GatewayTestSupport/TestPostgres.swift),
# the upstream-mode tests nginx ones (Tests/GatewayTestSupport/TestNginx.swift). A policy-rc.d
# that denies every start keeps the packages' own services (PostgreSQL on 5432, nginx on 80) from
# starting while they install.
deps:
	@missing=""; \
	pkg-config --exists libcurl 2>/dev/null || missing="$$missing libcurl4-openssl-dev"; \
	command -v pkg-config >/dev/null || missing="$$missing pkg-config"; \
	python3 -c 'import venv, ensurepip' 2>/dev/null || missing="$$missing python3-venv"; \
	test -x /usr/lib/postgresql/15/bin/initdb || missing="$$missing postgresql"; \
	test -x /usr/sbin/nginx || missing="$$missing nginx"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  guard=; if [ ! -e /usr/sbin/policy-rc.d ]; then \
	    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && guard=1; \
	  fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; rc=$$?; \
	  if [ -n "$$guard" ]; then rm -f /usr/sbin/policy-rc.d; fi; \
	  exit $$rc; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# The example upstream in the background, the gateway in the foreground; Ctrl-C stops both.
run: build
	@$(BIN_DEBUG)/gtcp-gateway example-upstream --listen $(EXAMPLE_UPSTREAM) & \
	upstream=$$!; trap 'kill $$upstream 2>/dev/null' EXIT; \
	$(BIN_DEBUG)/gtcp-gateway serve --upstream 'http://$(EXAMPLE_UPSTREAM)/acts/{act}'

# Two gateways in cluster mode sharing a throwaway PostgreSQL, with the example upstream, all on
# loopback (deploy/README.md, "Run a cluster"); Ctrl-C stops everything.
run-cluster: build
	scripts/run-cluster.sh $(BIN_DEBUG)/gtcp-gateway

# Every test and check; CI runs exactly this.
test: deps test-swift test-interop test-contract test-console test-systemd fuzz-smoke test-tsan

# Locks shared across threads are NIOLockedValueBox/NIOLock (pthread): ThreadSanitizer cannot
# see Synchronization.Mutex's futex waits on Linux and reports races that are not there.
test-swift:
	@! grep -rnE --include='*.swift' '\bMutex[<(]' Sources Tests || \
	    { echo "use NIOLockedValueBox instead of Mutex (see the Makefile)" >&2; exit 1; }
	$(SWIFT) build --build-tests
	$(SWIFT) test

# The GoFrame example scenario with an independent client implementation.
test-interop: build
	scripts/interop-test.sh $(BIN_DEBUG)/gtcp-gateway

# The admin API against openapi.yaml, on a live gateway with clients connected and on a node of
# a two-node cluster (schemathesis in .venv/).
test-contract: build
	scripts/with-gateway.sh $(BIN_DEBUG)/gtcp-gateway bash -c 'scripts/contract-test.sh "$$ADMIN_URL"'
	GTCP_GATEWAY_ADMIN_TOKEN=contract-test-token scripts/run-cluster.sh $(BIN_DEBUG)/gtcp-gateway bash -c 'scripts/contract-test.sh "http://$$NODE_A_ADMIN"'

# The operator console in headless Chromium, with real clients (installs chromium,
# chromium-driver and selenium when missing). CONSOLE_SCREENSHOTS=docs refreshes the README's
# screenshots.
CONSOLE_SCREENSHOTS ?=
test-console: build
	scripts/console-test.sh $(BIN_DEBUG)/gtcp-gateway $(CONSOLE_SCREENSHOTS)

# The unit file against systemd's own checkers; the binary under the unit's system call policy,
# reading deploy/config.yaml and then serving a client scenario (see deploy/README.md); install.
SECCOMP_UPSTREAM_PORT ?= 18580
test-systemd: build
	scripts/check-systemd-units.sh
	scripts/check-seccomp.sh --self-test
	scripts/check-seccomp.sh $(BIN_DEBUG)/gtcp-gateway check-config --config deploy/config.yaml >/dev/null
	NOTIFY_SOCKET=@gtcp-gateway-seccomp-$$$$ WATCHDOG_USEC=1000000 GTCP_GATEWAY_ADMIN_TOKEN=seccomp-check \
	scripts/check-seccomp.sh --while 'scripts/seccomp-serve-scenario.sh $(BIN_DEBUG)/gtcp-gateway $(SECCOMP_UPSTREAM_PORT)' \
	    $(BIN_DEBUG)/gtcp-gateway serve --config deploy/config.yaml --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 \
	    --upstream 'http://localhost:$(SECCOMP_UPSTREAM_PORT)/acts/{act}'
	scripts/check-install.sh $(BIN_DEBUG)/gtcp-gateway

# The unit under a real systemd, on demand (minutes under emulation, so not in `test`): the
# release binary installed with `make install` into a Debian VM (qemu; the image is cached in
# .build-vm/), then start, status, the admin token credential, reload, the watchdog, the drain on
# stop and the sandbox checked against systemd as PID 1 (deploy/README.md).
# INSTALL_BINARY=.build/debug/gtcp-gateway installs a debug build instead.
test-systemd-vm: deps
	@[ "$(INSTALL_BINARY)" != .build/release/gtcp-gateway ] || $(MAKE) -s release
	timeout -k 10 2400 scripts/test-systemd-vm.sh $(INSTALL_BINARY)

# The release binary to $(DESTDIR)$(PREFIX)/bin; the unit to $(DESTDIR)/etc/systemd/system, its
# ExecStart= naming that binary, and the same unit as the template gtcp-gateway@.service, whose
# instance NAME reads /etc/gtcp-gateway/NAME.yaml (more nodes on one host); deploy/config.yaml to
# $(DESTDIR)/etc/gtcp-gateway/config.yaml unless a configuration is there already. Builds nothing, so run `make release` first as
# yourself, then `sudo make install`. INSTALL_BINARY picks another binary (the install check).
INSTALL_BINARY ?= .build/release/gtcp-gateway
install:
	@test -x $(INSTALL_BINARY) || { echo "install: no $(INSTALL_BINARY); run 'make release' first" >&2; exit 1; }
	install -D -m 0755 $(INSTALL_BINARY) $(DESTDIR)$(PREFIX)/bin/gtcp-gateway
	install -d -m 0755 $(DESTDIR)/etc/systemd/system
	sed 's|^ExecStart=/usr/local/bin/gtcp-gateway |ExecStart=$(PREFIX)/bin/gtcp-gateway |' deploy/gtcp-gateway.service \
	    >$(DESTDIR)/etc/systemd/system/gtcp-gateway.service
	sed -e 's|^Description=.*|& (node %i)|' -e 's|--config /etc/gtcp-gateway/config.yaml$$|--config /etc/gtcp-gateway/%i.yaml|' \
	    $(DESTDIR)/etc/systemd/system/gtcp-gateway.service >$(DESTDIR)/etc/systemd/system/gtcp-gateway@.service
	chmod 0644 $(DESTDIR)/etc/systemd/system/gtcp-gateway.service $(DESTDIR)/etc/systemd/system/gtcp-gateway@.service
	@if [ -e $(DESTDIR)/etc/gtcp-gateway/config.yaml ]; then \
	    echo "install: kept the existing $(DESTDIR)/etc/gtcp-gateway/config.yaml"; \
	else \
	    install -D -m 0644 deploy/config.yaml $(DESTDIR)/etc/gtcp-gateway/config.yaml; \
	fi

# The benchmark suite (release builds, loopback, a few minutes; installs wrk and nginx when
# missing): writes docs/BENCHMARKS.md, docs/bench/*.json and the charts.
bench: deps
	scripts/bench.sh

clean:
	rm -rf .build .build-* $(VENV)

# Reliability checks: the fuzz smoke and ThreadSanitizer run in `make test`, the rest on demand.
FUZZ_TARGETS = fuzz-frame-decoder fuzz-msg-json fuzz-settings fuzz-admin-request
FUZZ_SECONDS ?= 60

.PHONY: fuzz fuzz-smoke test-tsan test-asan soak

# Each fuzz target for FUZZ_SECONDS with AddressSanitizer (release build in .build-fuzz).
fuzz: deps
	scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# 20 s each from the seed corpus with a fixed random seed, so every machine runs the same inputs.
fuzz-smoke: deps
	FUZZ_SEED=1 scripts/fuzz.sh 20 $(FUZZ_TARGETS)

# The Swift tests under ThreadSanitizer; a race report fails the run even if every test passed.
# Two tests at a time: the sanitizer slows each several times, and more at once on two cores
# would run past the tests' own timeouts.
test-tsan: deps
	GTCP_CHURN_CONNECTIONS=20000 SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=2 \
	    scripts/sanitized-tests.sh thread .build-tsan

# The Swift tests under AddressSanitizer (leak checking off: the runtime's caches look like
# leaks). A small quarantine of freed memory, so that the churn test's RSS check still tells a
# leak from ASan's own holding.
test-asan: deps
	GTCP_CHURN_CONNECTIONS=20000 SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=2 \
	    ASAN_OPTIONS=detect_leaks=0:quarantine_size_mb=16 \
	    scripts/sanitized-tests.sh address .build-asan

# Minutes of mixed client traffic and admin calls on the real binary; reports errors and RSS.
SOAK_SECONDS ?= 300
soak: build
	scripts/soak.sh $(BIN_DEBUG)/gtcp-gateway $(SOAK_SECONDS)
