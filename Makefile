# The two commands of the README: `make demo` and `make test`. Both install what is missing first.
.PHONY: setup build test demo schemas bench

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
