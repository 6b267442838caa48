/* pypin: refusals, as a type.
 *
 * Every text pypin puts in dlerror()'s place comes from one table here: an
 * enum of reasons, each with a template whose slots are the details (the
 * library, what it needs, the Python this process runs, ...).
 * pypin_refusal_text() is the one function that writes such a text; the
 * library (call.c, pin.c), `pypin explain` and `pypin check` all go through
 * it, and a new refusal is a new row: its reason, its template, and the code
 * that fills its details.
 *
 * pypin_refusal_parse() maps a text back to its reason and details, against
 * the same templates.  `pypin check` needs it: its trial runs in a child
 * process, under libpypin.so, and reports what dlerror() returned, the very
 * text a host sees, so that is all the parent gets.  A token beside the text
 * would have to travel in the text (which must stay what it is) or through an
 * interface of libpypin.so beyond dlopen and dlerror (which it does not
 * have); reading the text back against the table it was written from keeps
 * one source for both directions, and the unit tests check that every
 * reason's text reads back as itself.
 */
#ifndef PYPIN_REFUSAL_H
#define PYPIN_REFUSAL_H

#include <limits.h>
#include <stddef.h>

#include "choose.h"
#include "verdict.h"

enum pypin_refusal_reason {
	PYPIN_REFUSAL_NONE,            /* parse: not a text of pypin's */
	PYPIN_REFUSAL_UNKNOWN,         /* parse: pypin's, but no reason here reads it */
	PYPIN_REFUSAL_NO_REAL_DLOPEN,  /* the real dlopen was not found: every call fails */
	PYPIN_REFUSAL_ANOTHER_PYTHON,  /* another Python runs here; no details were kept
					  (the thread had no block to keep them in) */
	PYPIN_REFUSAL_UNDEFINED,       /* the library needs a Py symbol that no
					  libpython found defines (tried: ...) */
	PYPIN_REFUSAL_MAJOR,           /* the library is built for another major version
					  (Python 2) and no libpython found serves it */
	PYPIN_REFUSAL_UNFIT,           /* the Python already in the process cannot serve it */
	PYPIN_REFUSAL_VERSION,         /* it needs libpythonX.Y; another Python is pinned */
	PYPIN_REFUSAL_SELF,            /* it is libpythonX.Y; another Python is pinned */
	PYPIN_REFUSAL_LACKS,           /* it needs a Py symbol the pinned Python lacks */
	PYPIN_REFUSAL_SECOND,          /* its own libpython3.so would map a second libpython */
	PYPIN_REFUSAL_NREASONS
};

/* A refusal: its reason and the details its text names.  Which details a
 * reason uses is said in refusal.c's table. */
struct pypin_refusal {
	enum pypin_refusal_reason reason;
	const char *lib;               /* the library refused */
	const char *need;              /* what it needs: a symbol, or a libpython's name */
	const char *python;            /* the Python (X.Y, or the major version) */
	const char *where;             /* where the pinned Python lives */
	const char *file;              /* UNFIT: Python in the process; SECOND: the shim */
	const char *other;             /* UNFIT: why it cannot serve; SECOND: the libpython
					  the shim would map */
	/* UNDEFINED, MAJOR: the candidates tried (ntried of them, and nlost not
	 * recorded); NULL leaves out the list, with its "; tried: ". */
	const struct pypin_tried *tried;
	unsigned ntried, nlost;
	char major[2];                 /* room for python, as pypin_refusal_nothing_fits()
					  fills it */
};

/* Writes the dlerror() text of r into buf (truncated to bufsz, as snprintf
 * does) and returns buf.  With no buf (NULL or bufsz 0) it returns the
 * constant text of a reason whose text has no details (NO_REAL_DLOPEN,
 * ANOTHER_PYTHON), and "" for the others.  A reason without a text (NONE,
 * UNKNOWN) gives ANOTHER_PYTHON's. */
const char *pypin_refusal_text(const struct pypin_refusal *r, char *buf, size_t bufsz);

/* Fills r for a library at path (verdict v) that nothing fits (ch, from
 * pypin_choose()): UNDEFINED, or MAJOR for a plugin of another major version;
 * it names the first symbol missing and the candidates tried.  r points into
 * ch, v and path. */
void pypin_refusal_nothing_fits(struct pypin_refusal *r, const struct pypin_choice *ch,
	const struct pypin_verdict *v, const char *path);

/* What pypin_refusal_parse() reads back: copies of the details a hint
 * uses (cut to their room). */
struct pypin_refusal_read {
	char lib[PATH_MAX];
	char need[PYPIN_NAME_MAX];
	char python[PYPIN_TAG_MAX];
};

/* The reason of a dlerror() text (len bytes at text, not NUL-terminated
 * necessarily), read against the templates; fills out (when not NULL) with its
 * details, "" for those it does not name.  NONE when the text is not pypin's,
 * UNKNOWN when it is pypin's but no template reads it (cut short, say). */
enum pypin_refusal_reason pypin_refusal_parse(const char *text, size_t len,
	struct pypin_refusal_read *out);

/* The reason's name, as in the enum without its prefix ("LACKS"): for
 * diagnostics and tests. */
const char *pypin_refusal_name(enum pypin_refusal_reason reason);

#endif
