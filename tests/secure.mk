# Fixtures of tests/secure.sh (secure-execution mode, and faults that must not
# hang or mislead a host); included by tests/tests.mk.

SEC := $(B)/secure
FIXTURES += $(SEC)/sleepy/libpython3.97.so.1.0 $(SEC)/tst-fork-mod1.so $(SEC)/fork-host \
	$(SEC)/sig-shim.so $(SEC)/sig-host $(SEC)/tst-outer-mod1.so $(SEC)/dlerr-host \
	$(SEC)/failmalloc.so $(SEC)/tst-embed-rootonly-mod1.so \
	$(SEC)/tst-embed-argv-mod1.so $(SEC)/tst-embed-pyconfig-mod1.so

$(SEC) $(SEC)/sleepy:
	mkdir -p $@

# A stand-in libpython whose Py_SetProgramName waits, and a plugin linked to it.
$(SEC)/sleepy/libpython3.97.so.1.0: $(FIX)/sleepy-libpython.c | $(SEC)/sleepy
	$(CC) $(FIXTURE_CFLAGS) -shared -o $@ $< -Wl,-soname,libpython3.97.so.1.0
$(SEC)/tst-fork-mod1.so: $(FIX)/tst-fork.c $(SEC)/sleepy/libpython3.97.so.1.0 | $(SEC)
	$(CC) $(FIXTURE_CFLAGS) -shared -o $@ $< -Wl,--no-as-needed \
		$(SEC)/sleepy/libpython3.97.so.1.0 -Wl,--enable-new-dtags,-rpath,'$$ORIGIN/sleepy'
$(SEC)/fork-host: $(FIX)/fork-host.c | $(SEC)
	$(CC) $(FIXTURE_CFLAGS) -o $@ $< -pthread

# dlopen from a signal handler.
$(SEC)/sig-shim.so: $(FIX)/sig-shim.c | $(SEC)
	$(CC) $(FIXTURE_CFLAGS) -shared -o $@ $<
$(SEC)/sig-host: $(FIX)/sig-host.c | $(SEC)
	$(CC) $(FIXTURE_CFLAGS) -o $@ $<

# dlerror() after a failure nobody asked about; a failing allocator.  The outer
# plugin needs Python 3.11, so that pypin pins it before its constructor runs.
$(SEC)/tst-outer-mod1.so: $(FIX)/tst-outer.c | $(SEC)
	$(CC) $(FIXTURE_CFLAGS) -shared -o $@ $< -Wl,--no-as-needed $(PY_LIBS)
$(SEC)/dlerr-host: $(FIX)/dlerr-host.c | $(SEC)
	$(CC) $(FIXTURE_CFLAGS) -o $@ $<
$(SEC)/failmalloc.so: $(FIX)/failmalloc.c | $(SEC)
	$(CC) $(FIXTURE_CFLAGS) -shared -o $@ $<

# A plugin whose DT_RPATH names a directory only root may read (made by the
# test, in its private /mnt).
$(SEC)/tst-embed-rootonly-mod1.so: $(FIX)/tst-embed.c | $(SEC)
	$(CC) $(FIXTURE_CFLAGS) $(PY_INCLUDES) -shared -o $@ $< -Wl,--no-as-needed $(PY_LIBS) \
		-pthread -Wl,--disable-new-dtags,-rpath,/mnt/pypin-rootonly

# Plugins that call PySys_SetArgv(1, {L""}) once Python runs (as collectd's
# does: '' then leads sys.path), and that start Python from
# PyConfig_InitPythonConfig(), which reads the environment whatever the flags.
# Deprecated calls, as in the plugins they stand for.
$(SEC)/tst-embed-argv-mod1.so: $(FIX)/tst-embed.c | $(SEC)
	$(CC) $(FIXTURE_CFLAGS) -Wno-deprecated-declarations $(PY_INCLUDES) -DSET_ARGV -shared -o $@ $< \
		-Wl,--no-as-needed $(PY_LIBS) -pthread
$(SEC)/tst-embed-pyconfig-mod1.so: $(FIX)/tst-embed.c | $(SEC)
	$(CC) $(FIXTURE_CFLAGS) $(PY_INCLUDES) -DPYCONFIG -shared -o $@ $< \
		-Wl,--no-as-needed $(PY_LIBS) -pthread

# A host with libpython linked in statically (exported, as python3.11 itself):
# Python is present and global before pypin acts, and not yet started.  Only
# where the static library is installed; the test skips otherwise.
PY_STATIC := $(wildcard $(PY_LIBDIR)/libpython$(PY_LDVERSION).a)
ifneq ($(PY_STATIC),)
FIXTURES += $(SEC)/host-pystatic
$(SEC)/host-pystatic: $(FIX)/host.c | $(SEC)
	$(CC) $(FIXTURE_CFLAGS) -no-pie -rdynamic -o $@ $< -pthread \
		-Wl,--whole-archive $(PY_STATIC) -Wl,--no-whole-archive -lm -lz -lexpat -ldl -lutil
endif

# A plugin that bundles its libpython beside it: DT_RUNPATH $ORIGIN/py (the
# test puts a pyenv 3.11 there, in its private /mnt).
FIXTURES += $(SEC)/tst-embed-origin-mod1.so
$(SEC)/tst-embed-origin-mod1.so: $(FIX)/tst-embed.c | $(SEC)
	$(CC) $(FIXTURE_CFLAGS) $(PY_INCLUDES) -shared -o $@ $< -Wl,--no-as-needed $(PY_LIBS) \
		-pthread -Wl,--enable-new-dtags,-rpath,'$$ORIGIN/py'
