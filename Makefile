# The two commands of the README: `make demo` and `make test`. Both install what is missing first.
.PHONY: setup build test demo schemas bench install

PREFIX ?= /usr/local

setup:
	@bash scripts/setup.sh

build: setup
	swift build

test: setup
	swift test

demo: setup
	@bash scripts/demo.sh

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
