#!/usr/bin/env bash
# Runs one libFuzzer target for SECONDS: Fuzz/run.sh TARGET SECONDS [extra libFuzzer flags]
#
# TARGET is manifest, json5, envelope or wire (Fuzz/TARGET.swift). The seed corpus is
# Tests/Fuzz/corpus/TARGET (read only); new inputs go to .build/fuzz/corpus/TARGET, crashes to
# .build/fuzz/crashes/TARGET/. Exit status: 0 when nothing was found, non-zero on a crash, a
# trap, a leak-free timeout (-timeout=10 s per input) or an out-of-memory input (-rss_limit_mb).
# A found input is printed as a path: reproduce with `.build/fuzz/bin/TARGET PATH`, fix it,
# then copy it into Tests/Fuzz/corpus/TARGET/.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: Fuzz/run.sh TARGET SECONDS}
seconds=${2:?usage: Fuzz/run.sh TARGET SECONDS}
shift 2
bash Fuzz/build.sh "$target"
seeds=Tests/Fuzz/corpus/$target
work=.build/fuzz/corpus/$target
crashes=.build/fuzz/crashes/$target
mkdir -p "$work" "$crashes"
dict=()
[[ -f Fuzz/$target.dict ]] && dict=(-dict="Fuzz/$target.dict")
echo "fuzz: $target for ${seconds}s (seeds: $seeds)" >&2
exec .build/fuzz/bin/"$target" "$work" "$seeds" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=16384 -print_final_stats=1 -artifact_prefix="$crashes/" "${dict[@]}" "$@"
