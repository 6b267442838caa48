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

#include "cache.h"
#include "search.h"

struct pypin_thread {
	struct pypin_cache cache;     /* files that need no Python (cache.c) */
	struct pypin_memo memo;       /* names found loaded (search.c) */
	char error[PATH_MAX + 256];   /* a refusal, for dlerror() (pypin.c) */
};

/* This thread's block, made on first use; NULL when none can be made: then
 * there is nothing to remember. */
struct pypin_thread *pypin_thread_make(void);

extern __thread struct pypin_thread *pypin_thread_mine
	__attribute__((tls_model("initial-exec"), visibility("hidden")));

/* This thread's block; with create 0, NULL when it has none yet. */
static inline struct pypin_thread *pypin_thread(int create)
{
	return pypin_thread_mine || !create ? pypin_thread_mine : pypin_thread_make();
}

#endif
