/* pypin: what each thread remembers.  See thread.h. */
#include "thread.h"
#include "pypin.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/syscall.h>
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

/* The pid is asked only when the step is under way: a fork is the one way
 * the thread doing it can be missing (no cancellation point is inside a step,
 * and pypin never ends a thread). */
enum pypin_once_turn pypin_once_begin(pypin_once_t *once)
{
	unsigned long long who = atomic_load_explicit(once, memory_order_acquire), me;
	unsigned pid;

	if (who == PYPIN_ONCE_DONE)
		return PYPIN_ONCE_FINISHED;
	pid = (unsigned)getpid();
	me = (unsigned long long)pid << 32 | (unsigned)syscall(SYS_gettid);
	for (;;) {
		if (who == PYPIN_ONCE_DONE)
			return PYPIN_ONCE_FINISHED;
		if (who == me)
			return PYPIN_ONCE_REENTERED;
		if (who == 0 || who >> 32 != pid) {
			unsigned long long was = who;
			if (atomic_compare_exchange_strong(once, &who, me))
				return was == 0 ? PYPIN_ONCE_YOURS : PYPIN_ONCE_ORPHANED;
			continue;
		}
		sched_yield();
		who = atomic_load_explicit(once, memory_order_acquire);
	}
}
