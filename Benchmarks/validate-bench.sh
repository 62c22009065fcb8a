#!/usr/bin/env bash
# Benchmark: `fleet validate` of a committed fleet of N bots (default 1,000), release build.
#
#   Benchmarks/validate-bench.sh [N] [RUNS]
#
# Builds `fleet` in release mode, generates N valid bots with Benchmarks/gen-fleet.py into a
# temporary git repository (one commit), then runs `fleet validate --repo DIR` RUNS times
# (default 15) after 3 warm-up runs and prints the median wall time. Uses hyperfine when it is
# installed (apt-get install -y hyperfine), otherwise a loop timed with `date +%s%N`.
# FLEET_PACKAGE_PATH builds from another package directory (default: this repository).
set -euo pipefail

N="${1:-1000}"
RUNS="${2:-15}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PKG="${FLEET_PACKAGE_PATH:-$(dirname "$HERE")}"

echo "== building fleet (release) in $PKG" >&2
swift build -c release --product fleet --package-path "$PKG" >&2
FLEET="$(swift build -c release --product fleet --package-path "$PKG" --show-bin-path)/fleet"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/fleet-validate-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
python3 "$HERE/gen-fleet.py" "$N" "$WORK/repo" --git
echo "== $N bots committed in $WORK/repo ($(cat "$WORK"/repo/fleet/*.yaml "$WORK"/repo/fleet/bots/*.yaml | wc -c) bytes of YAML)" >&2

# It must be valid, or the benchmark measures the error path.
"$FLEET" validate --repo "$WORK/repo" >/dev/null 2>"$WORK/out.txt" || { cat "$WORK/out.txt" >&2; exit 1; }
tail -1 "$WORK/out.txt" >&2

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" >&2
if command -v hyperfine >/dev/null 2>&1; then
    hyperfine --warmup 3 --runs "$RUNS" --export-json "$WORK/h.json" \
        "'$FLEET' validate --repo '$WORK/repo'" >&2
    python3 - "$WORK/h.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"validate {len(r['times'])} runs: median {r['median'] * 1000:.1f} ms "
      f"(min {r['min'] * 1000:.1f}, max {r['max'] * 1000:.1f})")
PY
else
    for _ in 1 2 3; do "$FLEET" validate --repo "$WORK/repo" >/dev/null 2>&1; done
    times=()
    for _ in $(seq "$RUNS"); do
        start=$(date +%s%N)
        "$FLEET" validate --repo "$WORK/repo" >/dev/null 2>&1
        end=$(date +%s%N)
        times+=($(( (end - start) / 1000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk -v runs="$RUNS" '
        { t[NR] = $1 }
        END {
            m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
            printf "validate %d runs: median %.1f ms (min %.1f, max %.1f)\n", runs, m / 1000, t[1] / 1000, t[NR] / 1000
        }'
fi
