/* pypin: what each thread remembers.  See thread.h. */
#include "thread.h"
#include "pypin.h"

#include <errno.h>
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

/* Whether thread tid is no longer part of this process: it ended, or it was
 * another process's (the thread that forked this child was another one).
 * When that cannot be told, the thread counts as alive. */
static int gone(int tid)
{
	int saved = errno;
	int rc = syscall(SYS_tgkill, (int)getpid(), tid, 0) != 0 && errno == ESRCH;

	errno = saved;
	return rc;
}

enum pypin_once_turn pypin_once_begin(pypin_once_t *once)
{
	int me = (int)syscall(SYS_gettid);

	for (;;) {
		int who = atomic_load_explicit(once, memory_order_acquire);
		if (who == PYPIN_ONCE_DONE)
			return PYPIN_ONCE_FINISHED;
		if (who == me)
			return PYPIN_ONCE_REENTERED;
		if (who == 0 || gone(who)) {
			if (atomic_compare_exchange_strong(once, &who, me))
				return who == 0 ? PYPIN_ONCE_YOURS : PYPIN_ONCE_ORPHANED;
			continue;
		}
		sched_yield();
	}
}
