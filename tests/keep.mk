# Fixtures of tests/keep.sh (keep: one interpreter for the life of the
# process), included by tests/tests.mk.

# The plugin that starts Python when loaded and finalizes it when unloaded;
# the same starting and finalizing on threads of its own.
KEEP_FIXTURES := $(B)/tst-keep-mod1.so $(B)/tst-keep-mod2.so
$(B)/tst-keep-mod1.so: $(FIX)/tst-keep.c | $(B)
	$(CC) $(FIXTURE_CFLAGS) $(PY_INCLUDES) -shared -o $@ $< -Wl,--no-as-needed $(PY_LIBS) -pthread
$(B)/tst-keep-mod2.so: $(FIX)/tst-keep.c | $(B)
	$(CC) $(FIXTURE_CFLAGS) $(PY_INCLUDES) -DTST_THREADS -shared -o $@ $< \
		-Wl,--no-as-needed $(PY_LIBS) -pthread

FIXTURES += $(KEEP_FIXTURES)
