# Fuzzing the ELF reader and the verdict (included by the top-level Makefile,
# before tests/tests.mk).
#
#   make fuzz [FUZZ_SECONDS=N] [FUZZ_RUNS=N]
#       libFuzzer with ASan and UBSan (clang-14, libclang-rt-14-dev), seeded
#       with real shared objects; crashes land in tests/fuzz/regressions/.
#   make check
#       replays tests/fuzz/regressions/ and the fixtures through the same
#       target, built with gcc and its sanitizers (tests/fuzz.sh).

FUZZ_CC ?= clang-14
FUZZ_SECONDS ?= 600
FUZZ_RUNS ?= -1
FUZZ_BUILD := tests/build/fuzz
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fno-omit-frame-pointer

$(FUZZ_BUILD)/fuzz-elf: tests/fuzz/fuzz_elf.c $(LIB_SRC) $(LIB_HDR)
	mkdir -p $(@D)
	$(FUZZ_CC) $(PYPIN_CPPFLAGS) $(FUZZ_CFLAGS) \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ tests/fuzz/fuzz_elf.c $(LIB_SRC)

$(FUZZ_BUILD)/replay-elf: tests/fuzz/fuzz_elf.c tests/fuzz/replay.c $(LIB_SRC) $(LIB_HDR)
	mkdir -p $(@D)
	$(CC) $(PYPIN_CPPFLAGS) $(FUZZ_CFLAGS) $(WARNINGS) \
		-fsanitize=address,undefined -fno-sanitize-recover=all \
		-o $@ tests/fuzz/fuzz_elf.c tests/fuzz/replay.c $(LIB_SRC)

fuzz:
	sh scripts/setup --no-rust --fuzz
	$(MAKE) $(FUZZ_BUILD)/fuzz-elf
	sh tests/fuzz/seed.sh $(FUZZ_BUILD)/corpus
	$(FUZZ_BUILD)/fuzz-elf -max_total_time=$(FUZZ_SECONDS) -runs=$(FUZZ_RUNS) \
		-max_len=65536 -timeout=10 -print_final_stats=1 \
		-dict=tests/fuzz/elf.dict -artifact_prefix=tests/fuzz/regressions/ \
		$(FUZZ_BUILD)/corpus tests/fuzz/regressions

CHECK_DEPS += $(FUZZ_BUILD)/replay-elf

.PHONY: fuzz
