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

#include <link.h>
#include <sys/stat.h>
#include <time.h>

#include "memo.h"

/* Thread-local storage of libpypin.so: it is loaded at start-up (LD_PRELOAD,
 * /etc/ld.so.preload), so the static model applies and costs no call.  It is
 * every thread's, carved out of its stack (above): a few words at most. */
#define PYPIN_TLS __thread __attribute__((tls_model("initial-exec")))

/* The shapes of what a thread remembers are here, and the code that fills and
 * asks each memory is in the module named beside it: those modules include
 * this header, never the other way round. */

/* A file that needs no Python (cache.c): its identity. */
#define PYPIN_CACHE_SLOTS 16
struct pypin_seen {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
};

/* A name found loaded (loaded.c). */
#define PYPIN_NAMES_SLOTS 4
#define PYPIN_NAME_LOADED 256
struct pypin_name_seen {
	char file[PYPIN_NAME_LOADED];   /* the name passed to dlopen */
	char name[PYPIN_NAME_LOADED];   /* the loaded object's name */
	const void *addr;               /* an address inside it */
	const struct link_map *map;
};

struct pypin_thread {
	/* Files that need no Python (cache.c). */
	PYPIN_MEMO(struct pypin_seen, PYPIN_CACHE_SLOTS) files;
	/* Names found loaded (loaded.c). */
	PYPIN_MEMO(struct pypin_name_seen, PYPIN_NAMES_SLOTS) names;
	char error[PATH_MAX + 256];   /* a refusal, for dlerror() (call.c) */
	void *scratch;                /* deciding's working memory, kept (call.c) */
};

/* This thread's block, made on first use; NULL when none can be made: then
 * there is nothing to remember. */
struct pypin_thread *pypin_thread_make(void);

/* A step done once per process, in place of pthread_once(3), which waits
 * forever in two cases that reach pypin: a signal handler that calls dlopen
 * on the thread that is doing the step, and a fork(2) by another thread while
 * the step is under way (the thread doing it does not exist in the child).
 * `who` holds 0 (not begun), PYPIN_ONCE_DONE, or who is doing the step: this
 * process's fork generation, its pid and the thread id of that thread.  The
 * generation changes in every child of fork(2) (a pthread_atfork(3) handler,
 * registered before the first step begins), so a step begun by a thread of
 * the parent is recognized as orphaned in the child, even where the child has
 * the same pid (pid 1 forking into a new pid namespace).  Others wait for it
 * asleep (a futex on `seq`, with a time bound after which they look again),
 * never spinning: a waiter of higher real-time priority on the same CPU as
 * the thread doing the step would otherwise keep it from ever finishing. */
typedef struct {
	_Atomic(unsigned long long) who;
	_Atomic(unsigned) seq;        /* bumped when the step ends */
} pypin_once_t;
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

/* Whose turn it is; waits (asleep) only while another thread of this process
 * is doing the step. */
enum pypin_once_turn pypin_once_begin(pypin_once_t *once);

/* Marks the step done and wakes those waiting for it. */
void pypin_once_end(pypin_once_t *once);

static inline int pypin_once_done(pypin_once_t *once)
{
	return atomic_load_explicit(&once->who, memory_order_acquire) == PYPIN_ONCE_DONE;
}

extern PYPIN_TLS struct pypin_thread *pypin_thread_mine __attribute__((visibility("hidden")));

/* This thread's block; with create 0, NULL when it has none yet. */
static inline struct pypin_thread *pypin_thread(int create)
{
	return pypin_thread_mine || !create ? pypin_thread_mine : pypin_thread_make();
}

#endif
