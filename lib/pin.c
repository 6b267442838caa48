/* pypin: the pinned interpreter.  See pin.h. */
#include "pin.h"
#include "choose.h"
#include "config.h"
#include "keep.h"
#include "ldpath.h"
#include "libpython.h"
#include "log.h"
#include "loaded.h"
#include "real.h"
#include "refusal.h"
#include "thread.h"

#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

enum state { CHOSEN, READY, FAILED };

/* Written once by the thread that chooses, before it is published.  Any thread
 * may then load it; the first to finish writes `real` and `real_why` (under
 * `publishing`) and then sets READY, or FAILED. */
struct pin {
	enum pypin_how how;
	char path[PATH_MAX];          /* file, soname, or the object Python lives in */
	char tag[PYPIN_TAG_MAX];
	const char *why;
	char fallback[PATH_MAX];      /* a file to load when path cannot be, or "" */
	const char *fallback_why;
	int global;                   /* Python was global before pypin acted */
	char real[PATH_MAX];          /* where it was found to be mapped */
	const char *real_why;         /* why, or fallback_why */
	atomic_int state;
	pypin_once_t publishing;
};

static _Atomic(struct pin *) pinned;

/* A pin that failed to load is withdrawn so that a later library can choose
 * again; its record is not freed (other threads may still read it), so only
 * so many are withdrawn. */
#define MAX_WITHDRAWN 8
static atomic_int withdrawn;

/* Setting the interpreter's program name, once; home_program is what was set
 * ("" if nothing), written before home_once is done. */
static pypin_once_t home_once;
static char home_program[PATH_MAX];

int pypin_pinned(void)
{
	struct pin *p = atomic_load_explicit(&pinned, memory_order_acquire);
	return p && atomic_load_explicit(&p->state, memory_order_acquire) == READY;
}

/* Chooses what to pin for v (pypin_rules[], in choose.c) into p; ch has the
 * account of it.  Returns 0, or -1 when nothing fits. */
static int choose(struct pin *p, const struct pypin_verdict *v, const struct pypin_elf *e,
	const char *path, struct pypin_choice *ch)
{
	struct pypin_probe pr;

	pypin_probe_settings(&pr);
	if (pypin_choose(v, e, path, &pr, ch) != 0)
		return -1;
	p->how = ch->c.how;
	strcpy(p->path, ch->c.path);
	strcpy(p->tag, ch->tag);
	p->why = ch->rule->name;
	strcpy(p->fallback, ch->fallback);
	p->fallback_why = ch->fallback_why;
	p->global = ch->c.global;
	return 0;
}

/* --- Making it global --------------------------------------------------- */

/* The program name that gives the interpreter its home (pypin_choose_home):
 * none when Python was global before pypin did anything, as the plain
 * loader would have it. */
static int choose_home(const struct pin *p, const char *real, char *out, size_t outsz)
{
	struct pypin_probe pr;
	const char *why;

	if (p->global)
		return 0;
	pypin_probe_settings(&pr);
	return pypin_choose_home(&pr, real, p->tag, out, outsz, &why);
}

/* In secure-execution mode: the interpreter about to be started in a setuid
 * program ignores the PYTHON* variables (PYTHONPATH, PYTHONHOME, …) and the
 * user's site directory, and is isolated (`python -I`): a plugin that calls
 * PySys_SetArgv() (collectd's does, with L"") then leaves sys.path alone
 * instead of putting the current directory first.  Py_Initialize() and
 * Py_InitializeEx() read these flags (checked: 3.8 to 3.13; 2.7 has no
 * Py_IsolatedFlag, and its PySys_SetArgv() always adds the directory); an
 * interpreter started from a PyConfig of the plugin's own follows that
 * PyConfig instead.  h is the libpython's handle, or RTLD_DEFAULT.  Set
 * atomically: every thread that loads the libpython sets the same value. */
static void ignore_environment(void *h)
{
	static const char *const flags[] = {
		"Py_IgnoreEnvironmentFlag", "Py_NoUserSiteDirectory", "Py_IsolatedFlag",
	};

	for (unsigned i = 0; i < sizeof flags / sizeof *flags; i++) {
		int *flag = (int *)dlsym(h, flags[i]);
		if (flag)
			__atomic_store_n(flag, 1, __ATOMIC_RELAXED);
		else
			pypin_debug("this libpython has no %s; the interpreter may read the "
				    "environment or the current directory", flags[i]);
	}
}

/* Points the interpreter at its own installation (or PYPIN_PYTHON's), unless
 * it is already initialized or its program name was already set.  Once per
 * process; other threads wait for it.  Every dl* call, and the decoding of
 * the name (which may load a gconv module through the loader), comes before
 * the once: a thread may wait here while another holds the loader lock (a
 * constructor), so the step it waits for must not need it.  In a child forked
 * while another thread was setting the name, that thread is gone and the
 * libpython's state unknown: the child leaves the name alone. */
static void set_home(void *h, const struct pin *p, const char *real)
{
	struct pypin_home_api py;
	const char *name = NULL;
	char *program = NULL;
	wchar_t *w = NULL;
	int all = pypin_home_api_find(&py, h, dlsym) == 0;

	if (!py.is_initialized || py.is_initialized())
		return;
	if (pypin_config.secure)
		ignore_environment(h);
	if (!all)
		return;
	if ((program = malloc(PATH_MAX)) && choose_home(p, real, program, PATH_MAX))
		name = program;
	if (name)
		w = py.decode(name, NULL);
	switch (pypin_once_begin(&home_once)) {
	case PYPIN_ONCE_YOURS:
		if (w && pypin_home_set(&py, p->tag, w)) {
			snprintf(home_program, sizeof home_program, "%s", name);
			w = NULL;                     /* kept for the life of the process */
		}
		pypin_once_end(&home_once);
		break;
	case PYPIN_ONCE_ORPHANED:
		home_program[0] = '\0';
		pypin_once_end(&home_once);
		break;
	case PYPIN_ONCE_FINISHED:
	case PYPIN_ONCE_REENTERED:
		break;
	}
	if (w)
		py.raw_free(w);
	free(program);
}

/* Moves p from CHOSEN to its final state, once; later callers wait for it
 * (and in a child forked meanwhile, do it themselves). */
static void publish(struct pin *p, enum state final, const char *real, const char *why)
{
	switch (pypin_once_begin(&p->publishing)) {
	case PYPIN_ONCE_YOURS:
	case PYPIN_ONCE_ORPHANED:
		snprintf(p->real, sizeof p->real, "%s", real);
		p->real_why = why;
		atomic_store_explicit(&p->state, final, memory_order_release);
		pypin_once_end(&p->publishing);
		break;
	case PYPIN_ONCE_FINISHED:
	case PYPIN_ONCE_REENTERED:
		break;
	}
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
		pypin_debug("cannot %s %s (%s): %s", p->how == PYPIN_HOW_PROMOTE ? "promote" : "load",
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

	if (p->how == PYPIN_HOW_PRESENT) {
		/* Global before pypin (in the executable, say), not yet started:
		 * it gets the same flags, found where the loader finds them. */
		if (pypin_config.secure) {
			int (*is_init)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "Py_IsInitialized");
			if (is_init && !is_init())
				ignore_environment(RTLD_DEFAULT);
		}
		publish(p, READY, real, why);
		return;
	}
	if (p->how == PYPIN_HOW_PROMOTE)
		mode |= RTLD_NOLOAD;
	pypin_enter();
	void *keep = pypin_keep_before(p->path, p->tag, p->how == PYPIN_HOW_PROMOTE, p->global);
	void *h = open_pin(p, mode, &why);
	pypin_keep_after(keep, h);
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

static const char *how_word(enum pypin_how how)
{
	return how == PYPIN_HOW_LOAD ? "loaded" : how == PYPIN_HOW_PROMOTE ? "promoted" : "present";
}

/* Whether a pinned Python of tag can serve v, by its version. */
static int fits(const struct pypin_verdict *v, const char *tag)
{
	return v->need == PYPIN_NEED_ANY || pypin_tag_compatible(tag, v->tag);
}

/* Whether v names no libpython X.Y: only the shim, or undefined Py symbols. */
static int names_no_version(const struct pypin_verdict *v)
{
	return v->need != PYPIN_NEED_SELF && v->need != PYPIN_NEED_NONE &&
	       !pypin_names_version(v);
}

/* For a library that names no X.Y, loaded once Python is pinned: whether a
 * Py symbol it needs is defined nowhere in the global scope, where the loader
 * will look for it (asked of the memory the loader mapped, and of the loader,
 * not of a file: the check runs for every extension module the interpreter
 * imports).  Writes the refusal: the
 * plain loader would fail at dlopen (RTLD_NOW) or kill the host at the call
 * (RTLD_LAZY), naming the symbol only.  When the library cannot be read, the
 * loader has its say. */
static int lacks(const struct pin *p, const struct pypin_elf *e, const char *path,
	char *msg, size_t msgsz)
{
	char sym[PYPIN_NAME_MAX], ver[PYPIN_TAG_MAX];
	int rc = pypin_libpython_unresolved(e, sym, sizeof sym);

	pypin_real_dlerror()();               /* a failed lookup's: not the host's */
	if (rc != 1)
		return 0;
	pypin_refusal_text(&(struct pypin_refusal){ .reason = PYPIN_REFUSAL_LACKS, .lib = path,
		.need = sym, .python = pypin_tag_version(p->tag, ver), .where = p->real },
		msg, msgsz);
	return 1;
}

/* A library that names the shim libpython3.so gets the pinned installation's
 * own shim, loaded before it: the loader then finds libpython3.so loaded (by
 * its soname) and maps no second libpython.  When the pinned installation has
 * no shim and the library's own would map another libpython, the library is
 * refused (returns 1 with msg). */
static int shim(const struct pin *p, const struct pypin_elf *e, const char *path,
	char *msg, size_t msgsz)
{
	char *b = malloc(2 * PATH_MAX), ver[PYPIN_TAG_MAX];
	int refuse = 0;

	if (!b || pypin_is_loaded("libpython3.so")) {
		free(b);
		return 0;
	}
	if (pypin_libpython_own_shim(p->real, b, PATH_MAX) == 0) {
		pypin_enter();
		void *h = pypin_real_dlopen()(b, RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE);
		if (!h)
			pypin_real_dlerror()();   /* not the host's to see */
		pypin_leave();
		pypin_debug("%s: %s %s, the shim of the pinned installation", path,
			    h ? "loaded" : "could not load", b);
	} else if (pypin_libpython_second(e, path, p->real, b, b + PATH_MAX, PATH_MAX)) {
		pypin_refusal_text(&(struct pypin_refusal){ .reason = PYPIN_REFUSAL_SECOND,
			.lib = path, .file = b, .other = b + PATH_MAX,
			.python = pypin_tag_version(p->tag, ver), .where = p->real }, msg, msgsz);
		refuse = 1;
	}
	free(b);
	return refuse;
}

/* For the debug line (a string to free, or NULL): a library that names the soname of the pinned
 * libpython but was built against another file of that name (two
 * installations of one version), which the pinned one now serves. */
static char *same_soname(const struct pin *p, const struct pypin_verdict *v,
	const struct pypin_elf *e, const char *path)
{
	char *file, *note = NULL;

	if (!pypin_config_debug() || v->need != PYPIN_NEED_VERSION || !strchr(v->tag, '.') ||
	    p->real[0] != '/' || !(file = malloc(PATH_MAX)))
		return NULL;
	if (pypin_ldpath_beside(e, path, v->name, file, PATH_MAX) == 0 &&
	    !pypin_same_file(file, p->real) &&
	    asprintf(&note, "; the loader would load %s for it, another installation with the "
		     "same soname: %s serves it (PYPIN_LIBPYTHON chooses)", file, p->real) < 0)
		note = NULL;
	free(file);
	return note;
}

/* Whether memory has run out: then "nothing fits" may only mean that the
 * candidates could not be examined, and the call passes through instead of
 * being refused. */
static int out_of_memory(void)
{
	void *p = malloc(PATH_MAX);

	free(p);
	return !p;
}

enum pypin_pin_result pypin_pin(const struct pypin_verdict *v, const struct pypin_elf *e,
	const char *path, char *msg, size_t msgsz)
{
	struct pin *p = atomic_load_explicit(&pinned, memory_order_acquire);
	char ver[PYPIN_TAG_MAX];
	int chose = 0;

	if (!p) {
		struct pin *mine = calloc(1, sizeof *mine);
		struct pypin_choice *ch = malloc(sizeof *ch);
		enum pypin_pin_result r = PYPIN_PIN_FALLBACK;

		if (!mine || !ch) {
			snprintf(msg, msgsz, "out of memory; passed through");
		} else if (choose(mine, v, e, path, ch) != 0) {
			/* For a library that names no version, nothing that fits is
			 * pinned: refused, with what was tried.  One that names its
			 * libpython goes on as without pypin. */
			if (names_no_version(v) && !out_of_memory()) {
				struct pypin_refusal why;
				pypin_refusal_nothing_fits(&why, ch, v, path);
				pypin_refusal_text(&why, msg, msgsz);
				r = PYPIN_PIN_REFUSE;
			} else {
				snprintf(msg, msgsz, "no libpython found to pin; passed through");
			}
		} else if (ch->unfit[0]) {
			pypin_refusal_text(&(struct pypin_refusal){ .reason = PYPIN_REFUSAL_UNFIT,
				.lib = path, .file = ch->c.path, .other = ch->unfit }, msg, msgsz);
			r = PYPIN_PIN_REFUSE;
		} else {
			r = PYPIN_PIN_OK;
		}
		free(ch);
		if (r != PYPIN_PIN_OK) {
			free(mine);
			return r;
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
		pypin_refusal_text(&(struct pypin_refusal){
			.reason = v->need == PYPIN_NEED_SELF ? PYPIN_REFUSAL_SELF : PYPIN_REFUSAL_VERSION,
			.lib = path, .need = v->name, .python = pypin_tag_version(p->tag, ver),
			.where = ready ? p->real : p->path }, msg, msgsz);
		return PYPIN_PIN_REFUSE;
	}

	int state = atomic_load_explicit(&p->state, memory_order_acquire);
	if (state == CHOSEN) {
		activate(p);
		state = atomic_load_explicit(&p->state, memory_order_acquire);
	} else if (!chose) {
		if (state == READY && names_no_version(v) && lacks(p, e, path, msg, msgsz))
			return PYPIN_PIN_REFUSE;
		if (state == READY && v->need == PYPIN_NEED_VERSION && !strchr(v->tag, '.') &&
		    shim(p, e, path, msg, msgsz))
			return PYPIN_PIN_REFUSE;
		char *note = same_soname(p, v, e, path);
		snprintf(msg, msgsz, "Python %s already pinned (%s)%s",
			 pypin_tag_version(p->tag, ver), p->real, note ? note : "");
		free(note);
		return state == READY ? PYPIN_PIN_OK : PYPIN_PIN_FALLBACK;
	}
	if (state != READY) {
		snprintf(msg, msgsz, "could not pin %s; passed through", p->path);
		return PYPIN_PIN_FALLBACK;
	}
	if (v->need == PYPIN_NEED_VERSION && !strchr(v->tag, '.') && shim(p, e, path, msg, msgsz))
		return PYPIN_PIN_REFUSE;
	const char *home = pypin_once_done(&home_once) ? home_program : "";
	char *note = same_soname(p, v, e, path);
	snprintf(msg, msgsz, "pinned %s (%s, %s%s%s)%s", p->real, how_word(p->how), p->real_why,
		 home[0] ? "; home " : "", home, note ? note : "");
	free(note);
	return PYPIN_PIN_OK;
}
