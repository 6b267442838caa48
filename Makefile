# pypin — one non-recursive GNU Makefile.
#
#   make                 build preload/libpypin.so and scripts/pypin
#   make check           unit tests (Check) and integration tests
#   make stress          the long stress run (tests/stress.sh)
#   make fuzz            libFuzzer on the ELF reader (tests/fuzz/fuzz.mk)
#   make bench           benchmarks (bench/run.sh, docs/PERFORMANCE.md)
#   make install         install under $(DESTDIR)$(prefix)
#   make uninstall
#
# Settings can also go in config.mak.  WERROR=1 turns warnings into errors (CI);
# SANITIZE=address,undefined builds the unit tests with sanitizers;
# TEST_WRAPPER="valgrind -q" runs the test programs under a wrapper.

-include config.mak

VERSION := 0.1.0

prefix ?= /usr/local
exec_prefix ?= $(prefix)
bindir ?= $(exec_prefix)/bin
libdir ?= $(exec_prefix)/lib
pkglibdir ?= $(libdir)/pypin
mandir ?= $(prefix)/share/man
sysconfdir ?= /etc
docdir ?= $(prefix)/share/doc/pypin

CC ?= cc
CFLAGS ?= -O2 -g
PKG_CONFIG ?= pkg-config

# The libpython pinned when nothing else is configured: the system Python's.
SYSTEM_PYTHON ?= /usr/bin/python3
DEFAULT_LIBPYTHON ?= $(shell $(SYSTEM_PYTHON) -c 'import os, sysconfig as s; \
	d, n = s.get_config_var("LIBDIR"), s.get_config_var("INSTSONAME"); \
	p = os.path.join(d or "", n or ""); print(p if n and os.path.exists(p) else "")' 2>/dev/null)

WARNINGS := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wformat=2 -Wvla
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif
ifneq ($(SANITIZE),)
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
endif

PYPIN_CPPFLAGS := -D_GNU_SOURCE -iquote lib -DPYPIN_VERSION='"$(VERSION)"' \
	-DPYPIN_DEFAULT_LIBPYTHON='"$(DEFAULT_LIBPYTHON)"' \
	-DPYPIN_CONFIG_FILE='"$(sysconfdir)/pypin.conf"'
PYPIN_CFLAGS := -std=gnu11 -fPIC -fvisibility=hidden $(WARNINGS)

LIB_SRC := lib/cache.c lib/choose.c lib/config.c lib/elf.c lib/libpython.c lib/loaded.c lib/log.c lib/pin.c \
	lib/platform.c lib/pypin.c lib/search.c lib/thread.c lib/verdict.c
LIB_OBJ := $(LIB_SRC:.c=.o)
LIB_HDR := $(wildcard lib/*.h)

all: preload/libpypin.so tools/pypin-inspect scripts/pypin

# The objects are rebuilt when the settings compiled into them change
# (`make install sysconfdir=…` after a plain `make`).
lib/.build-flags: FORCE
	@echo '$(CC) $(PYPIN_CPPFLAGS) $(CPPFLAGS) $(CFLAGS)' | cmp -s - $@ || \
		echo '$(CC) $(PYPIN_CPPFLAGS) $(CPPFLAGS) $(CFLAGS)' > $@

$(LIB_OBJ): %.o: %.c $(LIB_HDR) Makefile lib/.build-flags
	$(CC) $(PYPIN_CPPFLAGS) $(CPPFLAGS) $(PYPIN_CFLAGS) $(CFLAGS) -c -o $@ $<

lib/libpypin-core.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

# The hook must hand over with a true tail call, whatever CFLAGS say.
preload/preload.o: preload/preload.c $(LIB_HDR) Makefile lib/.build-flags
	$(CC) $(PYPIN_CPPFLAGS) $(CPPFLAGS) $(PYPIN_CFLAGS) $(CFLAGS) \
		-O2 -foptimize-sibling-calls -fno-stack-protector -c -o $@ $<

preload/libpypin.so: preload/preload.o lib/libpypin-core.a preload/libpypin.map
	$(CC) -shared -o $@ preload/preload.o lib/libpypin-core.a $(LDFLAGS) \
		-Wl,--version-script=preload/libpypin.map -Wl,-z,nodelete \
		-Wl,--no-undefined -Wl,-soname,libpypin.so -nostartfiles

# What `pypin explain` and `pypin check` run.
tools/pypin-inspect: tools/inspect.c lib/libpypin-core.a $(LIB_HDR) Makefile lib/.build-flags
	$(CC) $(PYPIN_CPPFLAGS) $(CPPFLAGS) -std=gnu11 $(WARNINGS) $(CFLAGS) -o $@ \
		tools/inspect.c lib/libpypin-core.a $(LDFLAGS) -ldl

# The launcher, with the install paths filled in (again at install time, so
# that `make install prefix=…` never installs a stale path).
SUBST = sed -e 's|@VERSION@|$(VERSION)|g' -e 's|@pkglibdir@|$(pkglibdir)|g'
# The man pages name the default paths; installed, they name this install's.
MANSUBST = sed -e 's|/usr/local/lib/pypin|$(subst -,\\-,$(pkglibdir))|g' \
	-e 's|/etc/pypin\.conf|$(subst -,\\-,$(sysconfdir))/pypin.conf|g'

scripts/pypin: scripts/pypin.in Makefile
	$(SUBST) $< > $@
	chmod +x $@

# --- tests ----------------------------------------------------------------

# Fragments add their own targets; CHECK_DEPS lists what `make check` needs
# built besides the fixtures of tests/tests.mk.
CHECK_DEPS :=
-include tests/fuzz/fuzz.mk
-include bench/bench.mk
include tests/tests.mk

# --- install --------------------------------------------------------------

MANPAGES := docs/pypin.1 docs/pypin.conf.5 docs/libpypin.7

install: all
	install -d $(DESTDIR)$(pkglibdir) $(DESTDIR)$(bindir) $(DESTDIR)$(docdir)
	install -m 644 preload/libpypin.so $(DESTDIR)$(pkglibdir)/libpypin.so
	install -m 755 tools/pypin-inspect $(DESTDIR)$(pkglibdir)/pypin-inspect
	$(SUBST) scripts/pypin.in > $(DESTDIR)$(bindir)/pypin
	chmod 755 $(DESTDIR)$(bindir)/pypin
	install -m 644 README.md docs/*.md $(DESTDIR)$(docdir)
	for page in $(MANPAGES); do \
		sec=$${page##*.}; install -d $(DESTDIR)$(mandir)/man$$sec && \
		$(MANSUBST) $$page > $(DESTDIR)$(mandir)/man$$sec/$${page#docs/} && \
		chmod 644 $(DESTDIR)$(mandir)/man$$sec/$${page#docs/} || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(pkglibdir)/libpypin.so $(DESTDIR)$(pkglibdir)/pypin-inspect \
		$(DESTDIR)$(bindir)/pypin
	-rmdir $(DESTDIR)$(pkglibdir)
	rm -rf $(DESTDIR)$(docdir)
	for page in $(MANPAGES); do rm -f $(DESTDIR)$(mandir)/man$${page##*.}/$${page#docs/}; done

clean: tests-clean
	rm -f lib/*.o lib/*.a lib/.build-flags preload/*.o preload/*.so tools/pypin-inspect scripts/pypin

.PHONY: all install uninstall clean FORCE
