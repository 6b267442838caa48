/* pypin: the real dlopen and dlerror, and pypin's own loads.  See real.h. */
#include "real.h"
#include "config.h"
#include "thread.h"

#include <stdatomic.h>

_Atomic(pypin_dlopen_fn) pypin_real_dlopen_fn;
_Atomic(pypin_dlerror_fn) pypin_real_dlerror_fn;
PYPIN_TLS int pypin_depth;

static pypin_once_t env_once;

void pypin_init(pypin_dlopen_fn dlopen_fn, pypin_dlerror_fn dlerror_fn)
{
	/* No pthread_once: a signal handler's dlopen while this thread reads the
	 * environment must not wait for itself; with the depth raised it then
	 * passes straight through. */
	switch (pypin_once_begin(&env_once)) {
	case PYPIN_ONCE_YOURS:
	case PYPIN_ONCE_ORPHANED:
		pypin_enter();
		pypin_config_load();   /* no loader call inside */
		pypin_leave();
		pypin_once_end(&env_once);
		break;
	case PYPIN_ONCE_FINISHED:
	case PYPIN_ONCE_REENTERED:
		break;
	}
	atomic_store_explicit(&pypin_real_dlerror_fn, dlerror_fn, memory_order_release);
	atomic_store_explicit(&pypin_real_dlopen_fn, dlopen_fn, memory_order_release);
}
