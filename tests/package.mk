# Fixtures of the system-wide, package and i386 tests (tests/system.sh,
# tests/package.sh, tests/i386.sh), included by tests/tests.mk.

# A libpypin.so stand-in that only a setuid trial process tells apart.
$(B)/noisy/libpypin.so: $(FIX)/tst-noisy.c
	mkdir -p $(@D)
	$(CC) $(FIXTURE_CFLAGS) -shared -o $@ $< -ldl

FIXTURES += $(B)/noisy/libpypin.so

# i386 (tests/i386.sh): pypin's own i386 build (make ARCH=i386, in
# build/i386/), a 32-bit host, a plugin that needs no Python, and plugins
# embedding Debian's libpython3.11:i386, linked to it or not.  Built only
# where gcc -m32 links and that libpython is installed, which is found out
# when the fixtures are built (not on every make run); the suite says why it
# skips otherwise.
I386_LIBPYTHON := /usr/lib/i386-linux-gnu/libpython3.11.so.1.0
I386_FIXTURES := $(B)/i386/host $(B)/i386/tst-plain-mod1.so $(B)/i386/tst-embed-mod1.so \
	$(B)/i386/tst-embed-nolink-mod1.so
ifeq ($(ARCH),)
FIXTURES += i386-fixtures
i386-fixtures:
	@if [ -f $(I386_LIBPYTHON) ] && \
	   printf 'int main(void){return 0;}' | $(CC) -m32 -x c -o /dev/null - 2>/dev/null; then \
		$(MAKE) --no-print-directory i386-build; fi
$(B)/i386/host: $(FIX)/host.c
	mkdir -p $(@D)
	$(CC) -m32 $(FIXTURE_CFLAGS) -rdynamic -o $@ $< -pthread
$(B)/i386/tst-plain-mod1.so: $(FIX)/tst-plain.c
	mkdir -p $(@D)
	$(CC) -m32 $(FIXTURE_CFLAGS) -shared -o $@ $< -lm
$(B)/i386/tst-embed-mod1.so: $(FIX)/tst-embed32.c
	mkdir -p $(@D)
	$(CC) -m32 $(FIXTURE_CFLAGS) -shared -o $@ $< -Wl,--no-as-needed $(I386_LIBPYTHON)
$(B)/i386/tst-embed-nolink-mod1.so: $(FIX)/tst-embed32.c
	mkdir -p $(@D)
	$(CC) -m32 $(FIXTURE_CFLAGS) -shared -o $@ $<
# The fixtures, and the i386 library and helper from this tree's sources, in
# build/i386/.
i386-build: $(I386_FIXTURES)
	$(MAKE) ARCH=i386 all
.PHONY: i386-fixtures i386-build
endif
