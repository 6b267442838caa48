/* pypin: what each thread remembers.  See thread.h. */
#include "thread.h"
#include "pypin.h"

#include <pthread.h>
#include <stdlib.h>

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
