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
#include "pyname.h"

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

/* A short description of the verdict, e.g. "needs libpython3.11.so.1.0". */
const char *pypin_verdict_describe(const struct pypin_verdict *v, char *buf, size_t n);

#endif
