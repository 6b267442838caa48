/* pypin: the pinned interpreter.
 *
 * At most one libpython is pinned per process, chosen when the first library
 * that needs Python is opened:
 *   1. a libpython already mapped (promoted with RTLD_NOLOAD|RTLD_GLOBAL), or
 *      Python already in the global scope (a statically linked python, a host
 *      linked to libpython): nothing is loaded;
 *   2. the library being opened, when it is a libpython itself;
 *   3. PYPIN_LIBPYTHON (or libpython in the configuration file), when its
 *      version fits;
 *   4. for a DT_NEEDED libpythonX.Y: the file the loader would load for it —
 *      found beside the library (its RPATH, the executable's, LD_LIBRARY_PATH,
 *      its RUNPATH), else (unless it is linked -z nodefaultlib) the soname
 *      through the loader's own search, and when that finds nothing the
 *      build-time default if it has that soname;
 *      for undefined Py symbols only (or the stable-ABI shim): the build-time
 *      default, else the newest libpython3.N.so.1.0 in the loader's
 *      directories that defines them all.
 * It is loaded with RTLD_NOW|RTLD_GLOBAL|RTLD_NODELETE and never unloaded.  The
 * state is published with atomics; no lock is held across the real dlopen.
 */
#ifndef PYPIN_PIN_H
#define PYPIN_PIN_H

#include <limits.h>
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

/* What pypin_pin() would choose, for `pypin explain`. */
struct pypin_plan {
	char lib[PATH_MAX];           /* a file, a soname for the loader's search, or
				         where Python already lives */
	char tag[PYPIN_TAG_MAX];      /* its version */
	const char *why;              /* the rule that chose it */
	char fallback[PATH_MAX];      /* loaded when lib cannot be, or "" */
	const char *fallback_why;
};

/* Which libpython pypin_pin() would choose for v in this process, without
 * loading anything.  Returns 0 with the plan, or -1 when none would be found. */
int pypin_pin_plan(const struct pypin_verdict *v, const struct pypin_elf *e,
	const char *path, struct pypin_plan *plan);

/* Whether a libpython is pinned and global (then only DT_NEEDED matters). */
int pypin_pinned(void);

#endif
