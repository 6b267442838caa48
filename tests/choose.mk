# The choice of a libpython for plugins that name no version (tests/choose.sh,
# tests/check_choose.c), included by tests/tests.mk.
UNIT_SRC += tests/check_choose.c

# For each pyenv Python present (and Debian's 3.11): a plugin built against
# its headers that names no libpython, in build/choose/VERSION/.  For 3.12, a
# plugin linked to that installation's libpython3.so only, with a RUNPATH into
# it (abi3).  The venvs the suite needs are made by the suite, and kept.
CHOOSE_PYENV := $(or $(PYENV_ROOT),$(HOME)/.pyenv)/versions
CHOOSE_VERSIONS := 2.7 3.6 3.7 3.8 3.9 3.10 3.11 3.12 3.13
# $(call choose-python,X.Y): that version's python under pyenv, or nothing.
choose-python = $(firstword $(wildcard $(CHOOSE_PYENV)/$(1).*/bin/python$(1)))
CHOOSE_PRESENT := $(foreach v,$(CHOOSE_VERSIONS),$(if $(call choose-python,$(v)),$(v)))
CHOOSE_PLUGINS := $(foreach v,$(CHOOSE_PRESENT),$(B)/choose/$(v)/tst-choose-mod1.so) \
	$(B)/choose/debian/tst-choose-mod1.so
CHOOSE_SHIM_DIR = $(dir $(call choose-python,3.12))../lib
ifneq ($(call choose-python,3.12),)
CHOOSE_PLUGINS += $(B)/choose/abi3/tst-choose-abi3-mod1.so \
	$(B)/choose/abi3-bare/tst-choose-abi3-mod1.so
endif
# A plugin linked to pyenv's 3.11 (RUNPATH into it): the same soname as
# Debian's, another installation.
ifneq ($(call choose-python,3.11),)
CHOOSE_PLUGINS += $(B)/choose/pyenv-3.11/tst-embed-mod1.so
endif
FIXTURES += $(CHOOSE_PLUGINS) $(B)/choose/tst-choose-ucs4-mod1.so

$(B)/choose/tst-choose-ucs4-mod1.so: $(FIX)/tst-choose-ucs4.c
	mkdir -p $(@D)
	$(CC) $(FIXTURE_CFLAGS) -shared -o $@ $<

$(B)/choose/%/tst-choose-mod1.so: $(FIX)/tst-choose.c
	mkdir -p $(@D)
	$(CC) $(FIXTURE_CFLAGS) $(shell $(call choose-python,$*) -c 'import sysconfig; \
		print("-I" + sysconfig.get_paths()["include"])') -shared -o $@ $<
$(B)/choose/debian/tst-choose-mod1.so: $(FIX)/tst-choose.c
	mkdir -p $(@D)
	$(CC) $(FIXTURE_CFLAGS) $(PY_INCLUDES) -shared -o $@ $<
$(B)/choose/abi3/tst-choose-abi3-mod1.so: $(FIX)/tst-choose.c
	mkdir -p $(@D)
	$(CC) $(FIXTURE_CFLAGS) -DTST_STABLE_ABI $(shell $(call choose-python,3.12) -c \
		'import sysconfig; print("-I" + sysconfig.get_paths()["include"])') \
		-shared -o $@ $< -Wl,--no-as-needed -L$(CHOOSE_SHIM_DIR) -lpython3 \
		-Wl,--enable-new-dtags,-rpath,$(abspath $(CHOOSE_SHIM_DIR))
# The same with no RUNPATH: its libpython3.so is found by the loader's own
# search (tests/choose.sh puts one where ld.so.cache says, in a namespace).
$(B)/choose/abi3-bare/tst-choose-abi3-mod1.so: $(FIX)/tst-choose.c
	mkdir -p $(@D)
	$(CC) $(FIXTURE_CFLAGS) -DTST_STABLE_ABI $(shell $(call choose-python,3.12) -c \
		'import sysconfig; print("-I" + sysconfig.get_paths()["include"])') \
		-shared -o $@ $< -Wl,--no-as-needed -L$(CHOOSE_SHIM_DIR) -lpython3
CHOOSE_311_LIB = $(abspath $(dir $(call choose-python,3.11))../lib)
$(B)/choose/pyenv-3.11/tst-embed-mod1.so: $(FIX)/tst-embed.c
	mkdir -p $(@D)
	$(CC) $(FIXTURE_CFLAGS) $(shell $(call choose-python,3.11) -c 'import sysconfig; \
		print("-I" + sysconfig.get_paths()["include"])') -shared -o $@ $< \
		-Wl,--no-as-needed -L$(CHOOSE_311_LIB) -lpython3.11 -pthread \
		-Wl,--enable-new-dtags,-rpath,$(CHOOSE_311_LIB)
