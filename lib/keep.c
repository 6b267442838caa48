/* pypin: keep (PYPIN_KEEP).  See keep.h. */
#include "keep.h"
#include "config.h"
#include "log.h"
#include "pypin.h"
#include "trust.h"

#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int pypin_keep_path(const void *self, const char *lib, char *out, size_t outsz)
{
	Dl_info info;
	const char *from = lib, *slash;

	if (!from) {
		if (!dladdr(self, &info) || !info.dli_fname)
			return -1;
		from = info.dli_fname;
	}
	slash = strrchr(from, '/');
	if (!slash)
		return -1;
	int n = snprintf(out, outsz, "%.*s/%s", (int)(slash - from), from, PYPIN_KEEP_NAME);
	return n > 0 && (size_t)n < outsz ? 0 : -1;
}

/* dlclose(h), looked up when needed: importing it would cost every process a
 * symbol lookup at start-up (bench/run.sh counts it), for calls made at most
 * once per process. */
static void close_handle(void *h)
{
	int (*fn)(void *) = (int (*)(void *))dlsym(RTLD_DEFAULT, "dlclose");

	if (fn)
		fn(h);
}

/* Whether the mapped libpython at path was started before pypin acted.  (A
 * lookup that fails would leave an error for the host's dlerror().) */
static int started(const char *path)
{
	void *h = pypin_real_dlopen()(path, RTLD_NOW | RTLD_NOLOAD);
	int (*is_init)(void) = h ? (int (*)(void))dlsym(h, "Py_IsInitialized") : NULL;
	int yes = !is_init || is_init();

	if (h)
		close_handle(h);
	return yes;
}

void *pypin_keep_before(const char *path, const char *tag, int promote, int global)
{
	const char *why;
	struct stat st;
	char *lib;
	void *h = NULL;

	if (!atomic_load_explicit(&pypin_config.keep, memory_order_relaxed))
		return NULL;
	if (tag[0] != '3') {
		pypin_debug("keep: Python %s is not Python 3; nothing kept", tag);
		return NULL;
	}
	if (global || (promote && started(path))) {
		pypin_debug("keep: Python was in the process before pypin; nothing kept");
		return NULL;
	}
	if (!(lib = malloc(PATH_MAX)))
		return NULL;
	if (pypin_keep_path((const void *)pypin_keep_before, NULL, lib, PATH_MAX) != 0) {
		pypin_debug("keep: cannot tell where libpypin.so is; nothing kept");
	} else if (stat(lib, &st) != 0 || !S_ISREG(st.st_mode)) {
		pypin_debug("keep: %s is missing; nothing kept", lib);
	} else if (pypin_config.secure && !pypin_trusted(lib, &why)) {
		/* Only a file that root alone can have put there goes into a
		 * setuid program. */
		pypin_debug("keep: %s: %s; nothing kept", lib, why);
	} else if (!(h = pypin_real_dlopen()(lib, RTLD_NOW | RTLD_GLOBAL))) {
		const char *err = pypin_real_dlerror()();
		pypin_debug("keep: cannot load %s: %s; nothing kept", lib,
			    err ? err : "unknown error");
	}
	free(lib);
	return h;
}

void pypin_keep_after(void *keep, void *python)
{
	struct link_map *map = NULL;

	if (!keep)
		return;
	/* The companion finds the libpython's functions now, here, rather than
	 * on its first call, which may come from a thread that the loader's lock
	 * holder waits for (a destructor that finalizes on another thread); -1
	 * says that the libpython lacks some of them. */
	int (*is_init)(void) = python ? (int (*)(void))dlsym(keep, "Py_IsInitialized") : NULL;
	if (!is_init || is_init() < 0) {
		if (python)
			pypin_debug("keep: the libpython lacks functions keep needs; nothing kept");
		close_handle(keep);
		return;
	}
	/* Bound to from now on: never unloaded. */
	if (dlinfo(keep, RTLD_DI_LINKMAP, &map) == 0 && map && map->l_name &&
	    pypin_real_dlopen()(map->l_name, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE)) {
		pypin_debug("keep: %s loaded before the libpython; finalizations keep the "
			    "interpreter", map->l_name);
	}
}
