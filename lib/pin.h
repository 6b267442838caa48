/* pypin: the pinned interpreter.
 *
 * At most one libpython is pinned per process, chosen when the first library
 * that needs Python is opened:
 *   1. a libpython already mapped (promoted with RTLD_NOLOAD|RTLD_GLOBAL), or
 *      Python already in the global scope (a statically linked python, a host
 *      linked to libpython): nothing is loaded;
 *   2. the library being opened, when it is a libpython itself;
 *   3. PYPIN_LIBPYTHON, when its version fits;
 *   4. for a DT_NEEDED libpythonX.Y: the one found beside the library (its
 *      RPATH/RUNPATH, LD_LIBRARY_PATH), else the build-time default when its
 *      version fits, else the soname through the loader's own search;
 *      for undefined Py symbols only: the build-time default, else the newest
 *      libpython3.N.so.1.0 in the loader's directories that defines them all.
 * It is loaded with RTLD_NOW|RTLD_GLOBAL|RTLD_NODELETE and never unloaded.  The
 * state is published with atomics; no lock is held across the real dlopen.
 */
#ifndef PYPIN_PIN_H
#define PYPIN_PIN_H

#include <stddef.h>

#include "elf.h"
#include "verdict.h"

enum pypin_pin_result {
	PYPIN_PIN_OK,          /* Python is global: go on with the real dlopen */
	PYPIN_PIN_REFUSE,      /* another Python runs here; msg says which */
	PYPIN_PIN_FALLBACK,    /* nothing could be pinned: plain dlopen */
};

/* Makes sure a libpython that fits v is global before the object at path (read
 * as e) is loaded.  msg receives a one-line account: what was done, or why not. */
enum pypin_pin_result pypin_pin(const struct pypin_verdict *v, const struct pypin_elf *e,
	const char *path, char *msg, size_t msgsz);

/* Which libpython pypin_pin() would choose for v in this process, without
 * loading anything (for `pypin explain`).  Returns 0 with its path (a file, or a
 * soname for the loader's search, or where Python already lives), its version
 * tag and the rule that chose it; -1 when none would be found. */
int pypin_pin_plan(const struct pypin_verdict *v, const struct pypin_elf *e,
	const char *path, char *lib, size_t libsz, char *tag, size_t tagsz,
	const char **why);

/* Whether a libpython is pinned and global (then only DT_NEEDED matters). */
int pypin_pinned(void);

#endif
