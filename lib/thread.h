/* pypin: what each thread remembers.
 *
 * A preloaded library's static TLS is carved out of every thread's stack
 * (glibc puts it at the top of the stack it allocates), in every process when
 * pypin is installed system-wide.  So a thread keeps only a pointer to its
 * block, allocated the first time it needs one and freed when it exits.
 */
#ifndef PYPIN_THREAD_H
#define PYPIN_THREAD_H

#include <limits.h>
#include <stdatomic.h>

#include "cache.h"
#include "search.h"

struct pypin_thread {
	struct pypin_cache cache;     /* files that need no Python (cache.c) */
	struct pypin_memo memo;       /* names found loaded (search.c) */
	char error[PATH_MAX + 256];   /* a refusal, for dlerror() (pypin.c) */
	void *scratch;                /* deciding's working memory, kept (pypin.c) */
};

/* This thread's block, made on first use; NULL when none can be made: then
 * there is nothing to remember. */
struct pypin_thread *pypin_thread_make(void);

/* A step done once per process, in place of pthread_once(3), which waits
 * forever in two cases that reach pypin: a signal handler that calls dlopen
 * on the thread that is doing the step, and a fork(2) by another thread while
 * the step is under way (the thread doing it does not exist in the child).
 * A pypin_once_t holds 0 (not begun), PYPIN_ONCE_DONE, or who is doing the
 * step: the process id and thread id of that thread. */
typedef _Atomic(unsigned long long) pypin_once_t;
#define PYPIN_ONCE_DONE (~0ULL)

enum pypin_once_turn {
	PYPIN_ONCE_FINISHED,    /* done already: nothing to do */
	PYPIN_ONCE_YOURS,       /* do it, then call pypin_once_end() */
	PYPIN_ONCE_ORPHANED,    /* the thread doing it belonged to the parent of
				   this forked process: its work may be half
				   done; finish it, then call pypin_once_end() */
	PYPIN_ONCE_REENTERED,   /* this very thread is doing it (a signal handler):
				   do not wait, and do not do it */
};

/* Whose turn it is; waits (yielding) only while another thread of this
 * process is doing the step. */
enum pypin_once_turn pypin_once_begin(pypin_once_t *once);

static inline void pypin_once_end(pypin_once_t *once)
{
	atomic_store_explicit(once, PYPIN_ONCE_DONE, memory_order_release);
}

static inline int pypin_once_done(pypin_once_t *once)
{
	return atomic_load_explicit(once, memory_order_acquire) == PYPIN_ONCE_DONE;
}

extern __thread struct pypin_thread *pypin_thread_mine
	__attribute__((tls_model("initial-exec"), visibility("hidden")));

/* This thread's block; with create 0, NULL when it has none yet. */
static inline struct pypin_thread *pypin_thread(int create)
{
	return pypin_thread_mine || !create ? pypin_thread_mine : pypin_thread_make();
}

#endif
