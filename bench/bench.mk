# Benchmarks (included by the top-level Makefile; not part of `make check`).
#
#   make bench     build, measure, print the table (bench/run.sh)

BENCH_BUILD := tests/build/bench
BENCH_TOOLS := $(BENCH_BUILD)/dl-loop $(BENCH_BUILD)/timeit $(BENCH_BUILD)/empty.so \
	$(BENCH_BUILD)/libplain.so $(BENCH_BUILD)/dl-list $(BENCH_BUILD)/read-bytes

$(BENCH_BUILD)/dl-loop: bench/dl-loop.c
	mkdir -p $(@D)
	$(CC) -O2 -g -Wall -o $@ $< -pthread
$(BENCH_BUILD)/dl-list: bench/dl-list.c
	mkdir -p $(@D)
	$(CC) -O2 -g -Wall -o $@ $<
$(BENCH_BUILD)/read-bytes: bench/read-bytes.c lib/libpypin-core.a
	mkdir -p $(@D)
	$(CC) $(PYPIN_CPPFLAGS) -O2 -g -Wall -o $@ $< lib/libpypin-core.a -ldl
$(BENCH_BUILD)/timeit: bench/timeit.c
	mkdir -p $(@D)
	$(CC) -O2 -g -Wall -o $@ $<
$(BENCH_BUILD)/libplain.so: bench/plain.c
	mkdir -p $(@D)
	$(CC) -O2 -fPIC -shared -o $@ $<
$(BENCH_BUILD)/empty.so: tests/fixtures/empty.c
	mkdir -p $(@D)
	$(CC) -O2 -fPIC -shared -o $@ $<

# The report is written to docs/reports/bench.txt (through a temporary file,
# so that an interrupted run leaves the last full one) and printed.
bench:
	sh scripts/setup --no-rust --bench
	$(MAKE) all $(FIXTURES) $(BENCH_TOOLS)
	sh bench/run.sh > docs/reports/bench.txt.new
	mv -f docs/reports/bench.txt.new docs/reports/bench.txt
	cat docs/reports/bench.txt

.PHONY: bench
