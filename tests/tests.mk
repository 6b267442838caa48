# pypin's tests, included by the top-level Makefile.
#
# Fixtures are built against Debian's Python on purpose (FIXTURE_PYTHON), not
# whichever python3 comes first on PATH.  Helper libraries are named
# tst-<topic>-mod<N>.so after glibc's tests.

# Its headers and library (PY_INCLUDES, PY_LIBDIR, PY_LDVERSION) and Check's
# flags (CHECK_CFLAGS, CHECK_LIBS) are ./configure's, in config.mak.
FIXTURE_PYTHON ?= $(CONFIGURED_FIXTURE_PYTHON)
ifneq ($(CONFIGURED_FIXTURE_PYTHON),)
ifneq ($(FIXTURE_PYTHON),$(CONFIGURED_FIXTURE_PYTHON))
$(error FIXTURE_PYTHON=$(FIXTURE_PYTHON), but config.mak is for $(CONFIGURED_FIXTURE_PYTHON): run ./configure FIXTURE_PYTHON=$(FIXTURE_PYTHON))
endif
endif
PY_LIBS = -L$(PY_LIBDIR) -lpython$(PY_LDVERSION)

B := tests/build
FIX := tests/fixtures
FIXTURE_CFLAGS := -O1 -g -fPIC -Wall

# Libraries for the integration tests.
PLUGINS := $(B)/tst-plain-mod1.so $(B)/tst-plain-mod2.so \
	$(B)/tst-embed-mod1.so $(B)/tst-embed-ctor-mod1.so $(B)/tst-embed-nolink-mod1.so \
	$(B)/tst-embed-shim-mod1.so $(B)/shim/libpython3.so \
	$(B)/fake/libpython3.99.so.1.0 $(B)/tst-conflict-mod1.so \
	$(B)/tst-ctor-mod1.so $(B)/tst-weak-mod1.so $(B)/tst-missing-mod1.so \
	$(B)/runpath/plugins/tst-runpath-mod1.so $(B)/runpath/plugins/tst-runpath-mod2.so \
	$(B)/hostile/libpython3.11.so.1.0 $(B)/high/tst-high-mod1.so $(B)/high/tst-high-mod2.so \
	$(B)/tst-via-mod1.so $(B)/tst-embed-dst-mod1.so $(B)/tst-embed-rp-mod1.so \
	$(B)/tst-embed-nodeflib-mod1.so $(B)/tst-soname7-mod1.so
HOSTS := $(B)/host $(B)/host-pylinked $(B)/runpath/host $(B)/rpath/host $(B)/reopen \
	$(B)/refuse-exit $(B)/swap-preload.so
# Objects the ELF reader is tested on.
ELF_FIXTURES := $(B)/elf/ttext.so $(B)/elf/sysv-hash.so $(B)/elf/exec $(B)/elf/static \
	$(B)/elf/pie

FIXTURES := $(PLUGINS) $(HOSTS) $(ELF_FIXTURES) $(B)/foreign-venv/bin/python3
# The system-wide, package and i386 tests' fixtures.
include tests/package.mk

# keep (tests/keep.sh)
include tests/keep.mk

$(B) $(B)/elf $(B)/shim $(B)/fake $(B)/hostile $(B)/runpath/plugins $(B)/rpath $(B)/high:
	mkdir -p $@

$(B)/host: $(FIX)/host.c | $(B)
	$(CC) $(FIXTURE_CFLAGS) -rdynamic -o $@ $< -pthread
$(B)/swap-preload.so: $(FIX)/swap-preload.c | $(B)
	$(CC) $(FIXTURE_CFLAGS) -shared -o $@ $<
$(B)/reopen: $(FIX)/reopen.c | $(B)
	$(CC) $(FIXTURE_CFLAGS) -o $@ $<
# The same host, linked to libpython itself: Python is in the process already.
$(B)/host-pylinked: $(FIX)/host.c | $(B)
	$(CC) $(FIXTURE_CFLAGS) -rdynamic -o $@ $< -pthread -Wl,--no-as-needed $(PY_LIBS)
# A host that finds its plugins through its own RUNPATH ($ORIGIN/plugins).
$(B)/runpath/host: $(FIX)/host.c | $(B)/runpath/plugins
	$(CC) $(FIXTURE_CFLAGS) -rdynamic -o $@ $< -pthread \
		-Wl,--enable-new-dtags,-rpath,'$$ORIGIN/plugins'

# A host whose DT_RPATH (not RUNPATH) names a directory with another
# libpython3.11.so.1.0: the loader looks there for its plugins' dependencies.
$(B)/rpath/host: $(FIX)/host.c | $(B)/rpath
	$(CC) $(FIXTURE_CFLAGS) -rdynamic -o $@ $< -pthread \
		-Wl,--disable-new-dtags,-rpath,'$$ORIGIN/../hostile'

$(B)/tst-plain-mod1.so $(B)/tst-plain-mod2.so $(B)/runpath/plugins/tst-runpath-mod1.so: \
		$(FIX)/tst-plain.c | $(B) $(B)/runpath/plugins
	$(CC) $(FIXTURE_CFLAGS) -shared -o $@ $< -lm
$(B)/tst-weak-mod1.so: $(FIX)/tst-weak.c | $(B)
	$(CC) $(FIXTURE_CFLAGS) -shared -o $@ $<
$(B)/tst-ctor-mod1.so: $(FIX)/tst-ctor.c | $(B)
	$(CC) $(FIXTURE_CFLAGS) -shared -o $@ $<

# Embedding plugins: DT_NEEDED libpython; in a constructor; no libpython at all
# (undefined Py symbols, like PyO3's extension-module builds); the shim only.
$(B)/tst-embed-mod1.so $(B)/runpath/plugins/tst-runpath-mod2.so: $(FIX)/tst-embed.c | $(B) $(B)/runpath/plugins
	$(CC) $(FIXTURE_CFLAGS) $(PY_INCLUDES) -shared -o $@ $< -Wl,--no-as-needed $(PY_LIBS) -pthread
$(B)/tst-embed-ctor-mod1.so: $(FIX)/tst-embed.c | $(B)
	$(CC) $(FIXTURE_CFLAGS) $(PY_INCLUDES) -DRUN_IN_CONSTRUCTOR -shared -o $@ $< \
		-Wl,--no-as-needed $(PY_LIBS) -pthread
$(B)/tst-embed-nolink-mod1.so: $(FIX)/tst-embed.c | $(B)
	$(CC) $(FIXTURE_CFLAGS) $(PY_INCLUDES) -shared -o $@ $< -pthread
$(B)/shim/libpython3.so: $(FIX)/empty.c | $(B)/shim
	$(CC) $(FIXTURE_CFLAGS) -shared -o $@ $< -Wl,-soname,libpython3.so \
		-Wl,--no-as-needed $(PY_LIBS)
$(B)/tst-embed-shim-mod1.so: $(FIX)/tst-embed.c $(B)/shim/libpython3.so | $(B)
	$(CC) $(FIXTURE_CFLAGS) $(PY_INCLUDES) -shared -o $@ $< -pthread \
		-Wl,--no-as-needed -L$(B)/shim -lpython3 -Wl,-rpath,'$$ORIGIN/shim'

# Another Python version, for refusals.
$(B)/fake/libpython3.99.so.1.0: $(FIX)/fake-libpython.c | $(B)/fake
	$(CC) $(FIXTURE_CFLAGS) -shared -o $@ $< -Wl,-soname,libpython3.99.so.1.0
$(B)/tst-conflict-mod1.so: $(FIX)/tst-plain.c $(B)/fake/libpython3.99.so.1.0 | $(B)
	$(CC) $(FIXTURE_CFLAGS) -shared -o $@ $< -lm -Wl,--no-as-needed \
		$(B)/fake/libpython3.99.so.1.0 -Wl,-rpath,'$$ORIGIN/fake'

# Two libraries linked at an address above where they are loaded: the second
# gets a load address that wraps around below zero.
$(B)/high/tst-high-mod1.so $(B)/high/tst-high-mod2.so: $(FIX)/tst-plain.c | $(B)/high
	$(CC) $(FIXTURE_CFLAGS) -shared -o $@ $< -lm -Wl,-Ttext-segment=0x7ff000000000 \
		-Wl,-soname,$(@F)

# A library the host opens its plugins through; its DT_RPATH names another
# libpython3.11.so.1.0, which the loader does not use for the plugins' needs.
$(B)/tst-via-mod1.so: $(FIX)/tst-via.c | $(B)
	$(CC) $(FIXTURE_CFLAGS) -shared -o $@ $< -Wl,--disable-new-dtags,-rpath,'$$ORIGIN/hostile'
$(B)/refuse-exit: $(FIX)/refuse-exit.c | $(B)
	$(CC) $(FIXTURE_CFLAGS) -o $@ $< -pthread

# $(call linked-to-gone,SONAME): links $< to a stand-in libpython with that
# soname, then removes the stand-in, so that none is found at run time.
define linked-to-gone
	mkdir -p $(B)/gone-$(1)
	$(CC) $(FIXTURE_CFLAGS) -shared -o $(B)/gone-$(1)/$(1) $(FIX)/fake-libpython.c \
		-Wl,-soname,$(1)
	$(CC) $(FIXTURE_CFLAGS) -shared -o $@ $< -lm -Wl,--no-as-needed $(B)/gone-$(1)/$(1)
	rm -rf $(B)/gone-$(1)
endef

# Plugins linked to libpython that find it: through $PLATFORM and $LIB in their
# RUNPATH (another libpython3.11.so.1.0 is put there); through a RUNPATH naming
# the system's directory (LD_LIBRARY_PATH comes first); not at all, with -z
# nodefaultlib; and one that needs libpython3.11.so.7, which no libpython is.
DST_RUNPATH = $$ORIGIN/dst/$$PLATFORM/$$LIB
$(B)/serinfo: $(FIX)/serinfo.c | $(B)
	$(CC) $(FIXTURE_CFLAGS) -o $@ $<
$(B)/tst-dst-probe.so: $(FIX)/empty.c | $(B)
	$(CC) $(FIXTURE_CFLAGS) -shared -o $@ $< -Wl,--enable-new-dtags,-rpath,'$(DST_RUNPATH)'
# The libpython goes where the loader looks: its first RUNPATH directory, as
# it expands $$PLATFORM and $$LIB for an object with the same RUNPATH.
$(B)/tst-embed-dst-mod1.so: $(FIX)/tst-embed.c $(B)/hostile/libpython3.11.so.1.0 \
		$(B)/serinfo $(B)/tst-dst-probe.so | $(B)
	dir=$$($(B)/serinfo $(B)/tst-dst-probe.so | grep -m 1 /dst/) && test -n "$$dir" && \
		rm -rf $(B)/dst && mkdir -p "$$dir" && cp $(B)/hostile/libpython3.11.so.1.0 "$$dir/"
	$(CC) $(FIXTURE_CFLAGS) $(PY_INCLUDES) -shared -o $@ $< -Wl,--no-as-needed $(PY_LIBS) \
		-pthread -Wl,--enable-new-dtags,-rpath,'$(DST_RUNPATH)'
$(B)/tst-embed-rp-mod1.so: $(FIX)/tst-embed.c | $(B)
	$(CC) $(FIXTURE_CFLAGS) $(PY_INCLUDES) -shared -o $@ $< -Wl,--no-as-needed $(PY_LIBS) \
		-pthread -Wl,--enable-new-dtags,-rpath,$(PY_LIBDIR)
$(B)/tst-embed-nodeflib-mod1.so: $(FIX)/tst-embed.c | $(B)
	$(CC) $(FIXTURE_CFLAGS) $(PY_INCLUDES) -shared -o $@ $< -Wl,--no-as-needed $(PY_LIBS) \
		-pthread -Wl,-z,nodefaultlib
$(B)/tst-soname7-mod1.so: $(FIX)/tst-plain.c $(FIX)/fake-libpython.c | $(B)
	$(call linked-to-gone,libpython3.11.so.7)

# A plugin for a Python before 3.10 (pyenv's, where there is one) and a venv of
# it, for the interpreter's home: Py_GetProgramName() fixes the path
# configuration there, so pypin must not ask it.
PYENV_DIR := $(or $(PYENV_ROOT),$(HOME)/.pyenv)
OLD_PYTHON ?= $(firstword $(wildcard $(PYENV_DIR)/versions/3.9*/bin/python3.9 \
	$(PYENV_DIR)/versions/3.8*/bin/python3.8))
ifneq ($(OLD_PYTHON),)
OLD_PY_LIBDIR = $(shell $(OLD_PYTHON) -c 'import sysconfig; print(sysconfig.get_config_var("LIBDIR"))')
FIXTURES += $(B)/oldpy/tst-embed-mod1.so $(B)/oldpy/venv/bin/python3
$(B)/oldpy/tst-embed-mod1.so: $(FIX)/tst-embed.c
	mkdir -p $(@D)
	$(CC) $(FIXTURE_CFLAGS) $(shell $(OLD_PYTHON)-config --includes) -shared -o $@ $< \
		-Wl,--no-as-needed -L$(OLD_PY_LIBDIR) \
		-lpython$(shell $(OLD_PYTHON) -c 'import sysconfig; print(sysconfig.get_config_var("LDVERSION"))') \
		-pthread -Wl,--enable-new-dtags,-rpath,$(OLD_PY_LIBDIR)
$(B)/oldpy/venv/bin/python3:
	$(OLD_PYTHON) -m venv --without-pip $(B)/oldpy/venv
endif

# Claims to be libpython3.11 and leaves a mark when loaded (secure mode).
$(B)/hostile/libpython3.11.so.1.0: $(FIX)/hostile-libpython.c | $(B)/hostile
	$(CC) $(FIXTURE_CFLAGS) -shared -o $@ $< -Wl,-soname,libpython3.11.so.1.0

# Needs a libpython3.98 that is nowhere to be found at run time.
$(B)/tst-missing-mod1.so: $(FIX)/tst-plain.c $(FIX)/fake-libpython.c | $(B)
	$(call linked-to-gone,libpython3.98.so.1.0)

# ELF layouts: file offsets that differ from addresses; DT_HASH only; an
# executable; a position-independent executable (linked to libpython); a static
# binary.
$(B)/elf/ttext.so: $(FIX)/tst-embed.c | $(B)/elf
	$(CC) $(FIXTURE_CFLAGS) $(PY_INCLUDES) -shared -o $@ $< -Wl,-Ttext-segment=0x200000
$(B)/elf/sysv-hash.so: $(FIX)/tst-embed.c | $(B)/elf
	$(CC) $(FIXTURE_CFLAGS) $(PY_INCLUDES) -shared -o $@ $< -Wl,--hash-style=sysv
$(B)/elf/exec: | $(B)/elf
	printf 'int main(void){return 0;}\n' | $(CC) -O1 -no-pie -o $@ -x c -
$(B)/elf/pie: $(FIX)/tst-embed.c | $(B)/elf
	printf 'int main(void){return 0;}\n' | $(CC) -O1 -fPIE -pie -o $@ -x c - \
		-Wl,--no-as-needed $(PY_LIBS)
$(B)/elf/static: | $(B)/elf
	printf 'int main(void){return 0;}\n' | $(CC) -O1 -static -o $@ -x c -

# Another installation, put first on PATH by the interpreter-home test.
$(B)/foreign-venv/bin/python3: | $(B)
	$(FIXTURE_PYTHON) -m venv --without-pip $(B)/foreign-venv

include tests/secure.mk
include tests/readbound.mk

# --- unit tests -----------------------------------------------------------

UNIT_SRC := tests/check_main.c tests/check_elf.c tests/check_verdict.c \
	tests/check_libpython.c tests/check_config.c tests/check_cache.c tests/check_loaded.c \
	tests/check_readbound.c tests/check_thread.c tests/check_refusal.c tests/check_call.c \
	tests/check_ldpath.c tests/check_memo.c tests/check_pyname.c
# The choice of libpython: its unit tests and its integration fixtures.
include tests/choose.mk
# Rebuilt when SANITIZE changes.
$(B)/.sanitize: FORCE | $(B)
	@echo '$(SANFLAGS)' | cmp -s - $@ || echo '$(SANFLAGS)' > $@
$(B)/check_pypin: $(UNIT_SRC) tests/check_pypin.h lib/libpypin-core.a $(B)/.sanitize | $(B)
	$(CC) $(PYPIN_CPPFLAGS) -std=gnu11 -g -O1 $(WARNINGS) $(SANFLAGS) $(CHECK_CFLAGS) \
		-o $@ $(UNIT_SRC) $(addprefix lib/,$(notdir $(LIB_SRC))) $(CHECK_LIBS)

check-unit: $(B)/check_pypin $(FIXTURES) preload/libpypin.so
	cd tests && $(TEST_WRAPPER) ./build/check_pypin

check-integration: all $(FIXTURES)
	@status=0; for t in tests/integration.sh; do \
		TEST_WRAPPER="$(TEST_WRAPPER)" sh $$t || status=1; done; exit $$status

check: all $(FIXTURES) $(B)/check_pypin $(CHECK_DEPS) $(B)/bench/timeit
	@sh tests/run-all.sh

tests-clean:
	rm -rf $(B)

.PHONY: check check-unit check-integration tests-clean FORCE
FORCE:

# The long stress run: 8 threads x 10,000 dlopen/dlclose, 1,000 plugin cycles.
stress: all $(FIXTURES) $(B)/bench/timeit
	STRESS_LONG=1 sh tests/stress.sh

.PHONY: stress
