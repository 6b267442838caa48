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
 *
 * There is no constructor: a process that never calls dlopen pays for nothing
 * but mapping this library.
 */
#include <dlfcn.h>

#include "loaded.h"
#include "log.h"
#include "call.h"
#include "real.h"

#define EXPORT __attribute__((visibility("default")))

/* This library's own functions, by addresses that need no symbol lookup when
 * it is loaded (the exported names would each cost one). */
EXPORT void *dlopen(const char *file, int mode);
EXPORT char *dlerror(void);
extern __typeof__(dlopen) own_dlopen __attribute__((alias("dlopen"), copy(dlopen), visibility("hidden")));
extern __typeof__(dlerror) own_dlerror __attribute__((alias("dlerror"), copy(dlerror), visibility("hidden")));

/* The next definition of name after this library, as dlsym(RTLD_NEXT) would
 * find it.  Looked up in the loaded objects' own tables first: dlsym resets the
 * thread's pending error, and the first call here may be the host's dlerror()
 * asking for the error of a dlsym that failed. */
static void *next(const char *name)
{
	static const char here;               /* an address inside this library */
	void *fn = pypin_loaded_next(name, &here);
	return fn ? fn : dlsym(RTLD_NEXT, name);
}

/* Finds the real functions on first use.  No lock and no once: the first call
 * may come from a constructor, under the loader's lock, while another thread
 * is here waiting for that lock.  Each caller finds the same answer. */
static void resolve(void)
{
	if (pypin_real_dlopen())
		return;
	pypin_dlopen_fn real_dlopen = (pypin_dlopen_fn)next("dlopen");
	pypin_dlerror_fn real_dlerror = (pypin_dlerror_fn)next("dlerror");
	if (!real_dlopen || !real_dlerror || real_dlopen == own_dlopen ||
	    real_dlerror == own_dlerror) {
		pypin_warn("cannot find the real dlopen and dlerror; dlopen will fail");
		return;
	}
	pypin_init(real_dlopen, real_dlerror);
}

EXPORT void *dlopen(const char *file, int mode)
{
	resolve();
	pypin_dlopen_fn fn = pypin_prepare(file, mode, __builtin_return_address(0));
	return fn(file, mode);
}

EXPORT char *dlerror(void)
{
	resolve();
	return pypin_dlerror();
}
