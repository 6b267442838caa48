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

# Libraries that export nothing (-fvisibility=hidden, a constructor only): the
# GNU hash table hashes no symbol, so its symoffset says nothing of where the
# undefined symbols end.  The constructor starts Python and says so.
#   tst-noexport-mod1.so  GNU hash only
#   tst-noexport-mod2.so  GNU and SysV hash (the table's size from DT_HASH)
#   tst-noexport-mod3.so  more undefined symbols than the reader reads
$(B)/readbound/tst-noexport.c: tests/readbound.mk | $(B)
	mkdir -p $(@D)
	printf '%s\n' '#include <stdio.h>' 'extern void Py_Initialize(void);' \
		'extern int Py_IsInitialized(void);' \
		'__attribute__((constructor)) static void init(void)' \
		'{ Py_Initialize(); printf("noexport: Python initialized: %d\n", Py_IsInitialized()); fflush(stdout); }' > $@
$(B)/readbound/tst-noexport-mod3.c: tests/readbound.mk | $(B)
	mkdir -p $(@D)
	awk 'BEGIN { for (i = 0; i < 1500; i++) printf "extern void ext_%04d(void);\n", i; \
		print "extern void Py_Initialize(void);"; \
		print "__attribute__((constructor)) static void init(void) { Py_Initialize();"; \
		for (i = 0; i < 1500; i++) printf "ext_%04d();\n", i; print "}" }' > $@
$(B)/readbound/tst-noexport-mod1.so: $(B)/readbound/tst-noexport.c
	$(CC) -O1 -fPIC -shared -fvisibility=hidden -Wl,--hash-style=gnu -o $@ $<
$(B)/readbound/tst-noexport-mod2.so: $(B)/readbound/tst-noexport.c
	$(CC) -O1 -fPIC -shared -fvisibility=hidden -Wl,--hash-style=both -o $@ $<
$(B)/readbound/tst-noexport-mod3.so: $(B)/readbound/tst-noexport-mod3.c
	$(CC) -O0 -fPIC -shared -fvisibility=hidden -Wl,--hash-style=gnu -o $@ $<

FIXTURES += $(B)/readbound/tst-noexport-mod1.so $(B)/readbound/tst-noexport-mod2.so \
	$(B)/readbound/tst-noexport-mod3.so

# The check after pinning: a Py name defined by another global library than
# the one Python lives in (mod1), and a plugin that needs it (mod2).
$(B)/readbound/tst-extra-mod1.so: tests/readbound.mk | $(B)
	mkdir -p $(@D)
	printf 'int PyPypinExtra_Value(void) { return 42; }\n' | \
		$(CC) -O1 -fPIC -shared -o $@ -x c -
$(B)/readbound/tst-extra-mod2.so: tests/readbound.mk | $(B)
	mkdir -p $(@D)
	printf '%s\n' 'extern int Py_IsInitialized(void), PyPypinExtra_Value(void);' \
		'int extra_run(void) { return Py_IsInitialized() + PyPypinExtra_Value(); }' | \
		$(CC) -O1 -fPIC -shared -o $@ -x c -

FIXTURES += $(B)/readbound/tst-extra-mod1.so $(B)/readbound/tst-extra-mod2.so
