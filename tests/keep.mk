# Fixtures of tests/keep.sh (keep: one interpreter for the life of the
# process), included by tests/tests.mk.

# The plugin that starts Python when loaded and finalizes it when unloaded;
# the same starting and finalizing on threads of its own.
KEEP_FIXTURES := $(B)/tst-keep-mod1.so $(B)/tst-keep-mod2.so $(B)/tst-keep-mod5.so \
	$(B)/tst-keep-mod6.so
$(B)/tst-keep-mod1.so: $(FIX)/tst-keep.c | $(B)
	$(CC) $(FIXTURE_CFLAGS) $(PY_INCLUDES) -shared -o $@ $< -Wl,--no-as-needed $(PY_LIBS) -pthread
$(B)/tst-keep-mod2.so: $(FIX)/tst-keep.c | $(B)
	$(CC) $(FIXTURE_CFLAGS) $(PY_INCLUDES) -DTST_THREADS -shared -o $@ $< \
		-Wl,--no-as-needed $(PY_LIBS) -pthread
# The same, started with Py_InitializeFromConfig; with Py_Initialize and ended
# with Py_Finalize.
$(B)/tst-keep-mod5.so: $(FIX)/tst-keep.c | $(B)
	$(CC) $(FIXTURE_CFLAGS) $(PY_INCLUDES) -DTST_CONFIG_API -shared -o $@ $< \
		-Wl,--no-as-needed $(PY_LIBS) -pthread
$(B)/tst-keep-mod6.so: $(FIX)/tst-keep.c | $(B)
	$(CC) $(FIXTURE_CFLAGS) $(PY_INCLUDES) -DTST_OLD_API -shared -o $@ $< \
		-Wl,--no-as-needed $(PY_LIBS) -pthread

# The same without numpy (mod3; mod4 on threads of its own), for each pyenv
# Python 3.8 to 3.13 found (the newest of each minor version), with a RUNPATH
# to its libpython.
KEEP_PYENV := $(or $(PYENV_ROOT),$(HOME)/.pyenv)/versions
KEEP_PYTHONS := $(foreach v,8 9 10 11 12 13,$(lastword $(sort \
	$(wildcard $(KEEP_PYENV)/3.$(v).*/bin/python3.$(v)))))
KEEP_VERSIONED := $(foreach p,$(KEEP_PYTHONS),$(B)/keep-$(notdir $(p))/tst-keep-mod3.so \
	$(B)/keep-$(notdir $(p))/tst-keep-mod4.so)
# Two rules, not one with two targets: GNU make runs a pattern rule with
# several targets once, for all of them.
define keep-versioned
	mkdir -p $(@D)
	py='$(filter %/$*,$(KEEP_PYTHONS))' && \
	libdir=$$($$py -c 'import sysconfig; print(sysconfig.get_config_var("LIBDIR"))') && \
	ldv=$$($$py -c 'import sysconfig; print(sysconfig.get_config_var("LDVERSION"))') && \
	$(CC) $(FIXTURE_CFLAGS) $$($$py-config --includes) -DTST_NO_NUMPY $(1) -shared -o $@ $< \
		-Wl,--no-as-needed -L"$$libdir" -lpython$$ldv -pthread \
		-Wl,--enable-new-dtags,-rpath,"$$libdir"
endef
$(B)/keep-%/tst-keep-mod3.so: $(FIX)/tst-keep.c
	$(call keep-versioned,)
$(B)/keep-%/tst-keep-mod4.so: $(FIX)/tst-keep.c
	$(call keep-versioned,-DTST_THREADS)

KEEP_FIXTURES += $(KEEP_VERSIONED)

# The cases of co-resident plugins, inittab modules, Py_AtExit and
# subinterpreters: a host that runs steps, and the plugins it runs them on.
$(B)/tst-keep-host: $(FIX)/tst-keep-host.c | $(B)
	$(CC) $(FIXTURE_CFLAGS) -o $@ $< -ldl -pthread
$(B)/tst-keep-pa.so $(B)/tst-keep-pb.so: $(B)/tst-keep-%.so: $(FIX)/tst-keep-two.c | $(B)
	$(CC) $(FIXTURE_CFLAGS) $(PY_INCLUDES) -shared -o $@ $< -Wl,--no-as-needed $(PY_LIBS)
$(B)/tst-keep-ae.so $(B)/tst-keep-emb.so: $(B)/tst-keep-%.so: $(FIX)/tst-keep-%.c | $(B)
	$(CC) $(FIXTURE_CFLAGS) $(PY_INCLUDES) -shared -o $@ $< -Wl,--no-as-needed $(PY_LIBS)
$(B)/keep-%/tst-keep-emb.so: $(FIX)/tst-keep-emb.c
	$(call keep-versioned,)
KEEP_FIXTURES += $(B)/tst-keep-host $(B)/tst-keep-pa.so $(B)/tst-keep-pb.so \
	$(B)/tst-keep-ae.so $(B)/tst-keep-emb.so \
	$(foreach p,$(KEEP_PYTHONS),$(B)/keep-$(notdir $(p))/tst-keep-emb.so)
FIXTURES += $(KEEP_FIXTURES)

# A stand-in libpython that lacks what keep needs and calls its own
# Py_IsInitialized, and a plugin of it.
$(B)/keep-fake/libpython3.11.so.1.0: $(FIX)/tst-keep-fake.c
	mkdir -p $(@D)
	$(CC) $(FIXTURE_CFLAGS) -shared -Wl,-soname,libpython3.11.so.1.0 -o $@ $<
$(B)/keep-fake/tst-keep-fplug.so: $(FIX)/tst-keep-fplug.c $(B)/keep-fake/libpython3.11.so.1.0
	$(CC) $(FIXTURE_CFLAGS) -shared -o $@ $< -Wl,--no-as-needed \
		$(B)/keep-fake/libpython3.11.so.1.0 -Wl,--enable-new-dtags,-rpath,'$$ORIGIN'
FIXTURES += $(B)/keep-fake/libpython3.11.so.1.0 $(B)/keep-fake/tst-keep-fplug.so
