/* pypin: does a shared object need libpython, and which?
 *
 * The verdict is taken from the ELF file alone:
 *   - it is a libpython itself (its soname is libpythonX.Y.so...): SELF;
 *   - it lists libpythonX.Y.so.1.0 in DT_NEEDED: VERSION, with tag "X.Y";
 *   - it lists the stable-ABI shim libpython3.so: VERSION, with tag "3";
 *   - it has undefined global symbols named Py* or _Py* (PyO3's
 *     extension-module builds, C built without -lpython): ANY;
 *   - otherwise NONE, and the library passes through untouched.
 */
#ifndef PYPIN_VERDICT_H
#define PYPIN_VERDICT_H

#include "elf.h"

enum pypin_need {
	PYPIN_NEED_NONE,
	PYPIN_NEED_SELF,       /* the object is a libpython */
	PYPIN_NEED_VERSION,    /* DT_NEEDED names a libpython */
	PYPIN_NEED_ANY,        /* only undefined Py symbols */
};

enum pypin_scan {
	PYPIN_SCAN_FULL,       /* DT_NEEDED and symbols */
	PYPIN_SCAN_NEEDED,     /* DT_NEEDED and soname only (pypin itself always reads the symbols too) */
};

#define PYPIN_TAG_MAX 16
#define PYPIN_NAME_MAX 64

struct pypin_verdict {
	enum pypin_need need;
	char name[PYPIN_NAME_MAX];   /* the libpython named (DT_NEEDED or soname), or "" */
	char tag[PYPIN_TAG_MAX];     /* its version tag: "3.11", "3.13t", "3" */
	unsigned nsyms;              /* undefined Py symbols found (full scans) */
	char sym[PYPIN_NAME_MAX];    /* the first of them, for messages */
};

/* Fills v from the ELF object e.  Returns PYPIN_ELF_OK, or the status of a
 * malformed symbol table (the caller then treats the object as unknown). */
enum pypin_elf_status pypin_verdict(const struct pypin_elf *e, enum pypin_scan how,
	struct pypin_verdict *v);

/* If name is a libpython file name ("libpython" TAG ".so" [".…"]), stores TAG
 * and returns 1; otherwise returns 0. */
int pypin_libpython_tag(const char *name, char *tag, size_t tagsz);

/* Whether a symbol name belongs to CPython's API: "Py" or "_Py" followed by an
 * upper-case letter or '_'. */
int pypin_is_python_symbol(const char *name);

/* Whether a process running libpython with tag `pinned` can serve an object that
 * needs tag `needed` ("3" is the stable ABI: any 3.x). */
int pypin_tag_compatible(const char *pinned, const char *needed);

/* A short description of the verdict, e.g. "needs libpython3.11.so.1.0". */
const char *pypin_verdict_describe(const struct pypin_verdict *v, char *buf, size_t n);

#endif
