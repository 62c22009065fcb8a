#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ into .build/fuzz/ (see docs/fuzzing.md).
#
# SwiftPM cannot build fuzz targets, so this compiles the library modules the targets need
# straight from Sources/ with swiftc, each as a static library instrumented with
# -sanitize=fuzzer (coverage feedback), then links each Fuzz/<target>.swift entry file
# against them. Modules are rebuilt only when one of their sources is newer than the library.
#
# Usage: Fuzz/build.sh [TARGET...]      (default: every Fuzz/*.swift)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/.build/fuzz
mkdir -p "$OUT/modules" "$OUT/cmod/CFleetSystem" "$OUT/bin"
SWIFTFLAGS=(-O -g -suppress-warnings -sanitize=fuzzer -parse-as-library -swift-version 6 -package-name fleet -I "$OUT/modules"
            -I "$ROOT/Sources/CYAML" -I "$ROOT/Sources/CGit2" -I "$ROOT/Sources/CCrypto" -I "$OUT/cmod/CFleetSystem")

# CFleetSystem is a plain C target: SwiftPM writes its module map; so do we.
cp "$ROOT/Sources/CFleetSystem/include/fleet_system.h" "$OUT/cmod/CFleetSystem/"
printf 'module CFleetSystem {\n    header "fleet_system.h"\n    export *\n}\n' > "$OUT/cmod/CFleetSystem/module.modulemap"
if [[ ! -f $OUT/modules/libCFleetSystem.a || $ROOT/Sources/CFleetSystem/fleet_system.c -nt $OUT/modules/libCFleetSystem.a ]]; then
    clang -O2 -fsanitize=fuzzer-no-link -I "$ROOT/Sources/CFleetSystem/include" -c "$ROOT/Sources/CFleetSystem/fleet_system.c" -o "$OUT/cmod/fleet_system.o"
    ar rcs "$OUT/modules/libCFleetSystem.a" "$OUT/cmod/fleet_system.o"
fi

module() {  # module NAME: Sources/NAME/**/*.swift -> libNAME.a + NAME.swiftmodule
    local name=$1 lib=$OUT/modules/lib$1.a
    mapfile -t sources < <(find "$ROOT/Sources/$name" -name '*.swift' | sort)
    local newest
    newest=$(ls -t "${sources[@]}" | sed -n 1p)  # sed reads all: no SIGPIPE under pipefail
    if [[ -f $lib && $lib -nt $newest && $lib -nt $0 ]]; then return; fi
    echo "fuzz: compiling $name (${#sources[@]} files)" >&2
    swiftc "${SWIFTFLAGS[@]}" -module-name "$name" -emit-module -emit-module-path "$OUT/modules/$name.swiftmodule" \
        -emit-library -static -o "$lib" "${sources[@]}"
}

module OpenClawWire
module OpenClawConfig
module FleetYAML
module FleetGit
module FleetCrypto
module FleetCore

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    for f in "$ROOT"/Fuzz/*.swift; do targets+=("$(basename "$f" .swift)"); done
fi
for t in "${targets[@]}"; do
    src=$ROOT/Fuzz/$t.swift
    [[ -f $src ]] || { echo "fuzz: no target $t (Fuzz/$t.swift)" >&2; exit 2; }
    bin=$OUT/bin/$t
    if [[ -f $bin && $bin -nt $src && $bin -nt $OUT/modules/libFleetCore.a && $bin -nt $OUT/modules/libOpenClawConfig.a
          && $bin -nt $OUT/modules/libOpenClawWire.a ]]; then continue; fi
    echo "fuzz: linking $t" >&2
    swiftc "${SWIFTFLAGS[@]}" -module-name "Fuzz_$t" "$src" -o "$bin" -L "$OUT/modules" \
        -lFleetCore -lFleetCrypto -lFleetGit -lFleetYAML -lOpenClawConfig -lOpenClawWire -lCFleetSystem -lgit2 -lyaml -lcrypto
done
