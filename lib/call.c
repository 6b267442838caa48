/* pypin: deciding what to do with one dlopen call.  See call.h. */
#include "call.h"
#include "cache.h"
#include "config.h"
#include "elf.h"
#include "ldpath.h"
#include "loaded.h"
#include "log.h"
#include "pin.h"
#include "real.h"
#include "refusal.h"
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

/* --- The dlerror state ----------------------------------------------------
 *
 * What dlerror() reports on a thread for the last call pypin failed, in one
 * place: the flag that the real dlopen was not found, and the text of a
 * refusal.
 *
 * A refusal is handed to the loader as a failed dlopen of this path, which
 * cannot exist (/dev/null is no directory): the loader then keeps and clears
 * it exactly as it does its own errors (each dl* call starts by dropping the
 * last error), and pypin_dlerror() puts pypin's reason in its place.  The
 * reason itself is in the thread's block (or, when it has none, the text
 * below). */
#define REFUSAL_MARK "/dev/null/pypin-refused"

/* The real dlopen was not found: every dlopen fails, with this error. */
static PYPIN_TLS int no_real_dlopen;

/* Keeps the text of a refusal for this thread's dlerror(); msg has the size
 * of the thread's error. */
static void keep_refusal(const char *msg)
{
	struct pypin_thread *t = pypin_thread(1);

	if (t)
		memcpy(t->error, msg, sizeof t->error);
}

static const char *refusal_text(void)
{
	struct pypin_thread *t = pypin_thread(0);

	return t ? t->error : pypin_refusal_text(&(struct pypin_refusal){
		.reason = PYPIN_REFUSAL_ANOTHER_PYTHON }, NULL, 0);
}

static void *refused(const char *file, int mode)
{
	pypin_dlopen_fn real = pypin_real_dlopen();
	int saved = errno;

	(void)file;
	(void)mode;
	if (real)
		real(REFUSAL_MARK, RTLD_NOW | RTLD_LOCAL);
	else
		no_real_dlopen = 1;
	errno = saved;
	return NULL;
}

char *pypin_dlerror(void)
{
	pypin_dlerror_fn real = pypin_real_dlerror();
	char *err = real ? real() : NULL;

	if (no_real_dlopen) {
		no_real_dlopen = 0;
		return (char *)pypin_refusal_text(&(struct pypin_refusal){
			.reason = PYPIN_REFUSAL_NO_REAL_DLOPEN }, NULL, 0);
	}
	/* The loader's error for the last dl* call: pypin's refusal when it is
	 * the failed load that stands for one. */
	if (err && strncmp(err, REFUSAL_MARK ":", sizeof REFUSAL_MARK) == 0)
		return (char *)refusal_text();
	return err;
}

/* --- Deciding ------------------------------------------------------------ */

/* What deciding on a file needs beyond the first checks: on the heap, since
 * dlopen may be called on a thread with a small stack, and kept in the
 * thread's block for the next file (deciding never runs twice at once on a
 * thread: pypin's own loads pass straight through). */
struct scratch {
	char path[PATH_MAX];
	char msg[sizeof ((struct pypin_thread *)0)->error];
	char what[PYPIN_NAME_MAX + 96];
	struct pypin_verdict v;
	struct pypin_elf e;
	struct pypin_elf_buf buf;
	struct stat st;
};

/* Inspects the file dlopen(file) would load and pins a libpython if it needs
 * one; asked means that s->st holds the stat() of file (a path), about which
 * the memory of files was asked already, and whether it is loaded was not.
 * Returns 1 when the call must be refused (the thread's block says why). */
static int inspect(const char *file, const void *caller, int asked,
	struct scratch *s)
{
	enum pypin_elf_status status;
	int fd, refuse = 0;

	fd = pypin_open_library(file, caller, s->path, sizeof s->path, &s->st, asked);
	if (fd < 0) {
		pypin_debug("%s: no regular file found; passed through", file);
		return 0;
	}
	if (!asked && pypin_cache_needs_none(&s->st)) {
		pypin_debug("%s: seen before, needs no Python; passed through", s->path);
		close(fd);
		return 0;
	}
	status = pypin_elf_open_with(&s->e, fd, &s->buf, &s->st);
	if (status == PYPIN_ELF_OK) {
		/* Symbols too once Python is pinned: a library that needs a Py
		 * symbol the pinned libpython lacks is refused (pin.c). */
		status = pypin_verdict(&s->e, PYPIN_SCAN_FULL, &s->v);
		if (status == PYPIN_ELF_OK && s->v.need == PYPIN_NEED_NONE) {
			pypin_cache_add_none(&s->st);
			pypin_debug("%s: needs no Python; passed through", s->path);
		} else if (status == PYPIN_ELF_OK && asked && pypin_is_loaded(file)) {
			pypin_debug("%s: already loaded; passed through", file);
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
	if (refuse)
		keep_refusal(s->msg);
	return refuse;
}

/* Returns 1 when the call must be refused. */
static int decide(const char *file, const void *caller)
{
	struct scratch *s;
	struct stat st;
	int refuse, asked = 0;

	/* A path seen before that needs no Python: nothing more to learn.  (Most
	 * paths are absolute: the first byte tells.)  This is the path's one
	 * stat(); the open that follows checks it with fstat(). */
	if (file[0] == '/' || strchr(file, '/')) {
		if (stat(file, &st) != 0 || !S_ISREG(st.st_mode)) {
			pypin_debug("%s: no regular file found; passed through", file);
			return 0;
		}
		if (pypin_cache_needs_none(&st)) {
			pypin_debug("%s: seen before, needs no Python; passed through", file);
			return 0;
		}
		asked = 1;
	}
	/* Whether the name is loaded already costs a walk of the loaded objects,
	 * more than reading the file's verdict: for a path, it is asked only of a
	 * file that needs Python (inspect()); a bare name is looked for among the
	 * loaded objects before the search for its file. */
	if (!asked && pypin_is_loaded(file)) {
		pypin_debug("%s: already loaded; passed through", file);
		return 0;
	}
	struct pypin_thread *t = pypin_thread(1);
	if (!t || (!(s = t->scratch) && !(s = t->scratch = malloc(sizeof *s)))) {
		pypin_debug("%s: out of memory; passed through", file);
		return 0;
	}
	/* glibc's dlopen is no cancellation point; pypin's open and reads must
	 * not make it one. */
	int cancel;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel);
	if (asked)
		s->st = st;
	refuse = inspect(file, caller, asked, s);
	pthread_setcancelstate(cancel, NULL);
	return refuse;
}

pypin_dlopen_fn pypin_prepare(const char *file, int mode, const void *caller)
{
	pypin_dlopen_fn fn = pypin_real_dlopen();
	int saved;

	no_real_dlopen = 0;
	if (!fn)
		return refused;
	/* Straight through: pypin's own loads, what the loader decides alone (no
	 * name: the program; NOLOAD; an invalid mode), and PYPIN_DISABLE. */
	if (pypin_own_load() || !file || !*file || (mode & RTLD_NOLOAD) ||
	    !(mode & (RTLD_LAZY | RTLD_NOW)) || pypin_config_disabled())
		return fn;

	saved = errno;
	if (pypin_was_loaded(file)) {
		/* The reference-count path, the most frequent: keep it short. */
		pypin_debug("%s: already loaded; passed through", file);
	} else {
		/* The depth is raised before anything a signal handler's dlopen on
		 * this thread could re-enter: that call passes straight through. */
		pypin_enter();
		pypin_config_load_file();
		if (!pypin_config_disabled() && decide(file, caller))
			fn = refused;
		pypin_leave();
	}
	errno = saved;
	return fn;
}
