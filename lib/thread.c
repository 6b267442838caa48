/* pypin: what each thread remembers.  See thread.h. */
#include "thread.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

PYPIN_TLS struct pypin_thread *pypin_thread_mine;
static pthread_key_t key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static int have_key;

/* At thread exit.  A destructor of another library may still call dlopen on
 * this thread: it then starts afresh. */
static void release(void *block)
{
	pypin_thread_mine = NULL;
	free(((struct pypin_thread *)block)->scratch);
	free(block);
}

static void make_key(void)
{
	have_key = pthread_key_create(&key, release) == 0;
}

struct pypin_thread *pypin_thread_make(void)
{
	struct pypin_thread *t;

	pthread_once(&key_once, make_key);     /* takes no lock the loader holds */
	if (!have_key || !(t = calloc(1, sizeof *t)))
		return NULL;
	if (pthread_setspecific(key, t) != 0) {  /* it would never be freed */
		free(t);
		return NULL;
	}
	return pypin_thread_mine = t;
}

/* The fork generation: bumped in every child of fork(2) by a handler
 * registered before the first step begins.  A step's owner is recorded as
 * generation, pid and thread id: the generation tells a child from its
 * parent where the pid cannot (pid 1 forking into a new pid namespace), the
 * pid where the handler was not yet registered (or could not be). */
static atomic_uint generation = 1;

static void forked(void)
{
	/* Only this thread runs in the child: no step of the parent's can
	 * finish here. */
	atomic_fetch_add_explicit(&generation, 1, memory_order_relaxed);
}

/* pthread_atfork() is glibc's __register_atfork() with the caller's
 * __dso_handle, which the start files define; libpypin.so is linked without
 * them (it has no constructor) and is never unloaded, so it registers with
 * no handle. */
extern int __register_atfork(void (*prepare)(void), void (*parent)(void),
	void (*child)(void), void *dso_handle);

/* This thread's identity: 19 bits of generation, 22 of pid and 22 of thread
 * id (pid_max is at most 2^22), so the top bit is clear and it is never
 * PYPIN_ONCE_DONE, and never 0. */
static unsigned long long identity(void)
{
	static atomic_int registered;

	if (!atomic_load_explicit(&registered, memory_order_relaxed) &&
	    atomic_exchange(&registered, 1) == 0)
		__register_atfork(NULL, NULL, forked, NULL);   /* once, even if it fails */
	return (unsigned long long)(atomic_load(&generation) & 0x7ffff) << 44 |
	       (unsigned long long)((unsigned)getpid() & 0x3fffff) << 22 |
	       ((unsigned)syscall(SYS_gettid) & 0x3fffff);
}

#define SAME_PROCESS(a, b) ((a) >> 22 == (b) >> 22)

/* Sleeps until once->seq leaves seen, a signal comes, or a while passes: a
 * bound, so that a waiter looks again at who is doing the step. */
static void wait_a_while(pypin_once_t *once, unsigned seen)
{
	struct timespec bound = { 0, 20 * 1000 * 1000 };

	syscall(SYS_futex, &once->seq, FUTEX_WAIT_PRIVATE, seen, &bound, NULL, 0);
}

/* A step is recorded with the identity of the thread doing it; in a forked
 * child the generation (or the pid) differs.  No cancellation point is inside
 * a step, and pypin never ends a thread, so a fork is the one way the thread
 * doing it can be missing. */
enum pypin_once_turn pypin_once_begin(pypin_once_t *once)
{
	unsigned long long who = atomic_load_explicit(&once->who, memory_order_acquire), me;
	unsigned seen;
	int saved;

	if (who == PYPIN_ONCE_DONE)
		return PYPIN_ONCE_FINISHED;
	saved = errno;
	me = identity();
	for (;;) {
		if (who == PYPIN_ONCE_DONE) {
			errno = saved;
			return PYPIN_ONCE_FINISHED;
		}
		if (who == me) {
			errno = saved;
			return PYPIN_ONCE_REENTERED;
		}
		if (who == 0 || !SAME_PROCESS(who, me)) {
			unsigned long long was = who;
			if (atomic_compare_exchange_strong(&once->who, &who, me)) {
				errno = saved;
				return was == 0 ? PYPIN_ONCE_YOURS : PYPIN_ONCE_ORPHANED;
			}
			continue;
		}
		/* seq is read before who is looked at again: an end in between
		 * changes seq, and the futex then returns at once. */
		seen = atomic_load_explicit(&once->seq, memory_order_acquire);
		who = atomic_load_explicit(&once->who, memory_order_acquire);
		if (who == PYPIN_ONCE_DONE || !SAME_PROCESS(who, me))
			continue;
		wait_a_while(once, seen);
		me = identity();              /* a fork in a signal handler */
		who = atomic_load_explicit(&once->who, memory_order_acquire);
	}
}

void pypin_once_end(pypin_once_t *once)
{
	int saved = errno;

	atomic_store_explicit(&once->who, PYPIN_ONCE_DONE, memory_order_release);
	atomic_fetch_add_explicit(&once->seq, 1, memory_order_release);
	syscall(SYS_futex, &once->seq, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
	errno = saved;
}
