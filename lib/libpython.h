/* pypin: finding a libpython to pin, from files alone (nothing is loaded here).
 *
 * choose.c decides in which order these are asked; each answers one question
 * about the files of Python installations, found where the loader would find
 * them (ldpath.h). */
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

/* The first undefined Py symbol of plugin (in its symbol table) that nothing in
 * the process's global scope defines, as the loader would resolve it once
 * Python is global: 1 with it in sym, 0 when all are defined, -1 when the
 * plugin cannot be read.  A failed lookup may leave a dlerror() message
 * behind, whatever the result: the caller clears it. */
int pypin_libpython_unresolved(const struct pypin_elf *plugin, char *sym, size_t symsz);

/* The first undefined Py symbol of plugin that the libpython at path does not
 * define (the first by name): 1 with it in sym, 0 when it defines them all,
 * -1 when either cannot be read. */
int pypin_libpython_missing(const char *path, const struct pypin_elf *plugin, char *sym,
	size_t symsz);

/* Calls fn with each libpython3.N.so.1.0 in the loader's search directories
 * (those of the object containing addr), newest first, until it returns
 * non-zero. */
void pypin_libpython_each_newest(const void *addr, int (*fn)(const char *path, void *ctx),
	void *ctx);

/* The python executable that belongs to the installation of the libpython at
 * libpath, e.g. /usr/bin/python3.11 for /usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0.
 * Returns 0 and the path, or -1 when there is none. */
int pypin_libpython_program(const char *libpath, const char *tag, char *out, size_t outsz);

/* When program (an absolute path) lives in a virtual environment (a
 * pyvenv.cfg beside it or one directory up), the python of its base
 * installation (the cfg's executable, else home/pythonX.Y, else home/python3).
 * Returns 0 and its path, or -1. */
int pypin_venv_base(const char *program, char *base, size_t basesz);

/* The libpython the python executable program runs with: a venv's base
 * installation's; the libpython its DT_NEEDED names, found through its
 * RUNPATH/RPATH or in its installation's lib directories; for a program that
 * names none (linked statically, like Debian's python3.11), its
 * installation's libpythonX.Y.so.1.0 by the program's name.  Files only.
 * Returns 0 and the path, or -1 with why. */
int pypin_libpython_of_program(const char *program, char *out, size_t outsz, const char **why);

/* The libpython3.X a stable-ABI shim libpython3.so needs, in its own
 * installation (its RUNPATH, else its own directory).  Returns 0, or -1. */
int pypin_libpython_shim_target(const char *shim, char *out, size_t outsz);

/* The pinned installation's own shim: libpython3.so beside the libpython
 * lib, when it needs that very file.  Returns 0 with it in out, or -1. */
int pypin_libpython_own_shim(const char *lib, char *out, size_t outsz);

/* Whether the shim libpython3.so the loader would load for plugin (a file
 * of another installation) would map another libpython than lib, a second
 * one: 1 with the shim in shim and what it maps in target (each of size
 * bytes), else 0. */
int pypin_libpython_second(const struct pypin_elf *plugin, const char *plugin_path,
	const char *lib, char *shim, char *target, size_t size);

/* The program a search of PATH (its absolute directories) for name finds,
 * as far as files tell: the first ELF executable, where a pyenv shim stands
 * for the program of the version pyenv selects (PYENV_VERSION, else a
 * .python-version from the current directory up, else the pyenv root's
 * version file; "system" goes on along PATH), read from those files, never
 * run; other scripts are passed over.  Returns 0 with the program in out;
 * 1 with a pyenv shim that cannot be resolved in out, and *why; or -1.  In
 * secure-execution mode (no PATH), -1. */
int pypin_libpython_on_path(const char *name, char *out, size_t outsz, const char **why);

#endif
