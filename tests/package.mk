# Fixtures of the system-wide, package and i386 tests (tests/system.sh,
# tests/package.sh, tests/i386.sh), included by tests/tests.mk.

# A libpypin.so stand-in that only a setuid trial process tells apart.
$(B)/noisy/libpypin.so: $(FIX)/tst-noisy.c
	mkdir -p $(@D)
	$(CC) $(FIXTURE_CFLAGS) -shared -o $@ $< -ldl

FIXTURES += $(B)/noisy/libpypin.so
