/* pypin: the interface between the interposer (preload/) and the logic (lib/).
 *
 * The interposer finds the real functions on first use and hands them to
 * pypin_init().  Its dlopen() asks pypin_prepare() which function to hand the
 * call to, then tail-calls it, so that the real dlopen sees the host's return
 * address. */
#ifndef PYPIN_PYPIN_H
#define PYPIN_PYPIN_H

#include <stdatomic.h>

/* Thread-local storage of libpypin.so: it is loaded at start-up (LD_PRELOAD,
 * /etc/ld.so.preload), so the static model applies and costs no call. */
#define PYPIN_TLS __thread __attribute__((tls_model("initial-exec")))

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

/* Inspects what dlopen(file, mode) called from caller would load and, when it
 * needs Python, pins a libpython first.  Returns the function to finish the call
 * with: the real dlopen, or one that returns NULL after a refusal (whose reason
 * pypin_dlerror() then reports).  Keeps errno. */
pypin_dlopen_fn pypin_prepare(const char *file, int mode, const void *caller);

/* dlerror(3): pypin's pending refusal on this thread, else the real one. */
char *pypin_dlerror(void);

/* Per-thread depth of pypin's own loads; while it is non-zero, dlopen calls on
 * this thread pass straight through. */
void pypin_enter(void);
void pypin_leave(void);

#endif
