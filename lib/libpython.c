/* pypin: finding a libpython to pin, from files alone.  See libpython.h. */
#include "libpython.h"
#include "search.h"

#include <dirent.h>
#include <limits.h>
#include <link.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

int pypin_libpython_identify(const char *path, char *tag, size_t tagsz)
{
	struct pypin_elf e;
	int fd = pypin_open_regular(path), rc = -1;

	if (fd < 0)
		return -1;
	if (pypin_elf_open(&e, fd) == PYPIN_ELF_OK) {
		const char *soname = pypin_elf_str(&e, e.soname);
		if (soname && pypin_libpython_tag(soname, tag, tagsz) && strcmp(tag, "3") != 0)
			rc = 0;
		pypin_elf_close(&e);
	}
	close(fd);
	return rc;
}

/* The plugin's undefined Py symbols, sorted, each marked when found. */
struct wanted {
	const char **names;
	unsigned char *found;
	size_t n, cap, nfound;
};

static int collect(const struct pypin_elf_sym *s, void *ctx)
{
	struct wanted *w = ctx;

	if (s->defined || s->bind != STB_GLOBAL || !pypin_is_python_symbol(s->name))
		return 0;
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64;
		const char **names = realloc(w->names, cap * sizeof *names);
		if (!names)
			return 1;
		w->names = names;
		w->cap = cap;
	}
	w->names[w->n++] = s->name;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int mark(const struct pypin_elf_sym *s, void *ctx)
{
	struct wanted *w = ctx;
	const char **hit;

	if (!s->defined || (s->bind != STB_GLOBAL && s->bind != STB_WEAK))
		return 0;
	hit = bsearch(&s->name, w->names, w->n, sizeof *w->names, cmp_names);
	if (hit && !w->found[hit - w->names]) {
		w->found[hit - w->names] = 1;
		w->nfound++;
	}
	return w->nfound == w->n;
}

int pypin_libpython_serves(const char *path, const struct pypin_elf *plugin)
{
	struct wanted w = { 0 };
	struct pypin_elf e;
	int fd, ok = 0;

	if (pypin_elf_each_undefined(plugin, collect, &w) != PYPIN_ELF_OK)
		goto out;
	if (w.n == 0) {
		ok = 1;
		goto out;
	}
	qsort(w.names, w.n, sizeof *w.names, cmp_names);
	/* Drop duplicates so that nfound can reach n. */
	size_t k = 1;
	for (size_t i = 1; i < w.n; i++)
		if (strcmp(w.names[i], w.names[k - 1]) != 0)
			w.names[k++] = w.names[i];
	w.n = k;
	w.found = calloc(w.n, 1);
	if (!w.found || (fd = pypin_open_regular(path)) < 0)
		goto out;
	if (pypin_elf_open(&e, fd) == PYPIN_ELF_OK) {
		ok = pypin_elf_each_symbol(&e, mark, &w) == PYPIN_ELF_OK && w.nfound == w.n;
		pypin_elf_close(&e);
	}
	close(fd);
out:
	free(w.names);
	free(w.found);
	return ok;
}

/* Expands one DT_RPATH/DT_RUNPATH entry; returns 0, or -1 to skip it. */
static int expand_entry(const char *entry, size_t len, const char *origin, char *out,
	size_t outsz)
{
	size_t o = 0;

	for (size_t i = 0; i < len; ) {
		const char *rest = entry + i;
		size_t skip = 0;
		if (strncmp(rest, "$ORIGIN", 7) == 0)
			skip = 7;
		else if (strncmp(rest, "${ORIGIN}", 9) == 0)
			skip = 9;
		if (skip && i + skip <= len) {
			size_t ol = strlen(origin);
			if (!*origin || o + ol >= outsz)
				return -1;
			memcpy(out + o, origin, ol);
			o += ol;
			i += skip;
			continue;
		}
		if (entry[i] == '$' || o + 1 >= outsz)
			return -1;            /* $LIB, $PLATFORM: not worth guessing */
		out[o++] = entry[i++];
	}
	out[o] = '\0';
	return o > 0 ? 0 : -1;
}

/* Looks for name in each directory of a colon-separated list. */
static int find_in_list(const char *list, const char *origin, const char *name,
	char *out, size_t outsz)
{
	char dir[PATH_MAX];

	while (list && *list) {
		size_t len = strcspn(list, ":");
		if (expand_entry(list, len, origin, dir, sizeof dir) == 0) {
			int n = snprintf(out, outsz, "%s/%s", dir, name);
			if (n > 0 && (size_t)n < outsz && access(out, R_OK) == 0)
				return 0;
		}
		list += len;
		if (*list == ':')
			list++;
	}
	return -1;
}

int pypin_libpython_beside(const struct pypin_elf *plugin, const char *plugin_path,
	const char *name, char *out, size_t outsz)
{
	const char *rpath = pypin_elf_str(plugin, plugin->rpath);
	const char *runpath = pypin_elf_str(plugin, plugin->runpath);
	char origin[PATH_MAX] = "";
	const char *slash = strrchr(plugin_path, '/');

	/* $ORIGIN is the directory of the object as it was opened, made absolute;
	 * in secure-execution mode it is not trusted. */
	if (slash && !getauxval(AT_SECURE)) {
		size_t dl = (size_t)(slash - plugin_path);
		if (plugin_path[0] == '/') {
			if (dl < sizeof origin)
				snprintf(origin, sizeof origin, "%.*s", (int)dl, plugin_path);
		} else if (getcwd(origin, sizeof origin)) {
			size_t cl = strlen(origin);
			if (cl + 1 + dl < sizeof origin)
				snprintf(origin + cl, sizeof origin - cl, "/%.*s", (int)dl,
					 plugin_path);
			else
				origin[0] = '\0';
		}
	}
	if (!runpath && find_in_list(rpath, origin, name, out, outsz) == 0)
		return 0;
	if (find_in_list(secure_getenv("LD_LIBRARY_PATH"), "", name, out, outsz) == 0)
		return 0;
	return find_in_list(runpath, origin, name, out, outsz);
}

#define MAX_CANDIDATES 32

struct candidate {
	char path[PATH_MAX];
	unsigned minor, order;        /* order: the loader's directory order */
};

struct newest {
	struct candidate c[MAX_CANDIDATES];
	unsigned n;
};

/* Accepts exactly libpython3.N.so.1.0. */
static int plain_minor(const char *name, unsigned *minor)
{
	static const char prefix[] = "libpython3.";
	const char *p = name + sizeof prefix - 1;
	char *end;

	if (strncmp(name, prefix, sizeof prefix - 1) != 0 || *p < '0' || *p > '9')
		return 0;
	unsigned long m = strtoul(p, &end, 10);
	if (strcmp(end, ".so.1.0") != 0 || m > 1000)
		return 0;
	*minor = (unsigned)m;
	return 1;
}

static int scan_dir(const char *dir, void *ctx)
{
	struct newest *nw = ctx;
	DIR *d = opendir(dir);
	struct dirent *de;
	unsigned minor;

	if (!d)
		return 0;
	while ((de = readdir(d)) && nw->n < MAX_CANDIDATES) {
		struct candidate *c = &nw->c[nw->n];
		if (!plain_minor(de->d_name, &minor))
			continue;
		int n = snprintf(c->path, sizeof c->path, "%s/%s", dir, de->d_name);
		if (n > 0 && (size_t)n < sizeof c->path) {
			c->minor = minor;
			c->order = nw->n++;
		}
	}
	closedir(d);
	return 0;
}

/* Newest first; among equals, the loader's directory order. */
static int cmp_candidates(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	if (x->minor != y->minor)
		return x->minor > y->minor ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

int pypin_libpython_newest(const void *addr, const struct pypin_elf *plugin,
	char *out, size_t outsz, char *tag, size_t tagsz)
{
	struct newest *nw = calloc(1, sizeof *nw);
	int rc = -1;

	if (!nw)
		return -1;
	if (pypin_search_dirs(addr, scan_dir, nw) == 0) {
		qsort(nw->c, nw->n, sizeof nw->c[0], cmp_candidates);
		for (unsigned i = 0; i < nw->n && rc != 0; i++) {
			const char *path = nw->c[i].path;
			if (pypin_libpython_identify(path, tag, tagsz) == 0 &&
			    (!plugin || pypin_libpython_serves(path, plugin)) &&
			    strlen(path) < outsz) {
				strcpy(out, path);
				rc = 0;
			}
		}
	}
	free(nw);
	return rc;
}

/* Removes the last path component of p in place; returns its start, or NULL. */
static const char *pop(char *p)
{
	char *slash = strrchr(p, '/');
	if (!slash || slash == p)
		return NULL;
	*slash = '\0';
	return slash + 1;
}

int pypin_libpython_program(const char *libpath, const char *tag, char *out, size_t outsz)
{
	char real[PATH_MAX];
	const char *last;

	if (!realpath(libpath, real) || !pop(real) || !(last = strrchr(real, '/')))
		return -1;
	last++;
	/* PREFIX/lib, PREFIX/lib64 or PREFIX/lib/MULTIARCH */
	if (strcmp(last, "lib") != 0 && strcmp(last, "lib64") != 0) {
		pop(real);
		last = strrchr(real, '/');
		if (!last || strcmp(last + 1, "lib") != 0)
			return -1;
	}
	pop(real);
	int n = snprintf(out, outsz, "%s/bin/python%s", real, tag);
	if (n < 0 || (size_t)n >= outsz || access(out, X_OK) != 0)
		return -1;
	return 0;
}
