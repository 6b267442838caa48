/* pypin: the loader's search, predicted.  See ldpath.h. */
#include "ldpath.h"
#include "elf.h"
#include "loaded.h"
#include "platform.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#define LD_SO_CACHE "/etc/ld.so.cache"

int pypin_secure(void)
{
	/* -1 until read.  Two threads may both read it the first time: the
	 * same value. */
	static atomic_int secure = -1;
	int s = atomic_load_explicit(&secure, memory_order_relaxed);

	if (s < 0) {
		s = getauxval(AT_SECURE) != 0;
		atomic_store_explicit(&secure, s, memory_order_relaxed);
	}
	return s;
}

int pypin_same_file(const char *a, const char *b)
{
	char *ra = realpath(a, NULL), *rb = realpath(b, NULL);
	int same = ra && rb ? strcmp(ra, rb) == 0 : strcmp(a, b) == 0;

	free(ra);
	free(rb);
	return same;
}

/* stated: *st is the caller's stat() of path, made just before. */
static int open_regular(const char *path, struct stat *st, int stated)
{
	int fd;

	/* stat first: opening a device or FIFO can block or have side effects. */
	if ((!stated && stat(path, st) != 0) || !S_ISREG(st->st_mode))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
}

int pypin_loader_can_open(const char *path, int mode)
{
	int saved = errno, rc;

	/* The loader opens files with the effective ids; access(2) would ask
	 * with the real ones, and a setuid program's differ. */
	rc = faccessat(AT_FDCWD, path, mode, AT_EACCESS) == 0;
	errno = saved;
	return rc;
}

int pypin_open_regular(const char *path)
{
	struct stat st;

	return open_regular(path, &st, 0);
}

int pypin_search_dirs(const void *addr, int (*fn)(const char *dir, void *ctx), void *ctx)
{
	Dl_info info;
	struct link_map *map = NULL;
	Dl_serinfo size, *si;

	if (!dladdr1(addr, &info, (void **)&map, RTLD_DL_LINKMAP) || !map)
		return -1;
	if (dlinfo(map, RTLD_DI_SERINFOSIZE, &size) != 0)
		return -1;
	si = malloc(size.dls_size);
	if (!si)
		return -1;
	si->dls_size = size.dls_size;
	si->dls_cnt = size.dls_cnt;
	if (dlinfo(map, RTLD_DI_SERINFO, si) != 0) {
		free(si);
		return -1;
	}
	for (unsigned i = 0; i < si->dls_cnt; i++) {
		const char *dir = si->dls_serpath[i].dls_name;
		if (dir && *dir && fn(dir, ctx))
			break;
	}
	free(si);
	return 0;
}

struct find {
	const char *file;
	char *path;
	size_t pathsz;
	struct stat *st;
	int fd;
};

static int try_dir(const char *dir, void *ctx)
{
	struct find *f = ctx;
	int n = snprintf(f->path, f->pathsz, "%s/%s", dir, f->file);

	if (n < 0 || (size_t)n >= f->pathsz)
		return 0;
	f->fd = open_regular(f->path, f->st, 0);
	if (f->fd < 0)
		return 0;
	/* Like the loader, pass over files built for another machine or class. */
	if (pypin_elf_probe(f->fd) == PYPIN_ELF_FOREIGN) {
		close(f->fd);
		f->fd = -1;
		return 0;
	}
	return 1;
}

int pypin_open_library(const char *file, const void *caller, char *path, size_t pathsz,
	struct stat *st, int stated)
{
	if (strchr(file, '/')) {
		if (strlen(file) >= pathsz)
			return -1;
		strcpy(path, file);
		return open_regular(path, st, stated);
	}
	struct find f = { file, path, pathsz, st, -1 };
	if (pypin_search_dirs(caller, try_dir, &f) != 0)
		return -1;
	return f.fd;
}

int pypin_ldpath_which(const char *name, const void *caller, char *out, size_t outsz)
{
	struct stat st;
	int fd;

	if (strchr(name, '/'))
		return (size_t)snprintf(out, outsz, "%s", name) < outsz ? 0 : -1;
	if ((fd = pypin_open_library(name, caller, out, outsz, &st, 0)) >= 0) {
		close(fd);
		return 0;
	}
	return pypin_ldpath_in_cache(LD_SO_CACHE, name, out, outsz);
}

/* --- The search for a DT_NEEDED entry, rebuilt from the files ------------- */

/* Where a plugin's DT_NEEDED entry is looked for, and the directory names
 * being built: on the heap, since dlopen may run on a small stack. */
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
	s->secure = pypin_secure();
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

struct lib_dir {
	char *out;
	size_t outsz;
};

static int lib_cb(struct dl_phdr_info *info, size_t size, void *ctx)
{
	struct lib_dir *l = ctx;

	(void)size;
	return libc_dir(info->dlpi_name, l->out, l->outsz);
}

void pypin_ldpath_lib(char *out, size_t outsz)
{
	struct lib_dir l = { out, outsz };

	if (outsz)
		out[0] = '\0';
	dl_iterate_phdr(lib_cb, &l);
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

	if (pypin_secure())
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

int pypin_ldpath_beside(const struct pypin_elf *plugin, const char *plugin_path,
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

int pypin_ldpath_in_cache(const char *cache, const char *name, char *out, size_t outsz)
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

int pypin_ldpath_found(const struct pypin_elf *plugin, const char *plugin_path,
	const char *name, char *out, size_t outsz)
{
	struct in_dirs d = { name, out, outsz, 0 };

	if (pypin_ldpath_beside(plugin, plugin_path, name, out, outsz) == 0)
		return 0;
	if (plugin->flags_1 & DF_1_NODEFLIB)
		return -1;
	if (pypin_ldpath_in_cache(LD_SO_CACHE, name, out, outsz) == 0)
		return 0;
	/* The default directories come last in pypin's own search path (which
	 * has no RPATH or RUNPATH of its own). */
	return pypin_search_dirs((const void *)pypin_ldpath_found, in_dir_cb, &d) == 0 &&
	       d.hit ? 0 : -1;
}
