/* pypin: the pinned interpreter.  See pin.h. */
#include "pin.h"
#include "config.h"
#include "libpython.h"
#include "log.h"
#include "pypin.h"

#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#ifndef PYPIN_DEFAULT_LIBPYTHON
#define PYPIN_DEFAULT_LIBPYTHON ""
#endif

enum how {
	LOAD,        /* dlopen the file (or soname) with RTLD_GLOBAL */
	PROMOTE,     /* already mapped: RTLD_NOLOAD|RTLD_GLOBAL */
	PRESENT,     /* Python is already in the global scope: nothing to do */
};

enum state { CHOSEN, PUBLISHING, READY, FAILED };

/* Written once by the thread that chooses, before it is published.  Any thread
 * may then load it; the first to finish writes `real` and `real_why` (state
 * PUBLISHING) and then sets READY, or FAILED. */
struct pin {
	enum how how;
	char path[PATH_MAX];          /* file, soname, or the object Python lives in */
	char tag[PYPIN_TAG_MAX];
	const char *why;
	char fallback[PATH_MAX];      /* a file to load when path cannot be, or "" */
	const char *fallback_why;
	char real[PATH_MAX];          /* where it was found to be mapped */
	const char *real_why;         /* why, or fallback_why */
	atomic_int state;
};

static _Atomic(struct pin *) pinned;

/* A pin that failed to load is withdrawn so that a later library can choose
 * again; its record is not freed (other threads may still read it), so only
 * so many are withdrawn. */
#define MAX_WITHDRAWN 8
static atomic_int withdrawn;

/* Setting the interpreter's program name: 0 not yet, 1 under way, 2 done;
 * home_program is what was set ("" if nothing), written before state 2. */
static atomic_int home_state;
static char home_program[PATH_MAX];

int pypin_pinned(void)
{
	struct pin *p = atomic_load_explicit(&pinned, memory_order_acquire);
	return p && atomic_load_explicit(&p->state, memory_order_acquire) == READY;
}

static int set_pin(struct pin *p, enum how how, const char *path, const char *tag,
	const char *why)
{
	if (strlen(path) >= sizeof p->path || strlen(tag) >= sizeof p->tag)
		return -1;
	p->how = how;
	strcpy(p->path, path);
	strcpy(p->tag, tag);
	p->why = why;
	return 0;
}

/* --- 1. Python already in the process ------------------------------------ */

struct mapped {
	struct pin *p;
	const char *want;   /* a tag to prefer, or NULL */
	int found;
};

static int mapped_cb(struct dl_phdr_info *info, size_t size, void *ctx)
{
	struct mapped *m = ctx;
	const char *name = info->dlpi_name, *base;
	char tag[PYPIN_TAG_MAX];

	(void)size;
	if (!name || !*name)
		return 0;
	base = strrchr(name, '/');
	base = base ? base + 1 : name;
	if (!pypin_libpython_tag(base, tag, sizeof tag) || strcmp(tag, "3") == 0)
		return 0;
	if (!m->found || (m->want && pypin_tag_compatible(tag, m->want))) {
		m->found = set_pin(m->p, PROMOTE, name, tag, "already mapped") == 0;
		return m->want && m->found && pypin_tag_compatible(tag, m->want);
	}
	return 0;
}

/* "3.11.2 (main, …)" -> "3.11" */
static int version_tag(const char *version, char *tag, size_t tagsz)
{
	size_t n = strspn(version, "0123456789");
	if (n == 0 || version[n] != '.')
		return -1;
	n += 1 + strspn(version + n + 1, "0123456789");
	if (n >= tagsz)
		return -1;
	memcpy(tag, version, n);
	tag[n] = '\0';
	return 0;
}

static int in_process(struct pin *p, const struct pypin_verdict *v)
{
	struct mapped m = { p, v->need == PYPIN_NEED_ANY ? NULL : v->tag, 0 };
	char tag[PYPIN_TAG_MAX];
	Dl_info info;

	dl_iterate_phdr(mapped_cb, &m);
	if (m.found)
		return 0;

	/* Python linked into the executable or another global object. */
	void *sym = dlsym(RTLD_DEFAULT, "Py_IsInitialized");
	const char *(*get_version)(void) =
		(const char *(*)(void))dlsym(RTLD_DEFAULT, "Py_GetVersion");
	if (!sym || !get_version || version_tag(get_version(), tag, sizeof tag) != 0)
		return -1;
	const char *where = dladdr(sym, &info) && info.dli_fname && *info.dli_fname ?
		info.dli_fname : "the executable";
	return set_pin(p, PRESENT, where, tag, "already in the process");
}

/* --- 2-4. Choosing a file ------------------------------------------------ */

static int fits(const struct pypin_verdict *v, const char *tag)
{
	return v->need == PYPIN_NEED_ANY || pypin_tag_compatible(tag, v->tag);
}

/* Whether the file at path is a libpython that fits v (and, if soname is not
 * NULL, has that soname); sets tag. */
static int usable(const struct pypin_verdict *v, const struct pypin_elf *e,
	const char *path, const char *why, const char *soname, char *tag)
{
	char name[PYPIN_NAME_MAX];

	if (!path || !*path)
		return 0;
	if (pypin_libpython_identify(path, tag, PYPIN_TAG_MAX, name, sizeof name) != 0) {
		pypin_debug("%s (%s) is not a readable libpython; passed over", path, why);
		return 0;
	}
	if (soname && strcmp(name, soname) != 0) {
		pypin_debug("%s (%s) is %s, not %s; passed over", path, why, name, soname);
		return 0;
	}
	if (!fits(v, tag)) {
		pypin_debug("%s (%s) is Python %s, not %s; passed over", path, why, tag, v->tag);
		return 0;
	}
	if (v->need == PYPIN_NEED_ANY && !pypin_libpython_serves(path, e))
		pypin_debug("%s (%s) lacks some of the Py symbols needed; using it anyway",
			    path, why);
	return 1;
}

/* A configured or default libpython, if it is one and fits. */
static int try_file(struct pin *p, const struct pypin_verdict *v,
	const struct pypin_elf *e, const char *path, const char *why)
{
	char tag[PYPIN_TAG_MAX];

	return usable(v, e, path, why, NULL, tag) ? set_pin(p, LOAD, path, tag, why) : -1;
}

static int choose(struct pin *p, const struct pypin_verdict *v,
	const struct pypin_elf *e, const char *path)
{
	char tag[PYPIN_TAG_MAX], *found;
	int by_version = v->need == PYPIN_NEED_VERSION && strchr(v->tag, '.'), rc = -1;

	if (in_process(p, v) == 0)
		return 0;
	if (v->need == PYPIN_NEED_SELF)
		return set_pin(p, LOAD, path, v->tag, "the library opened");
	if (try_file(p, v, e, pypin_config.libpython, pypin_config.libpython_from_file ?
		     "libpython in " PYPIN_CONFIG_FILE : "PYPIN_LIBPYTHON") == 0)
		return 0;
	if (!(found = malloc(PATH_MAX)))
		return -1;
	if (by_version) {
		/* The file the loader would load for the DT_NEEDED entry: beside
		 * the library, else what its own search finds by name (not for a
		 * library linked -z nodefaultlib: the loader then searches no
		 * further), else (a library the loader cannot find) the default,
		 * if it has that very soname. */
		if (pypin_libpython_beside(e, path, v->name, found, PATH_MAX) == 0) {
			rc = set_pin(p, LOAD, found, v->tag, "beside the library");
		} else if (e->flags_1 & DF_1_NODEFLIB) {
			pypin_debug("%s: %s is not beside it, and it searches no further",
				    path, v->name);
		} else if ((rc = set_pin(p, LOAD, v->name, v->tag, "the loader's search")) == 0 &&
			   usable(v, e, PYPIN_DEFAULT_LIBPYTHON, "the build-time default",
				  v->name, tag) &&
			   strlen(PYPIN_DEFAULT_LIBPYTHON) < sizeof p->fallback) {
			strcpy(p->fallback, PYPIN_DEFAULT_LIBPYTHON);
			p->fallback_why = "the build-time default";
		}
	} else if (try_file(p, v, e, PYPIN_DEFAULT_LIBPYTHON, "the build-time default") == 0) {
		rc = 0;
	} else if (pypin_libpython_newest((const void *)choose,
					  v->need == PYPIN_NEED_ANY ? e : NULL,
					  found, PATH_MAX, tag, sizeof tag) == 0 && fits(v, tag)) {
		rc = set_pin(p, LOAD, found, tag, "the newest found");
	}
	free(found);
	return rc;
}

int pypin_pin_plan(const struct pypin_verdict *v, const struct pypin_elf *e,
	const char *path, struct pypin_plan *plan)
{
	struct pin *p = calloc(1, sizeof *p);
	int rc = -1;

	memset(plan, 0, sizeof *plan);
	if (p && choose(p, v, e, path) == 0) {
		strcpy(plan->lib, p->path);
		strcpy(plan->tag, p->tag);
		strcpy(plan->fallback, p->fallback);
		plan->why = p->why;
		plan->fallback_why = p->fallback_why;
		rc = 0;
	}
	free(p);
	return rc;
}

/* --- Making it global --------------------------------------------------- */

/* Whether Python tag is 3.10 or later. */
static int since_3_10(const char *tag)
{
	return tag[0] == '3' && tag[1] == '.' && strtoul(tag + 2, NULL, 10) >= 10;
}

/* Whether the program name can be set: from 3.10 on, while nobody (the host)
 * has set it (Py_GetProgramName() returns NULL until then).  Before 3.10,
 * Py_GetProgramName() would itself fix the path configuration, so it is not
 * asked: pypin sets the name, as it did. */
static int program_name_free(const struct pin *p, wchar_t *(*get_name)(void))
{
	return !since_3_10(p->tag) || !get_name();
}

/* Points the interpreter at its own installation (or PYPIN_PYTHON's), unless
 * it is already initialized or its program name was already set.  Once per
 * process; other threads wait for it.  Every dl* call, and the decoding of
 * the name (which may load a gconv module through the loader), comes before
 * the once: a thread may wait here while another holds the loader lock (a
 * constructor), so the step it waits for must not need it. */
static void set_home(void *h, const struct pin *p, const char *real)
{
	int (*is_init)(void) = (int (*)(void))dlsym(h, "Py_IsInitialized");
	wchar_t *(*decode)(const char *, size_t *) =
		(wchar_t *(*)(const char *, size_t *))dlsym(h, "Py_DecodeLocale");
	void (*set_name)(const wchar_t *) =
		(void (*)(const wchar_t *))dlsym(h, "Py_SetProgramName");
	wchar_t *(*get_name)(void) = (wchar_t *(*)(void))dlsym(h, "Py_GetProgramName");
	void (*raw_free)(void *) = (void (*)(void *))dlsym(h, "PyMem_RawFree");
	const char *name = pypin_config.python;
	char *program = NULL;
	wchar_t *w = NULL;
	int expected = 0;

	if (!is_init || !decode || !set_name || !get_name || !raw_free || is_init())
		return;
	if (!name && (program = malloc(PATH_MAX)) &&
	    pypin_libpython_program(real, p->tag, program, PATH_MAX) == 0)
		name = program;
	if (name)
		w = decode(name, NULL);
	if (atomic_compare_exchange_strong(&home_state, &expected, 1)) {
		if (w && !is_init() && program_name_free(p, get_name)) {
			set_name(w);
			snprintf(home_program, sizeof home_program, "%s", name);
			w = NULL;                     /* kept for the life of the process */
		}
		atomic_store(&home_state, 2);
	} else {
		while (atomic_load(&home_state) != 2)
			sched_yield();
	}
	if (w)
		raw_free(w);
	free(program);
}

/* Moves p from CHOSEN to its final state, once; later callers wait for it. */
static void publish(struct pin *p, enum state final, const char *real, const char *why)
{
	int expected = CHOSEN;

	if (atomic_compare_exchange_strong(&p->state, &expected, PUBLISHING)) {
		snprintf(p->real, sizeof p->real, "%s", real);
		p->real_why = why;
		atomic_store_explicit(&p->state, final, memory_order_release);
		return;
	}
	while (atomic_load_explicit(&p->state, memory_order_acquire) == PUBLISHING)
		sched_yield();
}

/* Opens what p names (or its fallback) with mode; returns the handle. */
static void *open_pin(const struct pin *p, int mode, const char **why)
{
	const char *name = p->path;

	*why = p->why;
	for (;;) {
		void *h = pypin_real_dlopen()(name, mode);
		if (h)
			return h;
		const char *err = pypin_real_dlerror()();
		pypin_debug("cannot %s %s (%s): %s", p->how == PROMOTE ? "promote" : "load",
			    name, *why, err ? err : "unknown error");
		if (name == p->fallback || !p->fallback[0])
			return NULL;
		name = p->fallback;
		*why = p->fallback_why;
	}
}

static void activate(struct pin *p)
{
	int mode = RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE;
	struct link_map *map = NULL;
	const char *real = p->path, *why = p->why;

	if (p->how == PRESENT) {
		publish(p, READY, real, why);
		return;
	}
	if (p->how == PROMOTE)
		mode |= RTLD_NOLOAD;
	pypin_enter();
	void *h = open_pin(p, mode, &why);
	if (!h) {
		publish(p, FAILED, real, why);
		if (atomic_fetch_add(&withdrawn, 1) < MAX_WITHDRAWN) {
			struct pin *expected = p;
			atomic_compare_exchange_strong(&pinned, &expected, NULL);
		}
	} else {
		if (dlinfo(h, RTLD_DI_LINKMAP, &map) == 0 && map && map->l_name && *map->l_name)
			real = map->l_name;
		set_home(h, p, real);
		publish(p, READY, real, why);
	}
	pypin_leave();
}

static const char *how_word(enum how how)
{
	return how == LOAD ? "loaded" : how == PROMOTE ? "promoted" : "present";
}

enum pypin_pin_result pypin_pin(const struct pypin_verdict *v, const struct pypin_elf *e,
	const char *path, char *msg, size_t msgsz)
{
	struct pin *p = atomic_load_explicit(&pinned, memory_order_acquire);
	int chose = 0;

	if (!p) {
		struct pin *mine = calloc(1, sizeof *mine);
		if (!mine) {
			snprintf(msg, msgsz, "out of memory; passed through");
			return PYPIN_PIN_FALLBACK;
		}
		if (choose(mine, v, e, path) != 0) {
			free(mine);
			snprintf(msg, msgsz, "no libpython found to pin; passed through");
			return PYPIN_PIN_FALLBACK;
		}
		struct pin *none = NULL;
		if (atomic_compare_exchange_strong(&pinned, &none, mine)) {
			p = mine;
			chose = 1;
		} else {
			free(mine);
			p = none;          /* another thread chose first */
		}
	}

	if (atomic_load_explicit(&p->state, memory_order_acquire) == FAILED) {
		snprintf(msg, msgsz, "pinning %s failed earlier; passed through", p->path);
		return PYPIN_PIN_FALLBACK;
	}
	if ((v->need == PYPIN_NEED_SELF && strcmp(p->tag, v->tag) != 0) ||
	    (v->need != PYPIN_NEED_SELF && !fits(v, p->tag))) {
		/* p->real is written until the state is READY. */
		int ready = atomic_load_explicit(&p->state, memory_order_acquire) == READY;
		snprintf(msg, msgsz,
			 "pypin: %s %s %s, but this process already runs Python %s (%s); "
			 "one interpreter per process",
			 path, v->need == PYPIN_NEED_SELF ? "is" : "needs", v->name, p->tag,
			 ready ? p->real : p->path);
		return PYPIN_PIN_REFUSE;
	}

	int state = atomic_load_explicit(&p->state, memory_order_acquire);
	if (state == CHOSEN || state == PUBLISHING) {
		activate(p);
		state = atomic_load_explicit(&p->state, memory_order_acquire);
	} else if (!chose) {
		snprintf(msg, msgsz, "Python %s already pinned (%s)", p->tag, p->real);
		return state == READY ? PYPIN_PIN_OK : PYPIN_PIN_FALLBACK;
	}
	if (state != READY) {
		snprintf(msg, msgsz, "could not pin %s; passed through", p->path);
		return PYPIN_PIN_FALLBACK;
	}
	const char *home = atomic_load(&home_state) == 2 ? home_program : "";
	snprintf(msg, msgsz, "pinned %s (%s, %s%s%s)", p->real, how_word(p->how), p->real_why,
		 home[0] ? "; home " : "", home);
	return PYPIN_PIN_OK;
}
