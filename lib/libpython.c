/* pypin: finding a libpython to pin, from files alone.  See libpython.h. */
#include "libpython.h"
#include "choose.h"
#include "loaded.h"
#include "log.h"
#include "platform.h"
#include "search.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

int pypin_libpython_identify(const char *path, char *tag, size_t tagsz, char *soname,
	size_t sonamesz)
{
	struct pypin_elf e;
	int fd = pypin_open_regular(path), rc = -1;

	if (fd < 0)
		return -1;
	if (pypin_elf_open(&e, fd) == PYPIN_ELF_OK) {
		const char *name = pypin_elf_str(&e, e.soname);
		if (name && pypin_libpython_tag(name, tag, tagsz) && strcmp(tag, "3") != 0 &&
		    (!soname || (size_t)snprintf(soname, sonamesz, "%s", name) < sonamesz))
			rc = 0;
		pypin_elf_close(&e);
	}
	close(fd);
	return rc;
}

/* The plugin's undefined Py symbols, sorted. */
struct wanted {
	const char **names;
	size_t n, cap;
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

/* Collects the plugin's undefined Py symbols into w, sorted and without
 * duplicates.  Returns 0, or -1. */
static int wanted_of(const struct pypin_elf *plugin, struct wanted *w)
{
	if (pypin_elf_each_python_undefined(plugin, collect, w) != PYPIN_ELF_OK)
		return -1;
	if (w->n == 0)
		return 0;
	qsort(w->names, w->n, sizeof *w->names, cmp_names);
	/* Drop duplicates: each name is looked up once. */
	size_t k = 1;
	for (size_t i = 1; i < w->n; i++)
		if (strcmp(w->names[i], w->names[k - 1]) != 0)
			w->names[k++] = w->names[i];
	w->n = k;
	return 0;
}

int pypin_libpython_missing(const char *path, const struct pypin_elf *plugin, char *sym,
	size_t symsz)
{
	struct wanted w = { 0 };
	struct pypin_elf e;
	int fd, rc = -1;

	if (wanted_of(plugin, &w) != 0)
		goto out;
	if (w.n == 0) {
		rc = 0;
		goto out;
	}
	if ((fd = pypin_open_regular(path)) < 0)
		goto out;
	if (pypin_elf_open(&e, fd) == PYPIN_ELF_OK) {
		/* One lookup per name through the candidate's hash table (a bucket,
		 * its chain and the names compared), not a walk of its symbols.
		 * The first missing in the plugin's own order would need a second
		 * list; the first by name is as good a witness. */
		rc = 0;
		for (size_t i = 0; rc == 0 && i < w.n; i++) {
			int defined = pypin_elf_defines(&e, w.names[i]);
			if (defined < 0)
				rc = -1;
			else if (!defined) {
				rc = 1;
				snprintf(sym, symsz, "%s", w.names[i]);
			}
		}
		pypin_elf_close(&e);
	}
	close(fd);
out:
	free(w.names);
	return rc;
}

struct unresolved {
	char *sym;
	size_t symsz;
	int found;
	int have_image;
	struct pypin_elf_image image;
};

static int unresolved_cb(const struct pypin_elf_sym *s, void *ctx)
{
	struct unresolved *u = ctx;

	if (s->defined || s->bind != STB_GLOBAL || !pypin_is_python_symbol(s->name) ||
	    (u->have_image && pypin_elf_image_defines(&u->image, s->name)) ||
	    dlsym(RTLD_DEFAULT, s->name))
		return 0;
	snprintf(u->sym, u->symsz, "%s", s->name);
	u->found = 1;
	return 1;
}

int pypin_libpython_unresolved(const struct pypin_elf *plugin, char *sym, size_t symsz)
{
	struct unresolved u = { sym, symsz, 0, 0, { 0 } };

	/* Most names are looked up in the hash table of the object that
	 * defines Py_IsInitialized for the global scope (the pinned libpython,
	 * or the program that has Python linked in), in memory: a definition
	 * there is one the loader finds.  A name it lacks is asked of the
	 * loader, which searches all of the global scope.  That lookup through
	 * dlsym() costs several times more, and this runs for every extension
	 * module the interpreter imports.  The object is found anew on each
	 * call: a Python the host made global itself may be unloaded later. */
	u.have_image = pypin_elf_image_of(&u.image, dlsym(RTLD_DEFAULT, "Py_IsInitialized")) == 0;
	/* In the plugin's own order, with no list to sort. */
	if (pypin_elf_each_python_undefined(plugin, unresolved_cb, &u) != PYPIN_ELF_OK)
		return -1;
	return u.found;
}

/* Where a plugin's DT_NEEDED libpython is looked for, and the directory
 * names being built: on the heap, since dlopen may run on a small stack. */
struct search {
	const char *name;
	char *out;
	size_t outsz;
	char origin[PATH_MAX];        /* $ORIGIN of the list being searched */
	int exe;                      /* the list is the executable's */
	int secure;                   /* secure-execution mode */
	char lib[PATH_MAX];           /* $LIB, or "" when unknown */
	const char *platform;         /* $PLATFORM, or NULL */
	char dir[PATH_MAX];
};

/* Appends to s->dir at *o the expansion of the dynamic string token that
 * starts entry (after the '$'), and returns its length, or 0 when it is not
 * one that can be expanded here.  In secure-execution mode the loader expands
 * $ORIGIN only where the element starts with it (first) and a '/' or the end
 * follows; otherwise it drops the element (glibc's _dl_dst_substitute). */
static size_t expand_token(struct search *s, const char *entry, size_t len, size_t *o,
	int first, int *origin)
{
	static const char *const names[] = { "ORIGIN", "LIB", "PLATFORM" };

	for (unsigned k = 0; k < 3; k++) {
		size_t n = strlen(names[k]), used;
		if (len >= n && strncmp(entry, names[k], n) == 0 &&
		    (len == n || !(entry[n] == '_' || (entry[n] >= 'A' && entry[n] <= 'Z') ||
				   (entry[n] >= 'a' && entry[n] <= 'z') ||
				   (entry[n] >= '0' && entry[n] <= '9'))))
			used = n;
		else if (len >= n + 2 && entry[0] == '{' && strncmp(entry + 1, names[k], n) == 0 &&
			 entry[n + 1] == '}')
			used = n + 2;
		else
			continue;
		if (k == 0 && s->secure && !(first && (used == len || entry[used] == '/')))
			return 0;
		*origin |= k == 0;
		const char *value = k == 0 ? s->origin : k == 1 ? s->lib : s->platform;
		size_t vl = value ? strlen(value) : 0;
		if (vl == 0 || *o + vl >= sizeof s->dir)
			return 0;
		memcpy(s->dir + *o, value, vl);
		*o += vl;
		return used;
	}
	return 0;
}

/* In secure-execution mode the loader takes $ORIGIN in the executable's own
 * list only into a directory it trusts, one of its system directories: here,
 * whether s->dir lies under /$LIB or /usr/$LIB, with no "." or ".." in it
 * (the loader would resolve them first; pypin does not guess). */
static int in_system_dir(const struct search *s)
{
	size_t ll = strlen(s->lib);
	const char *d = s->dir;

	if (!ll || strstr(d, "/./") || strstr(d, "/../"))
		return 0;
	if (strncmp(d, "/usr/", 5) == 0)
		d += 4;
	return d[0] == '/' && strncmp(d + 1, s->lib, ll) == 0 &&
	       (d[1 + ll] == '/' || d[1 + ll] == '\0');
}

/* Expands one search-path element into s->dir, as the loader does: $ORIGIN,
 * $LIB and $PLATFORM replaced, an empty element the current directory.
 * Returns 0, or -1 to skip it (a token that cannot be expanded here). */
static int expand_entry(struct search *s, const char *entry, size_t len)
{
	size_t o = 0;
	int origin = 0;

	if (len == 0) {
		strcpy(s->dir, ".");
		return 0;
	}
	for (size_t i = 0; i < len; ) {
		if (entry[i] == '$') {
			size_t used = expand_token(s, entry + i + 1, len - i - 1, &o, i == 0,
						   &origin);
			if (used == 0)
				return -1;
			i += 1 + used;
			continue;
		}
		if (o + 1 >= sizeof s->dir)
			return -1;
		s->dir[o++] = entry[i++];
	}
	s->dir[o] = '\0';
	if (origin && s->secure && s->exe && !in_system_dir(s))
		return -1;
	return 0;
}

/* Looks for s->name in each directory of a list whose elements are separated
 * by any of the characters in seps. */
static int find_in_list(struct search *s, const char *list, const char *seps)
{
	if (!list)
		return -1;
	for (;;) {
		size_t len = strcspn(list, seps);
		if (expand_entry(s, list, len) == 0) {
			int n = snprintf(s->out, s->outsz, "%s/%s", s->dir, s->name);
			if (n > 0 && (size_t)n < s->outsz && pypin_loader_can_open(s->out, R_OK))
				return 0;
		}
		if (!list[len])
			return -1;
		list += len + 1;
	}
}

/* Sets s->origin to the directory of the object opened as path (made absolute
 * against the current directory), or to "" for an empty path; exe says
 * whether the list to be searched is the executable's, which the loader
 * trusts less in secure-execution mode (expand_token, in_system_dir). */
static void set_origin(struct search *s, const char *path, int exe)
{
	const char *slash = strrchr(path, '/');
	size_t dl = slash ? (size_t)(slash - path) : 0;

	s->origin[0] = '\0';
	s->exe = exe;
	s->secure = getauxval(AT_SECURE) != 0;
	if (!slash)
		return;
	if (path[0] == '/') {
		if (dl < sizeof s->origin)
			snprintf(s->origin, sizeof s->origin, "%.*s", (int)dl, path);
	} else if (getcwd(s->origin, sizeof s->origin)) {
		size_t cl = strlen(s->origin);
		if (cl + 1 + dl < sizeof s->origin)
			snprintf(s->origin + cl, sizeof s->origin - cl, "/%.*s", (int)dl, path);
		else
			s->origin[0] = '\0';
	}
}

/* The executable's $ORIGIN: the directory of /proc/self/exe, as the loader
 * finds it. */
static void set_exe_origin(struct search *s)
{
	ssize_t n = readlink("/proc/self/exe", s->dir, sizeof s->dir - 1);

	s->dir[n > 0 ? n : 0] = '\0';
	set_origin(s, s->dir, 1);
}

/* If name is the path of libc.so.6, stores the directory it was loaded from,
 * below the root and /usr, in out ("lib/x86_64-linux-gnu" on Debian, "lib64"
 * elsewhere: the guess of $LIB) and returns 1; else 0. */
static int libc_dir(const char *name, char *out, size_t outsz)
{
	const char *base = name ? strrchr(name, '/') : NULL;

	if (!base || strcmp(base + 1, "libc.so.6") != 0)
		return 0;
	size_t len = (size_t)(base - name);
	if (strncmp(name, "/usr/", 5) == 0)
		name += 4, len -= 4;
	if (*name == '/' && len > 1 && len < outsz)
		snprintf(out, outsz, "%.*s", (int)(len - 1), name + 1);
	return 1;
}

/* Reads the first loaded object (the executable) and guesses $LIB. */
struct scan {
	struct pypin_loaded exe;
	int have_exe;
	struct search *s;
};

static int scan_cb(struct dl_phdr_info *info, size_t size, void *ctx)
{
	struct scan *sc = ctx;

	(void)size;
	if (!sc->have_exe) {
		sc->have_exe = pypin_loaded_phdr(info, &sc->exe) == 0 ? 1 : -1;
		return 0;
	}
	return libc_dir(info->dlpi_name, sc->s->lib, sizeof sc->s->lib);
}

/* LD_LIBRARY_PATH as the loader read it, when the process started: a value
 * set later (setenv) does not count, and of several the last does.  NULL in
 * secure-execution mode, where the loader ignores it.  The start-up
 * environment is read from /proc/self/environ; without /proc, the current
 * value stands in for it. */
static char *startup_library_path(void)
{
	static const char key[] = "LD_LIBRARY_PATH=";
	char *env = NULL, *value = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd;

	if (getauxval(AT_SECURE))
		return NULL;
	fd = open("/proc/self/environ", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		const char *v = getenv("LD_LIBRARY_PATH");
		return v ? strdup(v) : NULL;
	}
	for (;;) {
		if (len + 1 >= cap) {
			char *p = cap < (4u << 20) ? realloc(env, cap ? 2 * cap : 4096) : NULL;
			if (!p)
				break;
			env = p;
			cap = cap ? 2 * cap : 4096;
		}
		n = read(fd, env + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (env)
		env[len] = '\0';
	for (size_t i = 0; env && i < len; i += strlen(env + i) + 1)
		if (strncmp(env + i, key, sizeof key - 1) == 0) {
			free(value);
			value = strdup(env + i + sizeof key - 1);
		}
	free(env);
	return value;
}

int pypin_libpython_beside(const struct pypin_elf *plugin, const char *plugin_path,
	const char *name, char *out, size_t outsz)
{
	const char *rpath = pypin_elf_str(plugin, plugin->rpath);
	const char *runpath = pypin_elf_str(plugin, plugin->runpath);
	struct search *s = calloc(1, sizeof *s);
	struct scan sc = { .s = s };
	char *llp;
	int rc = 0;                           /* found, until the last list says */

	if (!s)
		return -1;
	s->name = name;
	s->out = out;
	s->outsz = outsz;
	s->platform = pypin_platform();
	dl_iterate_phdr(scan_cb, &sc);

	/* The plugin's DT_RPATH, then the executable's, each only without a
	 * DT_RUNPATH; the loader does not follow the object that called
	 * dlopen (a dlopen'ed object has no loader of its own). */
	if (!runpath) {
		set_origin(s, plugin_path, 0);
		if (find_in_list(s, rpath, ":") == 0)
			goto found;
		if (sc.have_exe == 1 && sc.exe.rpath && !sc.exe.runpath) {
			set_exe_origin(s);
			if (find_in_list(s, sc.exe.rpath, ":") == 0)
				goto found;
		}
	}
	if ((llp = startup_library_path())) {
		set_exe_origin(s);            /* $ORIGIN in LD_LIBRARY_PATH */
		rc = find_in_list(s, llp, ":;");
		free(llp);
		if (rc == 0)
			goto found;
	}
	set_origin(s, plugin_path, 0);
	rc = find_in_list(s, runpath, ":");
found:
	free(s);
	return rc;
}

/* --- The loader's own search: ld.so.cache, then its default directories -- */

#define LD_SO_CACHE "/etc/ld.so.cache"
#define CACHE_MAX (16u << 20)            /* a larger cache is not read */
#define CACHE_OLD_MAGIC "ld.so-1.7.0"
#define CACHE_NEW_MAGIC "glibc-ld.so.cache1.1"
#define CACHE_NEW_HEADER 48u              /* magic+version, nlibs, len_strings, ... */
#define CACHE_NEW_ENTRY 24u               /* flags, key, value, osversion, hwcap */
#define CACHE_OLD_ENTRY 12u               /* flags, key, value */

/* The flags of an entry the loader of this process would take: an ELF
 * library for glibc, of this architecture.  Elsewhere the cache is not read. */
#define CACHE_FLAG_LIBC6 0x0003u
#if defined(__x86_64__) && defined(__LP64__)
#define CACHE_FLAGS (CACHE_FLAG_LIBC6 | 0x0300u)
#elif defined(__i386__)
#define CACHE_FLAGS CACHE_FLAG_LIBC6
#elif defined(__aarch64__) && defined(__LP64__)
#define CACHE_FLAGS (CACHE_FLAG_LIBC6 | 0x0a00u)
#endif

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

/* The NUL-terminated string at offset off of data[size], or NULL. */
static const char *cache_str(const char *data, size_t size, size_t off)
{
	return off < size && memchr(data + off, '\0', size - off) ? data + off : NULL;
}

/* Looks name up in the cache text data[size] (glibc's format "1.1", alone
 * or after the old format's table); string offsets count from the new
 * header.  Returns 0 with the path in out, or -1. */
static int cache_lookup(const char *data, size_t size, const char *name, char *out,
	size_t outsz)
{
#ifdef CACHE_FLAGS
	const unsigned char *u = (const unsigned char *)data;
	size_t at = 0;

	if (size >= 16 && memcmp(data, CACHE_OLD_MAGIC, sizeof CACHE_OLD_MAGIC - 1) == 0) {
		size_t n = get32(u + 12);
		if (n > (size - 16) / CACHE_OLD_ENTRY)
			return -1;
		at = (16 + n * CACHE_OLD_ENTRY + 7) & ~(size_t)7;
	}
	if (at > size || size - at < CACHE_NEW_HEADER ||
	    memcmp(data + at, CACHE_NEW_MAGIC, sizeof CACHE_NEW_MAGIC - 1) != 0)
		return -1;
	const char *base = data + at;
	size_t left = size - at, nlibs = get32(u + at + 20);
	if (nlibs > (left - CACHE_NEW_HEADER) / CACHE_NEW_ENTRY)
		return -1;
	for (size_t i = 0; i < nlibs; i++) {
		const unsigned char *ent = u + at + CACHE_NEW_HEADER + i * CACHE_NEW_ENTRY;
		uint32_t flags = get32(ent);
		uint64_t hwcap;
		memcpy(&hwcap, ent + 16, sizeof hwcap);
		/* Entries for glibc-hwcaps subdirectories (hwcap set) are left to
		 * the plain one of the same name. */
		if (flags != CACHE_FLAGS || hwcap != 0)
			continue;
		const char *key = cache_str(base, left, get32(ent + 4));
		const char *value = cache_str(base, left, get32(ent + 8));
		if (key && value && strcmp(key, name) == 0 && value[0] == '/' &&
		    (size_t)snprintf(out, outsz, "%s", value) < outsz && pypin_loader_can_open(out, R_OK))
			return 0;
	}
#else
	(void)data, (void)size, (void)name, (void)out, (void)outsz;
#endif
	return -1;
}

int pypin_libpython_in_cache(const char *cache, const char *name, char *out, size_t outsz)
{
	int fd = pypin_open_regular(cache), rc = -1;
	struct stat st;
	char *data = NULL;
	size_t len = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || st.st_size <= 0 || (uintmax_t)st.st_size > CACHE_MAX ||
	    !(data = malloc((size_t)st.st_size)))
		goto out;
	while (len < (size_t)st.st_size &&
	       ((n = pread(fd, data + len, (size_t)st.st_size - len, (off_t)len)) > 0 ||
		(n < 0 && errno == EINTR)))
		if (n > 0)
			len += (size_t)n;
	rc = cache_lookup(data, len, name, out, outsz);
out:
	free(data);
	close(fd);
	return rc;
}

struct in_dirs {
	const char *name;
	char *out;
	size_t outsz;
	int hit;
};

static int in_dir_cb(const char *dir, void *ctx)
{
	struct in_dirs *d = ctx;
	int n = snprintf(d->out, d->outsz, "%s/%s", dir, d->name);

	d->hit = n > 0 && (size_t)n < d->outsz && pypin_loader_can_open(d->out, R_OK);
	return d->hit;
}

int pypin_libpython_found(const struct pypin_elf *plugin, const char *plugin_path,
	const char *name, char *out, size_t outsz)
{
	struct in_dirs d = { name, out, outsz, 0 };

	if (pypin_libpython_beside(plugin, plugin_path, name, out, outsz) == 0)
		return 0;
	if (plugin->flags_1 & DF_1_NODEFLIB)
		return -1;
	if (pypin_libpython_in_cache(LD_SO_CACHE, name, out, outsz) == 0)
		return 0;
	/* The default directories come last in pypin's own search path (which
	 * has no RPATH or RUNPATH of its own). */
	return pypin_search_dirs((const void *)pypin_libpython_found, in_dir_cb, &d) == 0 &&
	       d.hit ? 0 : -1;
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

void pypin_libpython_each_newest(const void *addr, int (*fn)(const char *path, void *ctx),
	void *ctx)
{
	struct newest *nw = calloc(1, sizeof *nw);

	if (!nw)
		return;
	if (pypin_search_dirs(addr, scan_dir, nw) == 0) {
		qsort(nw->c, nw->n, sizeof nw->c[0], cmp_candidates);
		for (unsigned i = 0; i < nw->n; i++)
			if (fn(nw->c[i].path, ctx))
				break;
	}
	free(nw);
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
	char *real = realpath(libpath, NULL);
	const char *last;
	int n, rc = -1;

	if (!real || !pop(real) || !(last = strrchr(real, '/')))
		goto out;
	last++;
	/* PREFIX/lib, PREFIX/lib64 or PREFIX/lib/MULTIARCH */
	if (strcmp(last, "lib") != 0 && strcmp(last, "lib64") != 0) {
		pop(real);
		last = strrchr(real, '/');
		if (!last || strcmp(last + 1, "lib") != 0)
			goto out;
	}
	pop(real);
	n = snprintf(out, outsz, "%s/bin/python%s", real, tag);
	if (n > 0 && (size_t)n < outsz && pypin_loader_can_open(out, X_OK))
		rc = 0;
out:
	free(real);
	return rc;
}

/* --- Python installations, from their files ------------------------------ */

/* The value of `key = value` in the text of a pyvenv.cfg, into out. */
static int cfg_value(const char *text, const char *key, char *out, size_t outsz)
{
	size_t kl = strlen(key);

	for (const char *line = text; line && *line; line = strchr(line, '\n'), line += !!line) {
		const char *p = line + strspn(line, " \t");
		if (strncmp(p, key, kl) != 0)
			continue;
		p += kl;
		p += strspn(p, " \t");
		if (*p != '=')
			continue;
		p++;
		p += strspn(p, " \t");
		size_t n = strcspn(p, "\r\n");
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n == 0 || n >= outsz)
			return -1;
		memcpy(out, p, n);
		out[n] = '\0';
		return 0;
	}
	return -1;
}

/* Reads the first size - 1 bytes of the regular file path into buf. */
static int read_small(const char *path, char *buf, size_t size)
{
	int fd = pypin_open_regular(path);
	size_t len = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while (len + 1 < size && ((n = read(fd, buf + len, size - 1 - len)) > 0 ||
				  (n < 0 && errno == EINTR)))
		if (n > 0)
			len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	return 0;
}

struct venv {
	char dir[PATH_MAX], cfg[PATH_MAX], val[PATH_MAX], ver[32];
	char text[4096];
};

int pypin_venv_base(const char *program, char *base, size_t basesz)
{
	struct venv *v = calloc(1, sizeof *v);
	int rc = -1, found = 0;

	if (!v || program[0] != '/' || strlen(program) >= sizeof v->dir)
		goto out;
	strcpy(v->dir, program);
	/* pyvenv.cfg beside the program, or one directory up (as CPython looks). */
	for (int up = 0; up < 2 && !found && pop(v->dir); up++)
		found = (size_t)snprintf(v->cfg, sizeof v->cfg, "%s/pyvenv.cfg", v->dir) <
			sizeof v->cfg && read_small(v->cfg, v->text, sizeof v->text) == 0;
	if (!found)
		goto out;
	if (cfg_value(v->text, "executable", v->val, sizeof v->val) == 0 && v->val[0] == '/' &&
	    pypin_loader_can_open(v->val, X_OK) && strlen(v->val) < basesz) {
		strcpy(base, v->val);
		rc = 0;
		goto out;
	}
	if (cfg_value(v->text, "home", v->val, sizeof v->val) != 0 || v->val[0] != '/')
		goto out;
	/* version = 3.12.1 (or version_info): home/python3.12, else home/python3. */
	if (cfg_value(v->text, "version", v->ver, sizeof v->ver) == 0 ||
	    cfg_value(v->text, "version_info", v->ver, sizeof v->ver) == 0) {
		char *dot = strchr(v->ver, '.');
		if (dot && (dot = strchr(dot + 1, '.')))
			*dot = '\0';
		if ((size_t)snprintf(base, basesz, "%s/python%s", v->val, v->ver) < basesz &&
		    pypin_loader_can_open(base, X_OK)) {
			rc = 0;
			goto out;
		}
	}
	rc = (size_t)snprintf(base, basesz, "%s/python3", v->val) < basesz &&
	     pypin_loader_can_open(base, X_OK) ? 0 : -1;
out:
	free(v);
	return rc;
}

static int libc_dir_cb(struct dl_phdr_info *info, size_t size, void *ctx)
{
	(void)size;
	return libc_dir(info->dlpi_name, ctx, PATH_MAX);
}

/* soname in the library directories of the installation whose program is
 * the file exe (PREFIX/bin/...): PREFIX/lib, PREFIX/lib64, PREFIX/$LIB. */
static int in_prefix(const char *exe, const char *soname, char *out, size_t outsz)
{
	char *prefix = strdup(exe), *libdir = calloc(1, PATH_MAX);
	const char *dirs[3] = { "lib", "lib64", libdir };
	int rc = -1;

	if (!prefix || !libdir || !pop(prefix) || !pop(prefix))
		goto out;
	dl_iterate_phdr(libc_dir_cb, libdir);
	for (unsigned i = 0; i < 3 && rc != 0; i++) {
		int n = dirs[i][0] ? snprintf(out, outsz, "%s/%s/%s", prefix, dirs[i], soname) : -1;
		if (n > 0 && (size_t)n < outsz && pypin_loader_can_open(out, R_OK))
			rc = 0;
	}
out:
	free(prefix);
	free(libdir);
	return rc;
}

/* For an executable whose DT_NEEDED cannot be had (the ELF reader takes
 * shared objects only, not programs) or names no libpython (linked
 * statically, like Debian's): its installation's libpython, by the program's
 * name pythonX.Y. */
static int by_program_name(const char *exe, char *out, size_t outsz)
{
	const char *base = strrchr(exe, '/');
	char soname[PYPIN_NAME_MAX];

	base = base ? base + 1 : exe;
	if (strncmp(base, "python", 6) != 0 || !strchr(base, '.') || base[6] < '0' ||
	    base[6] > '9')
		return -1;
	/* pythonX.Y, whose library may carry the ABI flag m (3.6, 3.7). */
	for (unsigned m = 0; m < 2; m++)
		if ((size_t)snprintf(soname, sizeof soname, "lib%s%s.so.1.0", base,
				     m ? "m" : "") < sizeof soname &&
		    in_prefix(exe, soname, out, outsz) == 0)
			return 0;
	return -1;
}

int pypin_libpython_of_program(const char *program, char *out, size_t outsz, const char **why)
{
	char *base = malloc(PATH_MAX), *real = NULL, tag[PYPIN_TAG_MAX];
	struct pypin_elf e;
	int fd, rc = -1, named = 0;

	*why = "not found";
	if (!base)
		return -1;
	if (program[0] != '/') {
		*why = "not an absolute path";
		goto out;
	}
	if (pypin_venv_base(program, base, PATH_MAX) == 0)
		program = base;               /* a venv runs its base's libpython */
	if (!(real = realpath(program, NULL)) || (fd = pypin_open_regular(real)) < 0)
		goto out;
	if (pypin_elf_open(&e, fd) == PYPIN_ELF_OK) {
		for (unsigned i = 0; i < e.nneeded && !named; i++) {
			const char *name = pypin_elf_str(&e, e.needed[i]);
			if (!name || !pypin_libpython_tag(name, tag, sizeof tag) ||
			    strcmp(tag, "3") == 0)
				continue;
			named = 1;
			if (pypin_libpython_beside(&e, real, name, out, outsz) == 0 ||
			    in_prefix(real, name, out, outsz) == 0)
				rc = 0;
			else
				*why = "the libpython it names is not found";
		}
		pypin_elf_close(&e);
	}
	close(fd);
	if (!named) {
		rc = by_program_name(real, out, outsz);
		if (rc != 0)
			*why = "no shared libpython";
	}
out:
	free(base);
	free(real);
	return rc;
}

int pypin_libpython_shim_target(const char *shim, char *out, size_t outsz)
{
	char *real = realpath(shim, NULL), tag[PYPIN_TAG_MAX];
	struct pypin_elf e;
	int fd, rc = -1;

	if (!real || (fd = pypin_open_regular(real)) < 0) {
		free(real);
		return -1;
	}
	if (pypin_elf_open(&e, fd) == PYPIN_ELF_OK) {
		for (unsigned i = 0; i < e.nneeded && rc != 0; i++) {
			const char *name = pypin_elf_str(&e, e.needed[i]);
			if (!name || !pypin_libpython_tag(name, tag, sizeof tag) ||
			    strcmp(tag, "3") == 0)
				continue;
			/* Its own RUNPATH, else its own directory: the installation's. */
			if (pypin_libpython_beside(&e, real, name, out, outsz) == 0)
				rc = 0;
			else {
				char *dir = strdup(real);
				int n = dir && pop(dir) ? snprintf(out, outsz, "%s/%s", dir, name) : -1;
				if (n > 0 && (size_t)n < outsz && pypin_loader_can_open(out, R_OK))
					rc = 0;
				free(dir);
			}
			break;
		}
		pypin_elf_close(&e);
	}
	close(fd);
	free(real);
	return rc;
}

int pypin_libpython_own_shim(const char *lib, char *out, size_t outsz)
{
	char *real = realpath(lib, NULL), *target = malloc(PATH_MAX), *slash;
	int rc = -1;

	if (real && target && (slash = strrchr(real, '/'))) {
		*slash = '\0';
		if ((size_t)snprintf(out, outsz, "%s/libpython3.so", real) < outsz &&
		    pypin_libpython_shim_target(out, target, PATH_MAX) == 0 &&
		    pypin_same_file(target, lib))
			rc = 0;
	}
	free(real);
	free(target);
	return rc;
}

int pypin_libpython_second(const struct pypin_elf *plugin, const char *plugin_path,
	const char *lib, char *shim, char *target, size_t size)
{
	return pypin_libpython_found(plugin, plugin_path, "libpython3.so", shim, size) == 0 &&
	       pypin_libpython_shim_target(shim, target, size) == 0 &&
	       !pypin_same_file(target, lib);
}

/* Whether the file at path starts with the ELF magic. */
static int is_elf(const char *path)
{
	unsigned char magic[4];
	int fd = pypin_open_regular(path), ok;

	if (fd < 0)
		return 0;
	ok = pread(fd, magic, sizeof magic, 0) == (ssize_t)sizeof magic &&
	     memcmp(magic, "\177ELF", 4) == 0;
	close(fd);
	return ok;
}

/* --- pyenv's shims, resolved from pyenv's files ------------------------------- */

/* What resolving a pyenv shim needs: on the heap. */
struct pyenv {
	char root[PATH_MAX];          /* the directory above shims/ */
	char cwd[PATH_MAX], file[PATH_MAX];
	char text[4096];              /* a shim, a version file, PYENV_VERSION */
	char list[4096];              /* the version names, ':'-separated */
};

/* Whether the executable file shim is one of pyenv's shims: a script that
 * names pyenv, in a directory shims/ beside versions/.  Sets p->root. */
static int is_pyenv_shim(struct pyenv *p, const char *shim)
{
	const char *slash = strrchr(shim, '/');
	size_t dl;
	int n;

	if (!slash || slash == shim)
		return 0;
	dl = (size_t)(slash - shim);
	if (dl < 6 || strncmp(slash - 6, "/shims", 6) != 0 || dl - 6 >= sizeof p->root)
		return 0;
	snprintf(p->root, sizeof p->root, "%.*s", (int)(dl - 6), shim);
	n = snprintf(p->file, sizeof p->file, "%s/versions", p->root);
	return n > 0 && (size_t)n < sizeof p->file && pypin_loader_can_open(p->file, X_OK) &&
	       read_small(shim, p->text, sizeof p->text) == 0 &&
	       strncmp(p->text, "#!", 2) == 0 && strstr(p->text, "pyenv");
}

/* Appends the version names of a version file's text (words; lines starting
 * with '#' are comments) to p->list.  Returns the number appended. */
static unsigned list_words(struct pyenv *p, const char *text, const char *seps)
{
	size_t o = strlen(p->list);
	unsigned n = 0;

	for (const char *t = text; *t; ) {
		if (*t == '#' && strcmp(seps, ":") != 0) {
			t += strcspn(t, "\n");
			continue;
		}
		size_t len = strcspn(t, seps);
		if (len > 0 && o + len + 2 < sizeof p->list) {
			if (o)
				p->list[o++] = ':';
			memcpy(p->list + o, t, len);
			o += len;
			p->list[o] = '\0';
			n++;
		}
		t += len;
		t += strspn(t, seps);
	}
	return n;
}

/* The versions pyenv selects, as pyenv finds them: PYENV_VERSION, else the
 * first .python-version from the current directory up, else the root's
 * version file, else "system".  Into p->list; returns where they came from. */
static const char *pyenv_versions(struct pyenv *p)
{
	const char *env = secure_getenv("PYENV_VERSION");

	p->list[0] = '\0';
	if (env && *env && strlen(env) < sizeof p->text) {
		if (list_words(p, env, ":"))
			return "PYENV_VERSION";
	}
	if (getcwd(p->cwd, sizeof p->cwd) && p->cwd[0] == '/') {
		for (;;) {
			size_t l = strlen(p->cwd);
			int n = snprintf(p->file, sizeof p->file, "%s/.python-version",
					 l == 1 ? "" : p->cwd);
			if (n > 0 && (size_t)n < sizeof p->file &&
			    read_small(p->file, p->text, sizeof p->text) == 0 &&
			    list_words(p, p->text, " \t\r\n"))
				return ".python-version";
			if (l == 1)
				break;
			char *slash = strrchr(p->cwd, '/');
			slash[slash == p->cwd] = '\0';
		}
	}
	if ((size_t)snprintf(p->file, sizeof p->file, "%s/version", p->root) < sizeof p->file &&
	    read_small(p->file, p->text, sizeof p->text) == 0 &&
	    list_words(p, p->text, " \t\r\n"))
		return "the pyenv version file";
	snprintf(p->list, sizeof p->list, "system");
	return "no version file";
}

/* Resolves the pyenv shim for name: 0 with the version's program in out; 1
 * for "system" (the next PATH entry); -1 with why. */
static int pyenv_resolve(struct pyenv *p, const char *shim, const char *name, char *out,
	size_t outsz, const char **why)
{
	const char *from = pyenv_versions(p);

	for (const char *v = p->list; *v; ) {
		size_t len = strcspn(v, ":");
		if (len == 6 && strncmp(v, "system", 6) == 0) {
			pypin_debug("%s: pyenv's shim, version system (%s): the next on PATH",
				    shim, from);
			return 1;
		}
		/* A name, or name/envs/venv (pyenv-virtualenv); never "..". */
		int n = snprintf(out, outsz, "%s/versions/%.*s/bin/%s", p->root, (int)len, v, name);
		if (n > 0 && (size_t)n < outsz && !strstr(out + strlen(p->root), "/../") &&
		    pypin_loader_can_open(out, X_OK)) {
			pypin_debug("%s: pyenv's shim, version %.*s (%s): %s", shim, (int)len, v,
				    from, out);
			return 0;
		}
		v += len;
		v += *v == ':';
	}
	pypin_debug("%s: pyenv's shim; no version %s names (%s) is installed with %s", shim,
		    from, p->list, name);
	*why = "is pyenv's shim, and no version it selects is installed with it";
	return -1;
}

#define MAX_PATH_DIRS 128

int pypin_libpython_on_path(const char *name, char *out, size_t outsz, const char **why)
{
	const char *path = secure_getenv("PATH");
	struct pyenv *p = NULL;
	unsigned dirs = 0;
	int rc = -1;

	if (!path)
		return -1;
	for (const char *d = path; *d && dirs < MAX_PATH_DIRS; dirs++) {
		size_t len = strcspn(d, ":");
		/* Relative elements (and the empty one, the current directory)
		 * depend on where the host runs: passed over. */
		if (len > 0 && d[0] == '/') {
			int n = snprintf(out, outsz, "%.*s/%s", (int)len, d, name);
			if (n > 0 && (size_t)n < outsz && pypin_loader_can_open(out, X_OK)) {
				if (is_elf(out)) {
					rc = 0;
					break;
				}
				if (!p && !(p = calloc(1, sizeof *p)))
					break;
				if (is_pyenv_shim(p, out)) {
					rc = pyenv_resolve(p, out, name, p->file, sizeof p->file, why);
					if (rc == 0)
						snprintf(out, outsz, "%s", p->file);
					else if (rc < 0)
						rc = 1;       /* out: the shim */
					else
						rc = -1;      /* "system": on along PATH */
					if (rc >= 0)
						break;
				} else {
					pypin_debug("%s is not an ELF executable (a script); passed "
						    "over", out);
				}
			}
		}
		d += len;
		d += *d == ':';
	}
	free(p);
	return rc;
}
