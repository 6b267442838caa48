/* libpypin.so: the interposer.  It overrides
 *
 *   dlopen(3)   inspect, pin a libpython when needed, then hand over
 *   dlerror(3)  report pypin's refusals, else the real error
 *
 * and nothing else; the logic lives in lib/.  dlopen() must end in a true tail
 * call: glibc's dlopen takes its caller from its return address to choose whose
 * RPATH/RUNPATH/$ORIGIN to search, and that caller must stay the host.  This
 * file is compiled with -O2 -foptimize-sibling-calls for that reason, and the
 * RUNPATH integration test fails if the hand-over is not a tail call.
 */
#include <dlfcn.h>
#include <pthread.h>

#include "log.h"
#include "pypin.h"

#define EXPORT __attribute__((visibility("default")))

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void resolve(void)
{
	struct pypin_real real = {
		.dlopen = (pypin_dlopen_fn)dlsym(RTLD_NEXT, "dlopen"),
		.dlerror = (pypin_dlerror_fn)dlsym(RTLD_NEXT, "dlerror"),
	};

	if (!real.dlopen || !real.dlerror || real.dlopen == dlopen || real.dlerror == dlerror) {
		pypin_warn("cannot find the real dlopen and dlerror; every dlopen will fail");
		real.dlopen = NULL;
		real.dlerror = NULL;
	}
	pypin_init(&real);
}

/* Another library's constructor may call dlopen before this one runs: both
 * paths go through the same once. */
__attribute__((constructor)) static void pypin_constructor(void)
{
	pthread_once(&once, resolve);
}

EXPORT void *dlopen(const char *file, int mode)
{
	pthread_once(&once, resolve);
	pypin_dlopen_fn fn = pypin_prepare(file, mode, __builtin_return_address(0));
	return fn(file, mode);
}

EXPORT char *dlerror(void)
{
	pthread_once(&once, resolve);
	return pypin_dlerror();
}
