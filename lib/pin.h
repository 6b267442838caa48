/* pypin: the pinned interpreter.
 *
 * At most one libpython is pinned per process, chosen when the first library
 * that needs Python is opened, by the rules of choose.h (pypin_rules[]), and
 * only when it fits that library.
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

/* Whether a libpython is pinned and global. */
int pypin_pinned(void);

#endif
