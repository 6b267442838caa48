/* pypin: the real dlopen and dlerror, and pypin's own loads.
 *
 * The lowest module of the library's logic: the interposer (preload/) finds
 * the real functions on first use and hands them to pypin_init(); every module
 * that loads something itself (call.c, pin.c, keep.c) calls them through
 * pypin_real_dlopen() and pypin_real_dlerror(), between pypin_enter() and
 * pypin_leave() where a dlopen on this thread must then pass straight through.
 */
#ifndef PYPIN_REAL_H
#define PYPIN_REAL_H

#include <stdatomic.h>

#include "thread.h"


typedef void *(*pypin_dlopen_fn)(const char *file, int mode);
typedef char *(*pypin_dlerror_fn)(void);

/* Records the real functions (from dlsym(RTLD_NEXT, …)) and reads the settings
 * from the environment, once.  Takes no lock that the loader could be waiting
 * on: several threads may call it at once, with the same functions; a call
 * from a signal handler while this thread reads the environment does not wait
 * (its dlopen then passes straight through). */
void pypin_init(pypin_dlopen_fn real_dlopen, pypin_dlerror_fn real_dlerror);

/* The real functions, or NULL before pypin_init(). */
extern _Atomic(pypin_dlopen_fn) pypin_real_dlopen_fn;
extern _Atomic(pypin_dlerror_fn) pypin_real_dlerror_fn;

static inline pypin_dlopen_fn pypin_real_dlopen(void)
{
	return atomic_load_explicit(&pypin_real_dlopen_fn, memory_order_acquire);
}

static inline pypin_dlerror_fn pypin_real_dlerror(void)
{
	return atomic_load_explicit(&pypin_real_dlerror_fn, memory_order_acquire);
}

/* Per-thread depth of pypin's own loads; while it is non-zero, dlopen calls on
 * this thread pass straight through (call.c).  A signal handler's dlopen on a
 * thread inside pypin sees it raised. */
extern PYPIN_TLS int pypin_depth __attribute__((visibility("hidden")));

static inline void pypin_enter(void) { pypin_depth++; }
static inline void pypin_leave(void) { pypin_depth--; }

/* Whether this thread is inside one of pypin's own loads (or its start-up). */
static inline int pypin_own_load(void) { return pypin_depth > 0; }

#endif
