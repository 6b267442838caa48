# Fixtures for the ELF reader's read bound (tests/check_readbound.c), included
# by tests/tests.mk.  Each is a library with many long exported names, so that
# its string table is large, and two undefined Py symbols:
#   tst-bigtab-mod1.so  about 1.3 MB of names: far more than the reader may
#                       read; its tables are mapped
#   tst-bigtab-mod2.so  tables past the first page, read with a second pread;
#                       the file under 64 KiB (the fuzzing corpus takes files
#                       that small: tests/fuzz/seed.sh)

# gen_bigtab N NAMELEN: C source defining N functions with names NAMELEN long.
gen_bigtab = awk -v n=$(1) -v len=$(2) 'BEGIN { \
	p = "readbound_"; while (length(p) < len - 6) p = p "x"; \
	print "extern void PyLong_FromLong(void), PyErr_Occurred(void);"; \
	print "void readbound_calls(void) { PyLong_FromLong(); PyErr_Occurred(); }"; \
	for (i = 0; i < n; i++) printf "void %s%06d(void) {}\n", p, i }'

$(B)/readbound/tst-bigtab-mod1.c: tests/readbound.mk | $(B)
	mkdir -p $(@D)
	$(call gen_bigtab,6000,220) > $@
$(B)/readbound/tst-bigtab-mod2.c: tests/readbound.mk | $(B)
	mkdir -p $(@D)
	$(call gen_bigtab,360,64) > $@
$(B)/readbound/%.so: $(B)/readbound/%.c
	$(CC) -O0 -fPIC -shared -Wl,-s -o $@ $<

FIXTURES += $(B)/readbound/tst-bigtab-mod1.so $(B)/readbound/tst-bigtab-mod2.so
