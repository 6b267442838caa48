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
#   make uninstall       remove the files install wrote, by name (refused
#                        while /etc/ld.so.preload, LD_SO_PRELOAD, names the
#                        library: `pypin uninstall-system` first)
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
# runs it again (with the same arguments) when config.mak is missing, older
# than it, or stale: the system Python it recorded, or its libpython, is
# gone or another file now (told by a stat, without running Python).  `make
# clean` needs none of it.  Settings go there too, as arguments:
# ./configure prefix=/usr WERROR=1 (config.mak is configure's: make stops at
# one it did not write).  WERROR=1 turns warnings into errors (CI);
# SANITIZE=address,undefined builds the unit tests with sanitizers;
# TEST_WRAPPER="valgrind -q" runs the test programs under a wrapper.

.DEFAULT_GOAL := all

# A shell word that stands for $(1) whatever it holds (' " $ ` \ spaces):
# every path the recipes hand the shell goes through it.
sq = '$(subst ','\'',$(1))'
,:= ,
ifeq ($(filter-out clean,$(or $(MAKECMDGOALS),all)),)
-include config.mak
else
include config.mak
# A config.mak that is neither this configure's nor an earlier one's (which
# named its arguments, and is older than configure: written again below) is
# someone's own settings, which configure would not replace.
ifneq ($(wildcard config.mak),)
ifneq ($(CONFIG_MAK_WRITER),./configure)
ifneq ($(origin CONFIGURE_ARGS),file)
$(error config.mak was not written by ./configure, whose file it is now: pass its settings to ./configure as VAR=VALUE arguments (./configure prefix=/usr WERROR=1), or move it away (mv config.mak config.mak.old), then run make again)
endif
endif
endif
# Stale: the system Python configure recorded is now another file, or gone,
# or there now and not then; or the libpython it found is gone.  (Not again
# after make's restart with the new config.mak.)
ifeq ($(MAKE_RESTARTS),)
SYSTEM_PY_NOW := $(realpath $(CONFIGURED_SYSTEM_PYTHON))
CONFIG_STALE := $(if $(CONFIG_MAK_WRITER),$(strip \
	$(if $(filter-out $(SYSTEM_PY_REAL),$(SYSTEM_PY_NOW))$(filter-out $(SYSTEM_PY_NOW),$(SYSTEM_PY_REAL)),\
		$(CONFIGURED_SYSTEM_PYTHON) is $(or $(SYSTEM_PY_NOW),gone) (was $(or $(SYSTEM_PY_REAL),not there)),\
	$(if $(filter-out $(wildcard $(SYSTEM_PY_FOUND)),$(SYSTEM_PY_FOUND)),$(SYSTEM_PY_FOUND) is gone))))
endif
config.mak: configure $(if $(CONFIG_STALE),FORCE)
	@$(if $(CONFIG_STALE),echo 'config.mak is stale: $(subst ','\'',$(CONFIG_STALE)); running ./configure again')
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
DEFAULT_LIBPYTHON_FOUND := yes
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
# A system Python whose libpython is not where configure said (or none
# found) leaves the library without a default: said on every build.
$(OUT)lib/.build-flags: FORCE
	@mkdir -p $(call sq,$(@D)) $(call sq,$(OUT)preload) $(call sq,$(OUT)tools)
	@printf '%s\n' $(call sq,$(CC) $(PYPIN_CPPFLAGS) $(CPPFLAGS) $(CFLAGS)) | cmp -s - $(call sq,$@) || \
		printf '%s\n' $(call sq,$(CC) $(PYPIN_CPPFLAGS) $(CPPFLAGS) $(CFLAGS)) > $(call sq,$@)
	$(if $(and $(DEFAULT_LIBPYTHON_FOUND),$(if $(DEFAULT_LIBPYTHON),,$(wildcard $(CONFIGURED_SYSTEM_PYTHON)))),@echo \
		$(call sq,warning: no default libpython: $(CONFIGURED_SYSTEM_PYTHON) is there$(if \
		$(SYSTEM_PY_SONAME),$(,) but $(SYSTEM_PY_DIR)/$(SYSTEM_PY_SONAME) is not,$(,) but \
		./configure found no shared libpython of it): the library pins only the libpython that \
		PYPIN_LIBPYTHON or pypin.conf names (install that libpython$(,) or run ./configure \
		SYSTEM_PYTHON=... or make DEFAULT_LIBPYTHON=...)) >&2)

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
# come from the table itself, read from lib/config.c (not by running
# pypin-inspect, which a cross build cannot).
# A path lands in the scripts inside '…' (lib='$(1)'): sh-quoted there, then
# escaped for sed's replacement (\ & |), and the sed program is one sq word.
# $(call subst-paths,LIBPYPIN,INSPECT,PYPIN-SYSTEM)
sed-escape = $(subst |,\|,$(subst &,\&,$(subst \,\\,$(1))))
sed-quoted = $(call sed-escape,$(subst ','\'',$(1)))
subst-paths = sed -e $(call sq,s|@VERSION@|$(call sed-quoted,$(VERSION))|g) \
	-e $(call sq,s|@libpypin@|$(call sed-quoted,$(1))|g) \
	-e $(call sq,s|@inspect@|$(call sed-quoted,$(2))|g) \
	-e $(call sq,s|@pypin_system@|$(call sed-quoted,$(3))|g) \
	-e "s|@settings@|$$(cat tools/settings.names)|g"
TREE_PATHS = $(call subst-paths,$(CURDIR)/preload/libpypin.so,$(CURDIR)/tools/pypin-inspect,$(CURDIR)/scripts/pypin-system)
INSTALLED_PATHS = $(call subst-paths,$(pkglibdir)/libpypin.so,$(pkglibdir)/pypin-inspect,$(pkglibdir)/pypin-system)
# The man pages name the default paths; installed, they name this install's
# (roff: \ as \e, - as \-; then escaped for sed).
man-escape = $(call sed-escape,$(subst -,\-,$(subst \,\e,$(1))))
MANSUBST = sed -e $(call sq,s|/usr/local/lib/pypin|$(call man-escape,$(pkglibdir))|g) \
	-e $(call sq,s|/etc/pypin\.conf|$(call man-escape,$(sysconfdir))/pypin.conf|g)

# Each row of the table starts with a line of one shape:
#	[PYPIN_SET_X] = { "PYPIN_X", "key", ...
# a row of another (a name not read) fails the build.
tools/settings.names: lib/config.c
	sed -n 's/^[[:space:]]*\[PYPIN_SET_[A-Z0-9_]*\][[:space:]]*=[[:space:]]*{[[:space:]]*"\(PYPIN_[A-Z0-9_]*\)",.*/\1/p' \
		lib/config.c | paste -sd ' ' - > $@.new
	test -s $@.new && test "$$(wc -w < $@.new)" -eq "$$(grep -c '^[[:space:]]*\[PYPIN_SET_' lib/config.c)" || \
		{ echo "lib/config.c: a row of the settings table does not start [PYPIN_SET_X] = { \"PYPIN_X\"," >&2; \
		rm -f $@.new; exit 1; }
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
# The reports the docs link to (reports/bench.txt, ...), in docdir/reports.
REPORTS := $(sort $(wildcard docs/reports/*.txt))

# $(call put,MODE,DEST,COMMAND): DEST written whole or not at all.  What
# COMMAND prints goes to a temporary file beside DEST, which then replaces it
# by rename(2): a process never sees half a file (every process maps the
# library, and /etc/ld.so.preload may name it), and an install that fails
# leaves the old DEST.
# DEST is a shell word ($(call sq,PATH), or with a "$$var" part); an
# interrupted install removes its temporary file too.
put = dest=$(2); tmp="$${dest%/*}/.$${dest\#\#*/}.new"; \
	trap 'rm -f "$$tmp"; exit 1' HUP INT TERM; \
	{ $(3) > "$$tmp" && chmod $(1) "$$tmp" && mv -f "$$tmp" "$$dest"; } || \
	{ rm -f "$$tmp"; exit 1; }; trap - HUP INT TERM
# $(call unput,DEST...): removes each DEST (shell words) and the temporary
# file an interrupted put may have left beside it.
unput = for dest in $(1); do rm -f "$$dest" "$${dest%/*}/.$${dest\#\#*/}.new" || exit 1; done

# The files of pkglibdir (pypin-system only with the launcher: a native install).
LIBFILES := libpypin.so libpypin-keep.so pypin-inspect
ifeq ($(OUT),)
LIBFILES += pypin-system
endif

install-lib: all
	install -d $(call sq,$(DESTDIR)$(pkglibdir))
	$(call put,644,$(call sq,$(DESTDIR)$(pkglibdir)/libpypin.so),cat $(call sq,$(OUT)preload/libpypin.so))
	$(call put,644,$(call sq,$(DESTDIR)$(pkglibdir)/libpypin-keep.so),cat $(call sq,$(OUT)preload/libpypin-keep.so))
	$(call put,755,$(call sq,$(DESTDIR)$(pkglibdir)/pypin-inspect),cat $(call sq,$(OUT)tools/pypin-inspect))

ifeq ($(OUT),)
install: install-lib
	install -d $(call sq,$(DESTDIR)$(bindir)) $(call sq,$(DESTDIR)$(docdir))
	$(call put,755,$(call sq,$(DESTDIR)$(pkglibdir)/pypin-system),$(INSTALLED_PATHS) scripts/pypin-system.in)
	$(call put,755,$(call sq,$(DESTDIR)$(bindir)/pypin),$(INSTALLED_PATHS) scripts/pypin.in)
	for f in $(DOCFILES); do \
		$(call put,644,$(call sq,$(DESTDIR)$(docdir))/"$${f##*/}",cat "$$f"); \
	done
	install -d $(call sq,$(DESTDIR)$(docdir)/reports)
	for f in $(REPORTS); do \
		$(call put,644,$(call sq,$(DESTDIR)$(docdir)/reports)/"$${f##*/}",cat "$$f"); \
	done
	for page in $(MANPAGES); do \
		sec=$${page##*.}; install -d $(call sq,$(DESTDIR)$(mandir))/man$$sec || exit 1; \
		$(call put,644,$(call sq,$(DESTDIR)$(mandir))/man$$sec/"$${page#docs/}",$(MANSUBST) "$$page"); \
	done
else
install: install-lib
endif

# Each file install wrote, by name, and the directories it made only when
# nothing else is left in them: docdir may be shared (docdir=/usr/share/doc).
# Not the library while /etc/ld.so.preload (LD_SO_PRELOAD) names it, as
# itself or as the loader's $$LIB form of it: every process would print a
# loader error (`pypin uninstall-system` takes it out first).  An install
# into a DESTDIR is no process's.
LD_SO_PRELOAD ?= /etc/ld.so.preload
PRELOAD_AWK = { sub(/\#.*/, ""); gsub(/\$$\{LIB\}/, "$$LIB"); n = split($$0, tok, /[ \t:]+/); \
	for (j = 1; j <= n; j++) { t = tok[j]; if (t !~ /\/libpypin\.so$$/) continue; \
	if (t == lib || t == real) { print t; continue } \
	if ((i = index(t, "$$LIB")) == 0) continue; pre = substr(t, 1, i - 1); post = substr(t, i + 4); \
	for (k = 1; k <= 2; k++) { p = k == 1 ? lib : real; \
	if (length(p) > length(pre) + length(post) && substr(p, 1, length(pre)) == pre && \
	    substr(p, length(p) - length(post) + 1) == post && \
	    substr(p, length(pre) + 1, length(p) - length(pre) - length(post)) ~ /^lib[^\/]*(\/[^\/]+)?$$/) \
	{ print t; break } } } }
uninstall-lib:
ifeq ($(DESTDIR),)
	@f=$(call sq,$(LD_SO_PRELOAD)); lib=$(call sq,$(pkglibdir)/libpypin.so); \
	[ -e "$$f" ] || exit 0; real=$$(realpath -m -- "$$lib") || real=$$lib; \
	named=$$(awk -v lib="$$lib" -v real="$$real" $(call sq,$(PRELOAD_AWK)) "$$f") || \
		{ echo "make uninstall: cannot read $$f, which may name $$lib: not uninstalled" >&2; exit 1; }; \
	[ -z "$$named" ] || { printf '%s\n' "make uninstall: $$f names $$(echo $$named), so every process loads $$lib: run \`pypin uninstall-system\` first (nothing was removed)" >&2; exit 1; }
endif
	$(call unput,$(foreach f,$(LIBFILES),$(call sq,$(DESTDIR)$(pkglibdir)/$(f))))
	rmdir $(call sq,$(DESTDIR)$(pkglibdir)) 2>/dev/null || :

ifeq ($(OUT),)
uninstall: uninstall-lib
	$(call unput,$(call sq,$(DESTDIR)$(bindir)/pypin))
	$(call unput,$(foreach f,$(notdir $(DOCFILES)),$(call sq,$(DESTDIR)$(docdir)/$(f))))
	$(call unput,$(foreach f,$(notdir $(REPORTS)),$(call sq,$(DESTDIR)$(docdir)/reports/$(f))))
	rmdir $(call sq,$(DESTDIR)$(docdir)/reports) 2>/dev/null || :
	rmdir $(call sq,$(DESTDIR)$(docdir)) 2>/dev/null || :
	$(call unput,$(foreach p,$(MANPAGES),$(call sq,$(DESTDIR)$(mandir)/man$(subst .,,$(suffix $(p)))/$(notdir $(p)))))
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
