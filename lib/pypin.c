/* pypin: deciding what to do with one dlopen call.  See pypin.h. */
#include "pypin.h"
#include "cache.h"
#include "config.h"
#include "elf.h"
#include "log.h"
#include "pin.h"
#include "search.h"
#include "thread.h"
#include "verdict.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

_Atomic(pypin_dlopen_fn) pypin_real_dlopen_fn;
_Atomic(pypin_dlerror_fn) pypin_real_dlerror_fn;
static pthread_once_t config_once = PTHREAD_ONCE_INIT;

static PYPIN_TLS int depth;

/* What dlerror() has to report of pypin's: nothing, a refusal (its text is in
 * the thread's block, or gone with it at thread exit), or that the real
 * dlopen is missing. */
enum { NO_ERROR, REFUSED, NO_REAL_DLOPEN };
static PYPIN_TLS int error_pending;

static char *pending_error(void)
{
	struct pypin_thread *t = pypin_thread(0);

	if (error_pending == NO_REAL_DLOPEN)
		return (char *)"pypin: the real dlopen was not found";
	return t ? t->error :
		(char *)"pypin: this process already runs another Python; one interpreter per process";
}

void pypin_enter(void) { depth++; }
void pypin_leave(void) { depth--; }

void pypin_init(pypin_dlopen_fn dlopen_fn, pypin_dlerror_fn dlerror_fn)
{
	pthread_once(&config_once, pypin_config_load);   /* no loader call inside */
	atomic_store_explicit(&pypin_real_dlerror_fn, dlerror_fn, memory_order_release);
	atomic_store_explicit(&pypin_real_dlopen_fn, dlopen_fn, memory_order_release);
}

static void *refused(const char *file, int mode)
{
	(void)file;
	(void)mode;
	return NULL;
}

/* What deciding on a file needs beyond the first checks: on the heap, since
 * dlopen may be called on a thread with a small stack. */
struct scratch {
	char path[PATH_MAX];
	char msg[sizeof ((struct pypin_thread *)0)->error];
	char what[PYPIN_NAME_MAX + 96];
	struct pypin_verdict v;
	struct pypin_elf e;
	struct stat st;
};

/* Inspects the file dlopen(file) would load and pins a libpython if it needs
 * one; asked means the memory of files was asked about it already.  Returns 1
 * when the call must be refused (error_pending says why). */
static int inspect(const char *file, const void *caller, int pinned, int asked,
	struct scratch *s)
{
	enum pypin_elf_status status;
	int fd, refuse = 0;

	fd = pypin_open_library(file, caller, s->path, sizeof s->path, &s->st);
	if (fd < 0) {
		pypin_debug("%s: no regular file found; passed through", file);
		return 0;
	}
	if (!asked && pypin_cache_needs_none(&s->st, pinned)) {
		pypin_debug("%s: seen before, needs no Python; passed through", s->path);
		close(fd);
		return 0;
	}
	status = pypin_elf_open(&s->e, fd);
	if (status == PYPIN_ELF_OK) {
		status = pypin_verdict(&s->e, pinned ? PYPIN_SCAN_NEEDED : PYPIN_SCAN_FULL, &s->v);
		if (status == PYPIN_ELF_OK && s->v.need == PYPIN_NEED_NONE) {
			pypin_cache_add_none(&s->st, !pinned);
			pypin_debug("%s: %s; passed through", s->path, pinned ?
				    "names no libpython" : "needs no Python");
		} else if (status == PYPIN_ELF_OK) {
			enum pypin_pin_result r = pypin_pin(&s->v, &s->e, s->path, s->msg,
							    sizeof s->msg);
			refuse = r == PYPIN_PIN_REFUSE;
			pypin_debug("%s: %s; %s%s", s->path,
				    pypin_verdict_describe(&s->v, s->what, sizeof s->what),
				    refuse ? "refused: " : "", s->msg);
		}
		pypin_elf_close(&s->e);
	}
	if (status != PYPIN_ELF_OK)
		pypin_debug("%s: %s; passed through", s->path, pypin_elf_strerror(status));
	close(fd);
	if (refuse) {
		struct pypin_thread *t = pypin_thread(1);
		if (t)
			memcpy(t->error, s->msg, sizeof t->error);
		error_pending = REFUSED;
	}
	return refuse;
}

/* Returns 1 when the call must be refused (error_pending says why). */
static int decide(const char *file, const void *caller)
{
	struct scratch *s;
	struct stat st;
	int refuse, pinned = pypin_pinned(), asked = 0;

	/* A path seen before that needs no Python: nothing more to learn.  (Most
	 * paths are absolute: the first byte tells.) */
	if ((file[0] == '/' || strchr(file, '/')) && stat(file, &st) == 0 &&
	    S_ISREG(st.st_mode)) {
		if (pypin_cache_needs_none(&st, pinned)) {
			pypin_debug("%s: seen before, needs no Python; passed through", file);
			return 0;
		}
		asked = 1;
	}
	if (pypin_is_loaded(file)) {
		pypin_debug("%s: already loaded; passed through", file);
		return 0;
	}
	if (!(s = malloc(sizeof *s))) {
		pypin_debug("%s: out of memory; passed through", file);
		return 0;
	}
	/* glibc's dlopen is no cancellation point; pypin's open and reads must
	 * not make it one. */
	int cancel;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel);
	refuse = inspect(file, caller, pinned, asked, s);
	pthread_setcancelstate(cancel, NULL);
	free(s);
	return refuse;
}

pypin_dlopen_fn pypin_prepare(const char *file, int mode, const void *caller)
{
	pypin_dlopen_fn fn = pypin_real_dlopen();
	int saved;

	error_pending = NO_ERROR;
	if (!fn) {
		error_pending = NO_REAL_DLOPEN;
		return refused;
	}
	/* Straight through: pypin's own loads, what the loader decides alone (no
	 * name: the program; NOLOAD; an invalid mode), and PYPIN_DISABLE. */
	if (depth > 0 || !file || !*file || (mode & RTLD_NOLOAD) ||
	    !(mode & (RTLD_LAZY | RTLD_NOW)) || pypin_config_disabled())
		return fn;

	saved = errno;
	if (pypin_was_loaded(file)) {
		/* The reference-count path, the most frequent: keep it short. */
		pypin_debug("%s: already loaded; passed through", file);
	} else {
		pypin_config_load_file();
		if (!pypin_config_disabled()) {
			depth++;
			if (decide(file, caller)) {
				/* The refusal is now the latest error: drop older ones,
				 * so that a later failing dl* call's error wins. */
				pypin_real_dlerror()();
				fn = refused;
			}
			depth--;
		}
	}
	errno = saved;
	return fn;
}

char *pypin_dlerror(void)
{
	pypin_dlerror_fn real = pypin_real_dlerror();
	char *err = real ? real() : NULL;

	/* An error the loader reports came from a dl* call after the refusal. */
	if (error_pending != NO_ERROR) {
		if (!err)
			err = pending_error();
		error_pending = NO_ERROR;
	}
	return err;
}
