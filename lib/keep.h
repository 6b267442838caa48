/* pypin: keep (PYPIN_KEEP): one interpreter for the life of the process.
 *
 * With keep on, when pypin itself loads or promotes the libpython, it first
 * loads its companion, libpypin-keep.so (preload/keep.c), from the directory
 * libpypin.so was loaded from, RTLD_NOW|RTLD_GLOBAL: the companion's
 * Py_Finalize*, Py_Initialize* and Py_IsInitialized then come before
 * libpython's in the global scope, and a plugin's finalization keeps the
 * interpreter instead of ending it.  Not when Python was in the process before
 * pypin acted (already global, or already started), nor for Python 2.
 */
#ifndef PYPIN_KEEP_H
#define PYPIN_KEEP_H

#include <stddef.h>

#define PYPIN_KEEP_NAME "libpypin-keep.so"

/* Called just before pypin loads (promote = 0) or promotes (promote = 1) the
 * libpython at path, of version tag; global says that Python was in the global
 * scope before pypin acted.  Returns the companion's handle, or NULL when keep
 * is off or does not apply.  With keep off it costs a load. */
void *pypin_keep_before(const char *path, const char *tag, int promote, int global);

/* Called after: python is the libpython's handle, or NULL when it could not be
 * loaded (the companion is then unloaded again; nothing is kept). */
void pypin_keep_after(void *keep, void *python);

/* The companion's path, beside the object that contains `self` (libpypin.so or
 * pypin-inspect's lib); returns 0, or -1 when it cannot be named. */
int pypin_keep_path(const void *self, const char *lib, char *out, size_t outsz);

#endif
