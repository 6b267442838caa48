/* pypin: libpython's names and versions, and the interpreter's program name.
 *
 * Everything pypin knows about how CPython names itself is here:
 *   - a libpython's file name or soname, "libpython" TAG ".so" [".…"], gives
 *     its version tag: "3.11", "3.13t" (ABI flags), "3.7m", "2.7";
 *   - the tag "3" is the stable-ABI shim libpython3.so, which names no minor
 *     version (it has DT_NEEDED on its installation's libpython3.X);
 *   - a version string, Py_GetVersion()'s "3.11.2 (main, …)", gives "3.11";
 *   - what a plugin needs of libpython: undefined global symbols of CPython's
 *     API, "Py" or "_Py" followed by an upper-case letter or '_';
 *   - when and how an interpreter not yet started is given its program name
 *     (which decides its home, sys.prefix): pypin_home_set().
 * Nothing here reads a file.
 */
#ifndef PYPIN_PYNAME_H
#define PYPIN_PYNAME_H

#include <stddef.h>
#include <wchar.h>

#include "elf.h"

/* Room for a tag ("3.13t") and for a libpython's name or a symbol's. */
#define PYPIN_TAG_MAX 16
#define PYPIN_NAME_MAX 64

/* If name is a libpython file name ("libpython" TAG ".so" [".…"]), stores TAG
 * and returns 1; otherwise returns 0. */
int pypin_libpython_tag(const char *name, char *tag, size_t tagsz);

/* Whether tag is the stable-ABI shim's, "3": any Python 3. */
int pypin_tag_is_shim(const char *tag);

/* Whether name is the file name of a libpython of one version (not the shim):
 * then its tag is stored, as by pypin_libpython_tag(). */
int pypin_libpython_versioned(const char *name, char *tag, size_t tagsz);

/* The version a tag names, without ABI flags: "3.7m" -> "3.7".  buf has room
 * for PYPIN_TAG_MAX. */
const char *pypin_tag_version(const char *tag, char *buf);

/* Whether name is exactly "libpython3.N.so.1.0", the runtime name of a plain
 * CPython 3 build (no ABI flags); then N is stored in *minor. */
int pypin_libpython_plain_minor(const char *name, unsigned *minor);

/* Whether a process running libpython with tag `pinned` can serve an object that
 * needs tag `needed` ("3" is the stable ABI: any 3.x). */
int pypin_tag_compatible(const char *pinned, const char *needed);

/* The tag of a version string, "3.11.2 (main, …)" -> "3.11": the major and
 * minor numbers.  Returns 0, or -1 when there are none or tag is too small. */
int pypin_version_tag(const char *version, char *tag, size_t tagsz);

/* Whether a symbol name belongs to CPython's API: "Py" or "_Py" followed by an
 * upper-case letter or '_'. */
int pypin_is_python_symbol(const char *name);

/* Whether s is what an object needs of libpython: an undefined global symbol
 * of CPython's API. */
static inline int pypin_python_undefined(const struct pypin_elf_sym *s)
{
	return !s->defined && s->bind == STB_GLOBAL && pypin_is_python_symbol(s->name);
}

/* The functions of a libpython that set the interpreter's program name. */
struct pypin_home_api {
	int (*is_initialized)(void);                       /* Py_IsInitialized */
	wchar_t *(*decode)(const char *, size_t *);        /* Py_DecodeLocale */
	void (*set_program_name)(const wchar_t *);         /* Py_SetProgramName */
	wchar_t *(*get_program_name)(void);                /* Py_GetProgramName */
	void (*raw_free)(void *);                          /* PyMem_RawFree */
};

/* Fills py with lookup(h, name) (dlsym, say).  Returns 0 when every function
 * was found, else -1. */
int pypin_home_api_find(struct pypin_home_api *py, void *h,
	void *(*lookup)(void *h, const char *name));

/* Sets the program name of the interpreter py (of version tag) to w, made by
 * py->decode: not once the interpreter is initialized, nor, from 3.10 on,
 * when the host has set a name already (Py_GetProgramName() returns NULL until
 * then; before 3.10 asking would itself fix the path configuration, so it is
 * not asked), nor when memory is too short for the interpreter's own copy of
 * w (from 3.8 on, Py_SetProgramName() aborts the process when that copy
 * fails).  Returns 1 when set: w is then the interpreter's for the life of the
 * process.  Returns 0 otherwise, and w is still the caller's (py->raw_free). */
int pypin_home_set(const struct pypin_home_api *py, const char *tag, wchar_t *w);

#endif
