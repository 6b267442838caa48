/* pypin: keep (PYPIN_KEEP).  See keep.h. */
#include "keep.h"
#include "config.h"
#include "elf.h"
#include "ldpath.h"
#include "libpython.h"
#include "log.h"
#include "real.h"
#include "trust.h"

#include <dlfcn.h>
#include <elf.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PYPIN_KEEP_NAME_OF(id, name) name,
static const char *const fn_names[PYPIN_KEEP_NFN] = { PYPIN_KEEP_FNS(PYPIN_KEEP_NAME_OF) };

int pypin_keep_fits(const char *path, char *sym, size_t symsz)
{
	unsigned char found[PYPIN_KEEP_NFN] = { 0 };
	struct pypin_elf e;
	int fd = pypin_open_regular(path), rc = -1;

	if (fd < 0)
		return -1;
	if (pypin_elf_open(&e, fd) == PYPIN_ELF_OK) {
		/* One lookup per name through the hash table, not a walk of the
		 * libpython's thousands of symbols. */
		rc = 0;
		for (int i = 0; rc == 0 && i < PYPIN_KEEP_NFN; i++) {
			int d = fn_names[i] ? pypin_elf_defines(&e, fn_names[i]) : 0;
			if (d < 0)
				rc = -1;
			found[i] = d > 0;
		}
		for (int i = 0; rc == 0 && i < PYPIN_KEEP_KEEP_NEEDED; i++)
			if (!found[i]) {
				snprintf(sym, symsz, "%s", fn_names[i]);
				rc = 1;
			}
		if (rc == 0 && !found[PYPIN_KEEP_CURRENT_OLD] && !found[PYPIN_KEEP_CURRENT_NEW]) {
			snprintf(sym, symsz, "%s", fn_names[PYPIN_KEEP_CURRENT_NEW]);
			rc = 1;
		}
		pypin_elf_close(&e);
	}
	close(fd);
	return rc;
}

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

/* pypin_keep_fits() for the libpython that dlopen(name) from here loads: a
 * bare name is looked for where the loader looks, its cache included. */
static int keep_fits(const char *name, char *buf, size_t bufsz)
{
	if (!strchr(name, '/')) {
		if (pypin_ldpath_which(name, (const void *)keep_fits, buf, bufsz) != 0)
			return -1;
		name = buf;
	}
	return pypin_keep_fits(name, buf, bufsz);
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
	/* Read from the file before anything is loaded: a companion that finds
	 * too little once loaded cannot always be unloaded again (a libpython
	 * built without -fno-semantic-interposition binds its own calls to it). */
	int fits = keep_fits(path, lib, PATH_MAX);
	if (fits != 0) {
		pypin_debug("keep: %s %s%s; nothing kept", path,
			    fits < 0 ? "cannot be read" : "lacks ", fits < 0 ? "" : lib);
	} else if (pypin_keep_path((const void *)pypin_keep_before, NULL, lib, PATH_MAX) != 0) {
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
	 * holder waits for (a destructor that finalizes on another thread), and
	 * from now on keeps finalizations; until then, and for good if it
	 * answers 0, it passes every call through. */
	int (*arm)(void) = python ? (int (*)(void))dlsym(keep, "pypin_keep_arm") : NULL;
	if (!arm || arm() != 1) {
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
