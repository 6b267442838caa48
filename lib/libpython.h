/* pypin: finding a libpython to pin, from files alone (nothing is loaded here).
 *
 * pin.c decides in which order these are asked; each answers one question about
 * the file system as the loader would see it. */
#ifndef PYPIN_LIBPYTHON_H
#define PYPIN_LIBPYTHON_H

#include <stddef.h>

#include "elf.h"
#include "verdict.h"

/* Reads the object at path: if it is a libpython (by its soname), stores the
 * version tag (and, if soname is not NULL, the soname) and returns 0;
 * otherwise returns -1. */
int pypin_libpython_identify(const char *path, char *tag, size_t tagsz, char *soname,
	size_t sonamesz);

/* Whether the libpython at path defines every undefined Py symbol of plugin. */
int pypin_libpython_serves(const char *path, const struct pypin_elf *plugin);

/* Looks for `name` (a DT_NEEDED entry of plugin, opened as plugin_path) where
 * the loader looks first when it loads the dependencies of plugin:
 *   - when plugin has no DT_RUNPATH: its DT_RPATH, then the executable's
 *     DT_RPATH if the executable has no DT_RUNPATH;
 *   - LD_LIBRARY_PATH as it was when the process started;
 *   - plugin's DT_RUNPATH;
 * with $ORIGIN, $LIB and $PLATFORM expanded and an empty element taken as the
 * current directory.  Returns 0 and the path in out, or -1: then the loader's
 * own search by name (ld.so.cache, the system directories) applies. */
int pypin_libpython_beside(const struct pypin_elf *plugin, const char *plugin_path,
	const char *name, char *out, size_t outsz);

/* The newest libpython3.N.so.1.0 in the loader's search directories (those of
 * the object containing addr) that serves plugin.  Returns 0 with its path and
 * tag, or -1. */
int pypin_libpython_newest(const void *addr, const struct pypin_elf *plugin,
	char *out, size_t outsz, char *tag, size_t tagsz);

/* The python executable that belongs to the installation of the libpython at
 * libpath, e.g. /usr/bin/python3.11 for /usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0.
 * Returns 0 and the path, or -1 when there is none. */
int pypin_libpython_program(const char *libpath, const char *tag, char *out, size_t outsz);

#endif
