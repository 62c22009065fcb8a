#!/bin/sh
# The `swift build` flags of the binary `make install` puts on a host; the daemon and comparison
# benchmarks build with the same flags, so their figures are for that binary.
#
# Release, the Swift runtime linked in (--static-swift-stdlib), and, where the C library reads
# them (glibc 2.36 and later) and the toolchain has lld, packed relative relocations: the
# loader then reads 8 KB of .relr.dyn at start instead of 1.1 MB of .rela.dyn (-1.4 MiB of
# resident memory in a daemon).
set -e
flags="-c release --static-swift-stdlib --build-path .build/static"
glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')
swiftc=$(command -v swiftc || true)
lld=""
if [ -n "$swiftc" ] && [ -x "$(dirname "$swiftc")/ld.lld" ]; then lld=yes; fi
if [ -z "$lld" ] && command -v ld.lld >/dev/null 2>&1; then lld=yes; fi
if [ -n "$glibc" ] && [ -n "$lld" ] && printf '2.36\n%s\n' "$glibc" | sort -V -C; then
    flags="$flags -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs"
fi
echo "$flags"
