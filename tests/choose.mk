# The choice of a libpython for plugins that name no version (tests/choose.sh,
# tests/check_choose.c), included by tests/tests.mk.
UNIT_SRC += tests/check_choose.c
