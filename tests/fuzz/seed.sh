#!/bin/sh
# Fills a fuzzing corpus (the directory $1) with real shared objects no larger
# than 64 KiB: system libraries, Python's extension modules, numpy's, and the
# test fixtures, among them tests/build/readbound/tst-bigtab-mod2.so, whose
# symbol and string tables reach far past the first page the reader reads
# (the reader's mapping of larger tables is exercised by the unit tests,
# tests/check_readbound.c, on files larger than the fuzzer's inputs).  Files
# already there are kept.
set -eu
corpus=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$corpus"
n=0
for f in /usr/lib/x86_64-linux-gnu/*.so* /usr/lib/python3.11/lib-dynload/*.so \
	/usr/lib/python3/dist-packages/numpy/*/*.so /usr/lib/python3/dist-packages/numpy/*/*/*.so \
	"$top"/tests/build/*.so "$top"/tests/build/*/*.so* "$top"/tests/build/elf/*; do
	[ -f "$f" ] && [ ! -L "$f" ] || continue
	[ "$(stat -c %s "$f")" -le 65536 ] || continue
	head -c 4 "$f" | grep -q ELF || continue
	cp "$f" "$corpus/$(printf '%s' "$f" | tr '/' '_')"
	n=$((n + 1))
done
echo "seed: $n objects in $corpus"
