#!/bin/sh
# Replays the fuzzer's regression inputs (tests/fuzz/regressions/), the test
# fixtures and cut-down copies of them through the fuzz target, built with gcc's
# AddressSanitizer and UndefinedBehaviorSanitizer (tests/fuzz/fuzz.mk).
. "$(dirname "$0")/lib.sh"

REPLAY=$BUILD/fuzz/replay-elf
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1

t_begin "regression inputs"
set -- "$TOP"/tests/fuzz/regressions/*-*
if [ ! -e "$1" ]; then
	t_skip "none kept yet"
else
	run "$REPLAY" "$@"
	expect_ok "replayed"
fi

t_begin "the fixtures, whole"
run "$REPLAY" "$BUILD"/*.so "$BUILD"/*/*.so* "$BUILD"/elf/*
expect_ok "replayed"

t_begin "the fixtures cut at every header boundary and in their tables"
mkdir -p "$t_out/cut"
for f in "$BUILD/tst-embed-nolink-mod1.so" "$BUILD/elf/ttext.so" "$BUILD/elf/sysv-hash.so"; do
	size=$(stat -c %s "$f")
	for n in 0 1 4 16 52 63 64 65 120 176 232 288 344 400 512 1024 4096 8192 \
		$((size / 2)) $((size - 64)) $((size - 1)); do
		head -c "$n" "$f" > "$t_out/cut/${f##*/}.$n"
	done
done
run "$REPLAY" "$t_out"/cut/*
expect_ok "replayed"

t_end
