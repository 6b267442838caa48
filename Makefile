# pypin — one non-recursive GNU Makefile.
#
#   ./configure          optional: find Python's and Check's flags once, into
#                        config.mak (make runs it when config.mak is missing)
#   make                 build preload/libpypin.so, tools/pypin-inspect and the
#                        scripts pypin and pypin-system (install-system's)
#   make check           unit tests (Check) and integration tests
#   make stress          the long stress run (tests/stress.sh)
#   make fuzz            libFuzzer on the ELF reader (tests/fuzz/fuzz.mk)
#   make bench           benchmarks (bench/run.sh, docs/PERFORMANCE.md)
#   make install         install under $(DESTDIR)$(prefix), each file by
#                        rename
#   make uninstall       remove the files install wrote, by name
#   make ARCH=i386       the same programs for i386, in build/i386/ (gcc -m32);
#                        `make install ARCH=i386` installs (and uninstall
#                        removes) only the library and pypin-inspect, under
#                        the i386 multiarch libdir
#   make deb             Debian packages (dpkg-buildpackage), copied here:
#                        pypin_*.deb, libpypin_*.deb (and libpypin_*_i386.deb
#                        where i386 is enabled and gcc -m32 can link)
#
# What Python and pkg-config say (the default libpython, the fixtures'
# Python, Check) is found once by ./configure, which writes config.mak; make
# runs it when config.mak is missing or older than it (`make clean` needs
# none of it).  Settings can go there too: ./configure prefix=/usr WERROR=1,
# or edit config.mak.  WERROR=1 turns warnings into errors (CI);
# SANITIZE=address,undefined builds the unit tests with sanitizers;
# TEST_WRAPPER="valgrind -q" runs the test programs under a wrapper.

.DEFAULT_GOAL := all
ifeq ($(filter-out clean,$(or $(MAKECMDGOALS),all)),)
-include config.mak
else
include config.mak
config.mak: configure
	./configure $(CONFIGURE_ARGS)
endif

VERSION := 0.1.0

CC ?= cc
# ARCH=i386 builds the 32-bit library from the same sources, out of tree, so
# that the native build stays as it is (CC="gcc -m32" builds it in the tree).
# ARCH in the environment is someone else's (ARCH=x86_64 for a kernel
# build): only a make argument or config.mak counts.
ifeq ($(origin ARCH),environment)
override ARCH :=
endif
ifeq ($(ARCH),i386)
override CC := $(CC) -m32
OUT ?= build/i386/
else ifneq ($(ARCH),)
$(error ARCH=$(ARCH): only ARCH=i386 is supported)
endif
# Where the objects and programs go: "" (the tree itself) or a directory/.
override OUT := $(patsubst %//,%/,$(OUT)$(if $(OUT),/))

# The loader's directory for this target ("x86_64-linux-gnu"), where a
# multiarch install puts the library: libdir=/usr/lib/$(MULTIARCH).  Asked of
# the compiler once, and only when needed.
MULTIARCH = $(eval MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null))$(MULTIARCH)

prefix ?= /usr/local
exec_prefix ?= $(prefix)
bindir ?= $(exec_prefix)/bin
ifeq ($(ARCH),i386)
libdir ?= $(exec_prefix)/lib/$(MULTIARCH)
else
libdir ?= $(exec_prefix)/lib
endif
pkglibdir ?= $(libdir)/pypin
mandir ?= $(prefix)/share/man
sysconfdir ?= /etc
docdir ?= $(prefix)/share/doc/pypin

CFLAGS ?= -O2 -g
PKG_CONFIG ?= pkg-config

# The libpython pinned when nothing else is configured: the system Python's
# (./configure SYSTEM_PYTHON=...), in this target's multiarch directory
# (Debian's libpython3.11:i386 for i386), when it is there.
ifneq ($(and $(SYSTEM_PYTHON),$(CONFIGURED_SYSTEM_PYTHON)),)
ifneq ($(SYSTEM_PYTHON),$(CONFIGURED_SYSTEM_PYTHON))
$(error SYSTEM_PYTHON=$(SYSTEM_PYTHON), but config.mak is for $(CONFIGURED_SYSTEM_PYTHON): run ./configure SYSTEM_PYTHON=$(SYSTEM_PYTHON))
endif
endif
ifeq ($(origin DEFAULT_LIBPYTHON),undefined)
SYSTEM_PY_DIR = $(if $(and $(SYSTEM_PY_MULTIARCH),$(MULTIARCH)),$(subst \
	/$(SYSTEM_PY_MULTIARCH),/$(MULTIARCH),$(SYSTEM_PY_LIBDIR)),$(SYSTEM_PY_LIBDIR))
DEFAULT_LIBPYTHON = $(eval DEFAULT_LIBPYTHON := $(if $(SYSTEM_PY_SONAME),$(wildcard \
	$(SYSTEM_PY_DIR)/$(SYSTEM_PY_SONAME))))$(DEFAULT_LIBPYTHON)
endif

WARNINGS := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wformat=2 -Wvla
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif
ifneq ($(SANITIZE),)
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
endif

# (Expanded when a recipe needs it: `make clean` asks the compiler nothing.)
PYPIN_CPPFLAGS = -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -iquote lib -DPYPIN_VERSION='"$(VERSION)"' \
	-DPYPIN_DEFAULT_LIBPYTHON='"$(DEFAULT_LIBPYTHON)"' \
	-DPYPIN_CONFIG_FILE='"$(sysconfdir)/pypin.conf"'
PYPIN_CFLAGS := -std=gnu11 -fPIC -fvisibility=hidden $(WARNINGS)

# Every module of lib/ goes into the core; a new one needs no line here.
LIB_SRC := $(sort $(wildcard lib/*.c))
LIB_OBJ := $(addprefix $(OUT),$(LIB_SRC:.c=.o))
LIB_HDR := $(wildcard lib/*.h)

ifeq ($(OUT),)
all: preload/libpypin.so tools/pypin-inspect scripts/pypin scripts/pypin-system
else
all: $(OUT)preload/libpypin.so $(OUT)tools/pypin-inspect
endif

# The objects are rebuilt when the settings compiled into them change
# (`make install sysconfdir=…` after a plain `make`).
$(OUT)lib/.build-flags: FORCE
	@mkdir -p $(@D) $(OUT)preload $(OUT)tools
	@echo '$(CC) $(PYPIN_CPPFLAGS) $(CPPFLAGS) $(CFLAGS)' | cmp -s - $@ || \
		echo '$(CC) $(PYPIN_CPPFLAGS) $(CPPFLAGS) $(CFLAGS)' > $@

$(LIB_OBJ): $(OUT)%.o: %.c $(LIB_HDR) Makefile $(OUT)lib/.build-flags
	$(CC) $(PYPIN_CPPFLAGS) $(CPPFLAGS) $(PYPIN_CFLAGS) $(CFLAGS) -c -o $@ $<

$(OUT)lib/libpypin-core.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

# The hook must hand over with a true tail call, whatever CFLAGS say.
$(OUT)preload/preload.o: preload/preload.c $(LIB_HDR) Makefile $(OUT)lib/.build-flags
	$(CC) $(PYPIN_CPPFLAGS) $(CPPFLAGS) $(PYPIN_CFLAGS) $(CFLAGS) \
		-O2 -foptimize-sibling-calls -fno-stack-protector -c -o $@ $<

$(OUT)preload/libpypin.so: $(OUT)preload/preload.o $(OUT)lib/libpypin-core.a preload/libpypin.map
	$(CC) -shared -o $@ $(OUT)preload/preload.o $(OUT)lib/libpypin-core.a $(LDFLAGS) \
		-Wl,--version-script=preload/libpypin.map -Wl,-z,nodelete \
		-Wl,--no-undefined -Wl,-soname,libpypin.so -nostartfiles

# The companion loaded before libpython with `keep` on (lib/keep.h): not
# linked to libpython; it exports only the Py_* functions it overrides.
all: $(OUT)preload/libpypin-keep.so
$(OUT)preload/libpypin-keep.so: preload/keep.c $(OUT)lib/libpypin-core.a preload/libpypin-keep.map \
		$(LIB_HDR) Makefile $(OUT)lib/.build-flags
	$(CC) $(PYPIN_CPPFLAGS) $(CPPFLAGS) $(PYPIN_CFLAGS) $(CFLAGS) -shared -o $@ \
		preload/keep.c $(OUT)lib/libpypin-core.a $(LDFLAGS) \
		-Wl,--version-script=preload/libpypin-keep.map -Wl,--no-undefined \
		-Wl,-soname,libpypin-keep.so -ldl

# What `pypin explain` and `pypin check` run: every file of tools/ (a new one
# needs no line here), with the trial's Python half, tools/trial.py, made a C
# string (a line of it a string literal).
TOOL_SRC := $(sort $(wildcard tools/*.c))
TOOL_HDR := $(wildcard tools/*.h)

$(OUT)tools/trial-script.h: tools/trial.py Makefile
	@mkdir -p $(@D)
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$$/\\n"/' $< > $@.new
	mv -f $@.new $@

$(OUT)tools/pypin-inspect: $(TOOL_SRC) $(TOOL_HDR) $(OUT)tools/trial-script.h \
		$(OUT)lib/libpypin-core.a $(LIB_HDR) Makefile $(OUT)lib/.build-flags
	$(CC) $(PYPIN_CPPFLAGS) -iquote $(OUT)tools $(CPPFLAGS) -std=gnu11 $(WARNINGS) $(CFLAGS) \
		-o $@ $(TOOL_SRC) $(OUT)lib/libpypin-core.a $(LDFLAGS) -ldl

# The scripts, each copy with its own paths filled in: scripts/pypin and
# scripts/pypin-system run this tree's library and helpers; the copies `make
# install` writes, the installed ones (filled in again then, so that `make
# install prefix=…` never installs a stale path).  The names of the settings
# come from the table itself (pypin-inspect settings).
# $(call subst-paths,LIBPYPIN,INSPECT,PYPIN-SYSTEM)
sed-escape = $(subst |,\|,$(subst &,\&,$(subst \,\\,$(1))))
subst-paths = sed -e 's|@VERSION@|$(VERSION)|g' \
	-e 's|@libpypin@|$(call sed-escape,$(1))|g' -e 's|@inspect@|$(call sed-escape,$(2))|g' \
	-e 's|@pypin_system@|$(call sed-escape,$(3))|g' \
	-e "s|@settings@|$$(cat tools/settings.names)|g"
TREE_PATHS = $(call subst-paths,$(CURDIR)/preload/libpypin.so,$(CURDIR)/tools/pypin-inspect,$(CURDIR)/scripts/pypin-system)
INSTALLED_PATHS = $(call subst-paths,$(pkglibdir)/libpypin.so,$(pkglibdir)/pypin-inspect,$(pkglibdir)/pypin-system)
# The man pages name the default paths; installed, they name this install's.
MANSUBST = sed -e 's|/usr/local/lib/pypin|$(subst -,\\-,$(pkglibdir))|g' \
	-e 's|/etc/pypin\.conf|$(subst -,\\-,$(sysconfdir))/pypin.conf|g'

tools/settings.names: tools/pypin-inspect
	tools/pypin-inspect settings | cut -f1 | paste -sd ' ' - > $@.new
	grep -q '^PYPIN_[A-Z_]*' $@.new
	mv -f $@.new $@

scripts/pypin scripts/pypin-system: scripts/%: scripts/%.in tools/settings.names Makefile
	$(TREE_PATHS) $< > $@.new
	chmod 755 $@.new
	mv -f $@.new $@

# --- tests ----------------------------------------------------------------

# Fragments add their own targets; CHECK_DEPS lists what `make check` needs
# built besides the fixtures of tests/tests.mk.
CHECK_DEPS :=
include tests/fuzz/fuzz.mk
include bench/bench.mk
include tests/tests.mk

# --- install --------------------------------------------------------------

MANPAGES := docs/pypin.1 docs/pypin.conf.5 docs/libpypin.7
DOCFILES := README.md $(sort $(wildcard docs/*.md))

# $(call put,MODE,DEST,COMMAND): DEST written whole or not at all.  What
# COMMAND prints goes to a temporary file beside DEST, which then replaces it
# by rename(2): a process never sees half a file (every process maps the
# library, and /etc/ld.so.preload may name it), and an install that fails
# leaves the old DEST.
put = dest="$(2)"; tmp="$${dest%/*}/.$${dest\#\#*/}.new"; \
	{ $(3) > "$$tmp" && chmod $(1) "$$tmp" && mv -f "$$tmp" "$$dest"; } || \
	{ rm -f "$$tmp"; exit 1; }

# The files of pkglibdir (pypin-system only with the launcher: a native install).
LIBFILES := libpypin.so libpypin-keep.so pypin-inspect
ifeq ($(OUT),)
LIBFILES += pypin-system
endif

install-lib: all
	install -d '$(DESTDIR)$(pkglibdir)'
	$(call put,644,$(DESTDIR)$(pkglibdir)/libpypin.so,cat $(OUT)preload/libpypin.so)
	$(call put,644,$(DESTDIR)$(pkglibdir)/libpypin-keep.so,cat $(OUT)preload/libpypin-keep.so)
	$(call put,755,$(DESTDIR)$(pkglibdir)/pypin-inspect,cat $(OUT)tools/pypin-inspect)

ifeq ($(OUT),)
install: install-lib
	install -d '$(DESTDIR)$(bindir)' '$(DESTDIR)$(docdir)'
	$(call put,755,$(DESTDIR)$(pkglibdir)/pypin-system,$(INSTALLED_PATHS) scripts/pypin-system.in)
	$(call put,755,$(DESTDIR)$(bindir)/pypin,$(INSTALLED_PATHS) scripts/pypin.in)
	for f in $(DOCFILES); do \
		( $(call put,644,$(DESTDIR)$(docdir)/$${f##*/},cat "$$f") ) || exit 1; \
	done
	for page in $(MANPAGES); do \
		sec=$${page##*.}; install -d '$(DESTDIR)$(mandir)'/man$$sec && \
		( $(call put,644,$(DESTDIR)$(mandir)/man$$sec/$${page#docs/},$(MANSUBST) $$page) ) || exit 1; \
	done
else
install: install-lib
endif

# Each file install wrote, by name, and the directories it made only when
# nothing else is left in them: docdir may be shared (docdir=/usr/share/doc).
uninstall-lib:
	rm -f $(addprefix '$(DESTDIR)$(pkglibdir)'/,$(LIBFILES))
	rmdir '$(DESTDIR)$(pkglibdir)' 2>/dev/null || :

ifeq ($(OUT),)
uninstall: uninstall-lib
	rm -f '$(DESTDIR)$(bindir)/pypin'
	rm -f $(addprefix '$(DESTDIR)$(docdir)'/,$(notdir $(DOCFILES)))
	rmdir '$(DESTDIR)$(docdir)' 2>/dev/null || :
	for page in $(MANPAGES); do rm -f '$(DESTDIR)$(mandir)'/man$${page##*.}/$${page#docs/}; done
else
uninstall: uninstall-lib
endif

clean: tests-clean
	rm -f lib/*.o lib/*.a lib/.build-flags preload/*.o preload/*.so tools/pypin-inspect \
		tools/trial-script.h tools/settings.names scripts/pypin scripts/pypin-system
	rm -rf build

# --- Debian packages ----------------------------------------------------------

# The native packages, then libpypin for i386 (a cross build with gcc -m32,
# the profiles cross, nocheck and pkg.pypin.libonly) where dpkg runs i386
# programs, gcc -m32 links, and the i386 binutils dh_strip needs are there.  They are built from a copy of the sources in a directory of /tmp
# (the compiler flags dpkg-buildflags gives cannot hold a path with spaces),
# so this tree's own build stays, and copied to DEBDIR (here):
# `sudo apt install ./pypin_*.deb ./libpypin_*.deb`.  DEB_VERSION=V builds
# them as version V (the copy's debian/changelog says so; tests/package.sh
# upgrades with it).
,:= ,
DEBDIR ?= .
DEB_VERSION_SED = 1s/([^)]*)/($(DEB_VERSION))/
DEB_SRC := Makefile configure README.md debian docs lib preload scripts tools
DEB_I386 = $(shell dpkg --print-foreign-architectures 2>/dev/null | grep -qx i386 && \
	dpkg-query -W -f='$${Status}' libc6:i386 2>/dev/null | grep -q ' installed' && \
	printf 'int main(void){return 0;}' | gcc -m32 -x c -o /dev/null - 2>/dev/null && \
	command -v i686-linux-gnu-strip >/dev/null && command -v i686-linux-gnu-objcopy >/dev/null && \
	echo yes)
deb:
	@set -e; tmp=$$(mktemp -d /tmp/pypin-deb.XXXXXX); trap 'rm -rf "$$tmp"' EXIT; \
	mkdir "$$tmp/src" "$$tmp/src/tests" "$$tmp/src/tests/fuzz" "$$tmp/src/bench"; \
	cp -R $(DEB_SRC) "$$tmp/src/"; cp tests/*.mk "$$tmp/src/tests/"; \
	cp tests/fuzz/fuzz.mk "$$tmp/src/tests/fuzz/"; cp bench/bench.mk "$$tmp/src/bench/"; \
	cd "$$tmp/src"; \
	$(if $(DEB_VERSION),sed -i '$(DEB_VERSION_SED)' debian/changelog;) \
	echo "dpkg-buildpackage -us -uc -b"; \
	$(MAKE) -s clean; dpkg-buildpackage -us -uc -b; \
	$(if $(DEB_I386),echo "dpkg-buildpackage -us -uc -B -ai386 -d -Pcross$(,)nocheck$(,)pkg.pypin.libonly"; \
	CC="gcc -m32" dpkg-buildpackage -us -uc -B -ai386 -d -Pcross$(,)nocheck$(,)pkg.pypin.libonly;, \
	echo "libpypin for i386: not built (needs i386 in dpkg's architectures, libc6:i386, gcc -m32 and binutils-i686-linux-gnu)";) \
	cd "$(CURDIR)"; cd "$(DEBDIR)"; rm -f pypin_*.deb libpypin_*.deb; \
	cp "$$tmp"/pypin_*.deb "$$tmp"/libpypin_*.deb .; ls -1 pypin_*.deb libpypin_*.deb

.PHONY: all install install-lib uninstall uninstall-lib clean deb FORCE
