/* libpypin-keep.so: the companion of libpypin.so for `keep` (PYPIN_KEEP).  It
 * overrides
 *
 *   Py_FinalizeEx, Py_Finalize       join the non-daemon threads, run the
 *                                    atexit callbacks, flush sys.stdout and
 *                                    sys.stderr, run the Py_AtExit callbacks,
 *                                    let go of the GIL and the thread state;
 *                                    keep the interpreter
 *   Py_Initialize, Py_InitializeEx,  after such a finalization: take the GIL
 *   Py_InitializeFromConfig          on the calling thread, as a real start
 *                                    leaves it
 *   Py_IsInitialized                 0 between the two
 *   Py_AtExit                        callbacks kept here, run at the end of
 *                                    every finalization, kept or real
 *   PyImport_AppendInittab,          between the two: the module is made
 *   PyImport_ExtendInittab           anew, from the new function, by the
 *                                    next start
 *
 * and nothing else; it also exports pypin_keep_arm(), which libpypin.so calls
 * once the libpython is loaded.  libpypin.so loads it (lib/keep.c)
 * RTLD_GLOBAL just before the libpython it pins, so that these definitions
 * come first in the global scope; the real ones are looked up in that
 * libpython, through a handle to it (see pypin_keep_arm()).  It is not linked
 * to libpython and needs none of its headers: the functions it calls have had
 * the same signatures since Python 3.6 (Py_InitializeFromConfig and PyStatus
 * since 3.8).  Until it is armed, or when the libpython lacks one of them,
 * every call passes through.
 *
 * A call from inside libpython itself (Py_Exit's finalization, Py_Main's
 * start) goes to the real function: the interpreter's own exit path stays
 * what it was.  Plugins loaded with RTLD_DEEPBIND bind to libpython directly
 * and are not seen here.
 */
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "keep.h"
#include "log.h"

#define EXPORT __attribute__((visibility("default")))

typedef struct object object;             /* PyObject */
typedef struct thread_state thread_state; /* PyThreadState */
typedef struct module_def module_def;     /* PyModuleDef */

/* struct _inittab */
struct inittab {
	const char *name;
	object *(*initfunc)(void);
};

/* PyStatus, returned by value (3.8 to 3.13 at least). */
struct py_status {
	int type;                         /* 0: ok */
	const char *func;
	const char *err_msg;
	int exitcode;
};

EXPORT int Py_FinalizeEx(void);
EXPORT void Py_Finalize(void);
EXPORT void Py_Initialize(void);
EXPORT void Py_InitializeEx(int initsigs);
EXPORT struct py_status Py_InitializeFromConfig(const void *config);
EXPORT int Py_IsInitialized(void);
EXPORT int Py_AtExit(void (*func)(void));
EXPORT int PyImport_AppendInittab(const char *name, object *(*initfunc)(void));
EXPORT int PyImport_ExtendInittab(struct inittab *newtab);
EXPORT int pypin_keep_arm(void);

/* --- The real functions ------------------------------------------------- */

#define ID(id, name) id = PYPIN_KEEP_##id,
enum { PYPIN_KEEP_FNS(ID) NFN = PYPIN_KEEP_NFN };
#undef ID
#define NAME(id, name) name,
static const char *const names[NFN] = { PYPIN_KEEP_FNS(NAME) };
#undef NAME

/* Resolved once, by pypin_keep_arm(), right after the libpython is loaded. */
static void *_Atomic fns[NFN];
static atomic_int resolved;              /* 0 not yet, 1 keeping works, -1 not */
/* Where libpython's segments are mapped: checked without a lock (dladdr
 * would take the loader's, which a thread that finalizes in a destructor may
 * be waiting for). */
static uintptr_t python_lo, python_hi;

#define FN(i, type) ((type)atomic_load_explicit(&fns[i], memory_order_relaxed))

static int find_python(struct dl_phdr_info *info, size_t size, void *name)
{
	(void)size;
	if (!info->dlpi_name || strcmp(info->dlpi_name, name) != 0)
		return 0;
	python_lo = UINTPTR_MAX;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type != PT_LOAD)
			continue;
		if (lo < python_lo)
			python_lo = lo;
		if (lo + ph->p_memsz > python_hi)
			python_hi = lo + ph->p_memsz;
	}
	return 1;
}

/* The libpython in the global scope is where a function that is not
 * overridden here resolves; its own definitions are found through a handle
 * to it (dlsym(RTLD_NEXT) from an object that libpypin.so loaded does not
 * search the global scope).  lib/keep.c has read the file and found them
 * all; this looks again in what is mapped.  Whatever is found is kept, so
 * that the calls passed through reach the real functions even when keeping
 * does not work. */
EXPORT int pypin_keep_arm(void)
{
	void *python = NULL;
	Dl_info info;
	int r = -1;

	if (atomic_load(&resolved))
		return atomic_load(&resolved);
	pypin_config_load();
	pypin_config_load_file();
	if (dladdr(dlsym(RTLD_DEFAULT, "PyGILState_Ensure"), &info) && info.dli_fname &&
	    (python = dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD))) {
		dl_iterate_phdr(find_python, (void *)info.dli_fname);
		r = 1;
		for (int i = 0; i < NFN; i++) {
			void *f = names[i] ? dlsym(python, names[i]) : NULL;
			atomic_store_explicit(&fns[i], f, memory_order_relaxed);
			if (!f && i < KEEP_NEEDED) {
				pypin_debug("keep: %s has no %s", info.dli_fname, names[i]);
				r = -1;
			}
		}
		if (!fns[CURRENT_OLD] && !fns[CURRENT_NEW])
			r = -1;
		dlclose(python);            /* it is never unloaded */
		dlerror();                  /* a failed lookup's, not the host's */
	}
	atomic_store(&resolved, r);
	return r;
}

/* Whether keeping applies to this call: armed, and not from libpython itself
 * (its own exit path). */
static int active(const void *caller)
{
	return atomic_load_explicit(&resolved, memory_order_acquire) > 0 &&
		!((uintptr_t)caller >= python_lo && (uintptr_t)caller < python_hi);
}

/* The calling thread's thread state, NULL when it has none or does not hold
 * the GIL.  (PyGILState_Check() says 1 on every thread once a subinterpreter
 * exists.) */
static thread_state *current(void)
{
	thread_state *(*fn)(void) = FN(CURRENT_NEW, thread_state *(*)(void));

	if (!fn)
		fn = FN(CURRENT_OLD, thread_state *(*)(void));
	return fn();
}

/* --- Keeping and resuming ----------------------------------------------- */

/* 1 from a kept finalization to the next start.  Changed under the GIL. */
static atomic_int kept;
/* The thread state the last real start made: never deleted. */
static thread_state *_Atomic main_state;

static void note_start(int was_initialized)
{
	if (!was_initialized && FN(IS_INITIALIZED, int (*)(void))())
		atomic_store(&main_state, FN(GIL_THIS, thread_state *(*)(void))());
}

/* A real finalization ran: nothing is kept, and its thread states are gone. */
static void note_end(void)
{
	atomic_store(&main_state, NULL);
	atomic_store(&kept, 0);
}

/* obj.name(); returns 0, or -1 with the error left set. */
static int call(object *obj, const char *name)
{
	object *r = FN(CALL_METHOD, object *(*)(object *, const char *, const char *, ...))
		(obj, name, NULL);

	if (!r)
		return -1;
	FN(DECREF, void (*)(object *))(r);
	return 0;
}

/* Joins the threads a real finalization waits for: threading's non-daemon
 * threads other than the calling one and the main thread (threading's
 * _shutdown() itself cannot be called: it marks the main thread ended and,
 * from 3.9, concurrent.futures' executors shut down for good).  Only when
 * threading has been imported, as CPython does. */
static const char join_threads[] =
	"import sys\n"
	"t = sys.modules.get('threading')\n"
	"if t is not None:\n"
	"    me, main = t.current_thread(), t.main_thread()\n"
	"    for th in t.enumerate():\n"
	"        if th is not me and th is not main and not th.daemon:\n"
	"            th.join()\n";

static void run_threads(void)
{
	object *d = FN(DICT_NEW, object *(*)(void))();
	object *b = FN(IMPORT, object *(*)(const char *))("builtins");
	object *r = d && b ? FN(CALL_METHOD, object *(*)(object *, const char *,
		const char *, ...))(b, "exec", "(sO)", join_threads, d) : NULL;

	if (!r)
		FN(ERR_PRINT, void (*)(void))();
	else
		FN(DECREF, void (*)(object *))(r);
	if (b)
		FN(DECREF, void (*)(object *))(b);
	if (d)
		FN(DECREF, void (*)(object *))(d);
}

/* What a finalization runs before it tears down, in CPython's order: the
 * wait for non-daemon threads, the atexit callbacks (which atexit then
 * forgets, so that they never run twice), then the flush of sys.stdout and
 * sys.stderr.  Returns -1 when a flush failed, as Py_FinalizeEx does. */
static int run_exit(void)
{
	object *none = FN(NONE, object *);
	object *m;
	int rc = 0;

	run_threads();
	m = FN(IMPORT, object *(*)(const char *))("atexit");
	if (!m || call(m, "_run_exitfuncs") != 0)
		FN(ERR_CLEAR, void (*)(void))();     /* already reported by atexit */
	if (m)
		FN(DECREF, void (*)(object *))(m);
	for (int i = 0; i < 2; i++) {
		object *f = FN(SYS_GET, object *(*)(const char *))(i ? "stderr" : "stdout");
		if (!f || f == none || call(f, "flush") == 0)
			continue;
		if (i == 0)
			FN(ERR_UNRAISABLE, void (*)(object *))(f);
		else
			FN(ERR_CLEAR, void (*)(void))();
		rc = -1;
	}
	return rc;
}

/* --- Py_AtExit ------------------------------------------------------------ */

/* The callbacks registered while keep applies, run (last first) and forgotten
 * at the end of each finalization, kept or real, as CPython runs its own: a
 * kept interpreter's table would otherwise never be emptied, and call
 * plugins unloaded since. */
#define MAX_AT_EXIT 32                    /* CPython's own limit */
static pthread_mutex_t at_exit_lock = PTHREAD_MUTEX_INITIALIZER;
static void (*at_exit[MAX_AT_EXIT])(void);
static int n_at_exit;
/* Whether run_at_exit is in the real interpreter's table: a real
 * finalization runs it, and empties the table. */
static int at_exit_real;

static void run_at_exit(void)
{
	void (*fns_now[MAX_AT_EXIT])(void);
	int n;

	pthread_mutex_lock(&at_exit_lock);
	n = n_at_exit;
	memcpy(fns_now, at_exit, sizeof fns_now);
	n_at_exit = 0;
	pthread_mutex_unlock(&at_exit_lock);
	while (n > 0)
		fns_now[--n]();
}

/* Called by a real finalization, last (no Python any more). */
static void run_at_exit_real(void)
{
	pthread_mutex_lock(&at_exit_lock);
	at_exit_real = 0;
	pthread_mutex_unlock(&at_exit_lock);
	run_at_exit();
}

EXPORT int Py_AtExit(void (*func)(void))
{
	int (*real)(void (*)(void)) = FN(AT_EXIT, int (*)(void (*)(void)));
	int rc = -1;

	if (!active(__builtin_return_address(0)))
		return real ? real(func) : -1;
	pthread_mutex_lock(&at_exit_lock);
	if (!at_exit_real && real(run_at_exit_real) == 0)
		at_exit_real = 1;
	if (n_at_exit < MAX_AT_EXIT) {
		at_exit[n_at_exit++] = func;
		rc = 0;
	}
	pthread_mutex_unlock(&at_exit_lock);
	return rc;
}

/* --- The inittab ------------------------------------------------------------ */

/* Modules added to the inittab between a kept finalization and the next
 * start.  CPython reads its inittab at a real start (3.12 and later refuse
 * additions after it; before, the first entry of a name wins, the old
 * plugin's); the module its last start made stays in sys.modules, and in the
 * import machinery's cache, pointing into a plugin since unloaded.  So the
 * next start makes each module anew, from the new function, and puts it in
 * sys.modules in place of the old one. */
#define MAX_INITTAB 64
#define MAX_MODNAME 128
static struct {
	char name[MAX_MODNAME];
	object *(*initfunc)(void);
} inittab[MAX_INITTAB];
static int n_inittab;                    /* changed only while kept */

static int add_inittab(const char *name, object *(*initfunc)(void))
{
	int i;

	if (!name || strlen(name) >= MAX_MODNAME)
		return -1;
	for (i = 0; i < n_inittab; i++)
		if (strcmp(inittab[i].name, name) == 0)
			break;
	if (i == MAX_INITTAB)
		return -1;
	if (i == n_inittab)
		n_inittab++;
	strcpy(inittab[i].name, name);
	inittab[i].initfunc = initfunc;
	return 0;
}

/* Makes the module name anew from initfunc, as an import of a built-in module
 * does, and puts it in sys.modules.  Returns 0, or -1 with the error set. */
static int make_module(const char *name, object *(*initfunc)(void))
{
	object *modules = FN(SYS_GET, object *(*)(const char *))("modules");
	object *(*call_method)(object *, const char *, const char *, ...) =
		FN(CALL_METHOD, object *(*)(object *, const char *, const char *, ...));
	void (*decref)(object *) = FN(DECREF, void (*)(object *));
	object *machinery = NULL, *importer = NULL, *spec = NULL, *mod = NULL, *key = NULL;
	object *origin = NULL;
	int rc = -1;

	if (!modules || !(machinery = FN(IMPORT, object *(*)(const char *))("importlib.machinery")) ||
	    !(importer = FN(GET_ATTR, object *(*)(object *, const char *))(machinery, "BuiltinImporter")) ||
	    !(spec = call_method(machinery, "ModuleSpec", "(sO)", name, importer)) ||
	    !(origin = FN(UNICODE, object *(*)(const char *))("built-in")) ||
	    FN(SET_ATTR, int (*)(object *, const char *, object *))(spec, "origin", origin) != 0 ||
	    !(key = FN(UNICODE, object *(*)(const char *))(name)) ||
	    !(mod = initfunc()))
		goto out;
	/* Multi-phase initialization returns its definition, a PyModuleDef
	 * (whose ob_type, after PyModuleDef_Init, is PyModuleDef_Type). */
	if (*(void **)((char *)mod + sizeof(intptr_t)) == FN(MODULE_DEF_TYPE, void *)) {
		module_def *def = (module_def *)mod;
		mod = FN(MODULE_FROM_DEF, object *(*)(module_def *, object *, int))(def, spec, 1013);
		if (!mod || FN(MODULE_EXEC_DEF, int (*)(object *, module_def *))(mod, def) != 0)
			goto out;
	} else {
		module_def *def = FN(MODULE_GET_DEF, module_def *(*)(object *))(mod);
		FN(ERR_CLEAR, void (*)(void))();        /* a module without a def */
		/* The import machinery's cache keeps the old definition: replacing
		 * it would release it, in a plugin since unloaded. */
		if (def && FN(STATE_ADD_MODULE, int (*)(object *, module_def *))(mod, def) != 0)
			goto out;
	}
	FN(SET_ATTR, int (*)(object *, const char *, object *))(mod, "__spec__", spec);
	FN(SET_ATTR, int (*)(object *, const char *, object *))(mod, "__loader__", importer);
	FN(ERR_CLEAR, void (*)(void))();
	rc = FN(SET_ITEM, int (*)(object *, object *, object *))(modules, key, mod);
out:
	if (origin)
		decref(origin);
	if (mod)
		decref(mod);
	if (key)
		decref(key);
	if (spec)
		decref(spec);
	if (importer)
		decref(importer);
	if (machinery)
		decref(machinery);
	return rc;
}

/* At a start that resumes: the modules added to the inittab since. */
static void make_modules(void)
{
	for (int i = 0; i < n_inittab; i++) {
		if (make_module(inittab[i].name, inittab[i].initfunc) == 0) {
			pypin_debug("keep: module %s made anew from the inittab", inittab[i].name);
		} else {
			pypin_debug("keep: module %s could not be made anew", inittab[i].name);
			FN(ERR_PRINT, void (*)(void))();
		}
	}
	n_inittab = 0;
}

EXPORT int PyImport_AppendInittab(const char *name, object *(*initfunc)(void))
{
	int (*real)(const char *, object *(*)(void)) =
		FN(APPEND_INITTAB, int (*)(const char *, object *(*)(void)));

	if (active(__builtin_return_address(0)) && atomic_load(&kept))
		return add_inittab(name, initfunc);
	if (!real)
		real = (int (*)(const char *, object *(*)(void)))dlsym(RTLD_NEXT, names[APPEND_INITTAB]);
	return real ? real(name, initfunc) : -1;
}

EXPORT int PyImport_ExtendInittab(struct inittab *newtab)
{
	int (*real)(struct inittab *) = FN(EXTEND_INITTAB, int (*)(struct inittab *));

	if (active(__builtin_return_address(0)) && atomic_load(&kept)) {
		for (struct inittab *t = newtab; t->name; t++)
			if (add_inittab(t->name, t->initfunc) != 0)
				return -1;
		return 0;
	}
	if (!real)
		real = (int (*)(struct inittab *))dlsym(RTLD_NEXT, names[EXTEND_INITTAB]);
	return real ? real(newtab) : -1;
}

/* --- Finalizing and starting --------------------------------------------- */

/* The finalization kept: returns what Py_FinalizeEx returns.  Each one does
 * the whole exit work, also when another finalized since the last start (a
 * co-resident plugin): callbacks may have been registered since. */
static int keep_finalize(const char *fn)
{
	thread_state *ts = current();
	int gil = 0, rc = 0;

	if (!FN(IS_INITIALIZED, int (*)(void))())
		return FN(FINALIZE_EX, int (*)(void))();
	if (!ts)
		gil = FN(GIL_ENSURE, int (*)(void))();
	rc = run_exit();
	int again = atomic_exchange(&kept, 1);
	pypin_debug("keep: %s kept the interpreter%s (atexit callbacks run, output %s)",
		    fn, again ? " again" : "", rc ? "flush failed" : "flushed");
	if (!ts) {
		/* Back to what the thread had: no thread state, or its own
		 * without the GIL. */
		FN(GIL_RELEASE, void (*)(int))(gil);
	} else {
		thread_state *first = atomic_load(&main_state);
		if (!first || ts == first) {
			FN(SAVE_THREAD, thread_state *(*)(void))();
		} else {
			/* A thread state of this thread's own, which a real
			 * finalization would destroy too. */
			FN(TS_CLEAR, void (*)(thread_state *))(ts);
			FN(TS_DELETE_CURRENT, void (*)(void))();
		}
	}
	run_at_exit();              /* last, and without the GIL, as CPython */
	return rc;
}

/* After a kept finalization: the calling thread takes the GIL, with its own
 * thread state if it has one, else a new one, as PyGILState_Ensure() gives;
 * then the modules added to the inittab since are made. */
static void resume(const char *fn)
{
	if (!current()) {
		thread_state *ts = FN(GIL_THIS, thread_state *(*)(void))();
		if (ts)
			FN(RESTORE_THREAD, void (*)(thread_state *))(ts);
		else
			FN(GIL_ENSURE, int (*)(void))();
	}
	if (atomic_exchange(&kept, 0))
		pypin_debug("keep: %s resumed the kept interpreter", fn);
	make_modules();
}

/* --- The overrides ------------------------------------------------------ */

/* Until pypin_keep_arm() has found the libpython's functions (and for good
 * when it did not), and for calls from libpython itself, each call is passed
 * on: to the function found, else to the next definition. */
static void *pass(int i)
{
	void *f = atomic_load_explicit(&fns[i], memory_order_relaxed);

	return f ? f : dlsym(RTLD_NEXT, names[i]);
}

EXPORT int Py_FinalizeEx(void)
{
	if (!active(__builtin_return_address(0))) {
		int (*real)(void) = (int (*)(void))pass(FINALIZE_EX);
		int rc = real ? real() : 0;
		if (atomic_load(&resolved) > 0)
			note_end();
		return rc;
	}
	return keep_finalize("Py_FinalizeEx");
}

EXPORT void Py_Finalize(void)
{
	if (!active(__builtin_return_address(0))) {
		void (*real)(void) = (void (*)(void))pass(FINALIZE);
		if (real)
			real();
		if (atomic_load(&resolved) > 0)
			note_end();
	} else {
		keep_finalize("Py_Finalize");
	}
}

EXPORT void Py_Initialize(void)
{
	void (*real)(void) = (void (*)(void))pass(INITIALIZE);

	if (!active(__builtin_return_address(0))) {
		if (real)
			real();
	} else if (atomic_load(&kept)) {
		resume("Py_Initialize");
	} else {
		int was = FN(IS_INITIALIZED, int (*)(void))();
		real();
		note_start(was);
	}
}

EXPORT void Py_InitializeEx(int initsigs)
{
	void (*real)(int) = (void (*)(int))pass(INITIALIZE_EX);

	if (!active(__builtin_return_address(0))) {
		if (real)
			real(initsigs);
	} else if (atomic_load(&kept)) {
		resume("Py_InitializeEx");
	} else {
		int was = FN(IS_INITIALIZED, int (*)(void))();
		real(initsigs);
		note_start(was);
	}
}

EXPORT struct py_status Py_InitializeFromConfig(const void *config)
{
	struct py_status st = { 1, "Py_InitializeFromConfig", "not found in libpython", 1 };
	int ok = active(__builtin_return_address(0));
	struct py_status (*real)(const void *) =
		(struct py_status (*)(const void *))pass(INITIALIZE_FROM_CONFIG);

	if (ok && atomic_load(&kept)) {
		resume("Py_InitializeFromConfig");
		st.type = 0;
		st.func = st.err_msg = NULL;
		st.exitcode = 0;
		return st;
	}
	if (real) {
		int was = ok ? FN(IS_INITIALIZED, int (*)(void))() : 1;
		st = real(config);
		if (ok && st.type == 0)
			note_start(was);
	}
	return st;
}

EXPORT int Py_IsInitialized(void)
{
	/* Not kept (the usual answer) costs a load more than the real one. */
	if (!atomic_load_explicit(&kept, memory_order_relaxed) ||
	    !active(__builtin_return_address(0))) {
		int (*real)(void) = (int (*)(void))pass(IS_INITIALIZED);
		return real ? real() : 0;
	}
	return 0;
}
