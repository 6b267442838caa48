/* pypin: deciding what to do with one dlopen call.  See pypin.h. */
#include "pypin.h"
#include "cache.h"
#include "config.h"
#include "elf.h"
#include "log.h"
#include "pin.h"
#include "search.h"
#include "verdict.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static _Atomic(pypin_dlopen_fn) real_dlopen;
static _Atomic(pypin_dlerror_fn) real_dlerror;
static pthread_once_t config_once = PTHREAD_ONCE_INIT;

static PYPIN_TLS int depth;
static PYPIN_TLS int error_pending;
static PYPIN_TLS char error_msg[PATH_MAX + 256];

void pypin_enter(void) { depth++; }
void pypin_leave(void) { depth--; }

void pypin_init(pypin_dlopen_fn dlopen_fn, pypin_dlerror_fn dlerror_fn)
{
	pthread_once(&config_once, pypin_config_load);   /* no loader call inside */
	atomic_store_explicit(&real_dlerror, dlerror_fn, memory_order_release);
	atomic_store_explicit(&real_dlopen, dlopen_fn, memory_order_release);
}

pypin_dlopen_fn pypin_real_dlopen(void)
{
	return atomic_load_explicit(&real_dlopen, memory_order_acquire);
}

pypin_dlerror_fn pypin_real_dlerror(void)
{
	return atomic_load_explicit(&real_dlerror, memory_order_acquire);
}

static void *refused(const char *file, int mode)
{
	(void)file;
	(void)mode;
	return NULL;
}

/* Returns 1 when the call must be refused (error_msg says why). */
static int decide(const char *file, const void *caller)
{
	char path[PATH_MAX], what[PYPIN_NAME_MAX + 96], msg[sizeof error_msg];
	struct pypin_verdict v;
	struct pypin_elf e;
	enum pypin_elf_status s;
	struct stat st;
	int fd, refuse = 0, pinned = pypin_pinned();

	/* A path seen before that needs no Python: nothing more to learn. */
	if (strchr(file, '/') && stat(file, &st) == 0 && S_ISREG(st.st_mode) &&
	    pypin_cache_needs_none(&st, pinned)) {
		pypin_debug("%s: seen before, needs no Python; passed through", file);
		return 0;
	}
	if (pypin_is_loaded(file)) {
		pypin_debug("%s: already loaded; passed through", file);
		return 0;
	}
	fd = pypin_open_library(file, caller, path, sizeof path, &st);
	if (fd < 0) {
		pypin_debug("%s: no regular file found; passed through", file);
		return 0;
	}
	if (pypin_cache_needs_none(&st, pinned)) {
		pypin_debug("%s: seen before, needs no Python; passed through", path);
		close(fd);
		return 0;
	}
	s = pypin_elf_open(&e, fd);
	if (s == PYPIN_ELF_OK) {
		s = pypin_verdict(&e, pinned ? PYPIN_SCAN_NEEDED : PYPIN_SCAN_FULL, &v);
		if (s == PYPIN_ELF_OK && v.need == PYPIN_NEED_NONE)
			pypin_cache_add_none(&st, !pinned);
		if (s == PYPIN_ELF_OK && v.need != PYPIN_NEED_NONE) {
			enum pypin_pin_result r = pypin_pin(&v, &e, path, msg, sizeof msg);
			refuse = r == PYPIN_PIN_REFUSE;
			if (refuse) {
				snprintf(error_msg, sizeof error_msg, "%s", msg);
				error_pending = 1;
			}
			pypin_debug("%s: %s; %s%s", path,
				    pypin_verdict_describe(&v, what, sizeof what),
				    refuse ? "refused: " : "", msg);
		} else if (s == PYPIN_ELF_OK) {
			pypin_debug("%s: %s; passed through", path, pinned ?
				    "names no libpython" : "needs no Python");
		}
		pypin_elf_close(&e);
	}
	if (s != PYPIN_ELF_OK)
		pypin_debug("%s: %s; passed through", path, pypin_elf_strerror(s));
	close(fd);
	return refuse;
}

pypin_dlopen_fn pypin_prepare(const char *file, int mode, const void *caller)
{
	pypin_dlopen_fn fn = pypin_real_dlopen();
	int saved;

	error_pending = 0;
	if (!fn) {
		snprintf(error_msg, sizeof error_msg, "pypin: the real dlopen was not found");
		error_pending = 1;
		return refused;
	}
	/* Straight through: pypin's own loads, what the loader decides alone (no
	 * name: the program; NOLOAD; an invalid mode), and PYPIN_DISABLE. */
	if (depth > 0 || !file || !*file || (mode & RTLD_NOLOAD) ||
	    !(mode & (RTLD_LAZY | RTLD_NOW)) || pypin_config.disable)
		return fn;

	saved = errno;
	if (pypin_was_loaded(file)) {
		/* The reference-count path, the most frequent: keep it short. */
		if (pypin_config.debug)
			pypin_debug("%s: already loaded; passed through", file);
	} else {
		pypin_config_load_file();
		if (!pypin_config.disable) {
			depth++;
			if (decide(file, caller))
				fn = refused;
			depth--;
		}
	}
	errno = saved;
	return fn;
}

char *pypin_dlerror(void)
{
	pypin_dlerror_fn real = pypin_real_dlerror();

	if (error_pending) {
		error_pending = 0;
		if (real)
			real();                    /* an older error is superseded */
		return error_msg;
	}
	return real ? real() : NULL;
}
