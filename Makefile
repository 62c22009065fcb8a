# The two commands of the README: `make demo` and `make test`. Both install what is missing first.
.PHONY: setup build test demo schemas bench install conformance

PREFIX ?= /usr/local

setup:
	@bash scripts/setup.sh

build: setup
	swift build

# The Swift suite, then the console's browser tests (real processes, headless chromium).
test: setup
	swift build
	swift test
	python3 -m pytest -q Tests/Browser

demo: setup
	@bash scripts/demo.sh

# fleet's contract with a gateway binary: the stand-in's every release persona, or a real install
# with FLEET_CONFORMANCE_GATEWAY=/path/to/openclaw (docs/compatibility.md).
conformance: build
	@bash scripts/conformance.sh

schemas: build
	.build/debug/fleet schema --out schemas

bench: setup
	swift build -c release
	.build/release/fleet-bench load 1000
	.build/release/fleet-bench render 1000

# A host install: one self-contained binary (the Swift runtime linked in, so the host needs only
# libgit2, libyaml and OpenSSL), which is also the build the daemon's memory figures are for
# (flags: scripts/install-build-flags.sh).
install: setup
	swift build $$(sh scripts/install-build-flags.sh)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 .build/static/release/fleet $(DESTDIR)$(PREFIX)/bin/fleet
	install -m 0755 .build/static/release/fleet-console $(DESTDIR)$(PREFIX)/bin/fleet-console
