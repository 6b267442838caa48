/* pypin: finding a libpython to pin, from files alone.  See libpython.h. */
#include "libpython.h"
#include "ldpath.h"
#include "log.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
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
		if (name && pypin_libpython_versioned(name, tag, tagsz) &&
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

	if (!pypin_python_undefined(s))
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

	if (!pypin_python_undefined(s) ||
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

#define MAX_CANDIDATES 32

struct candidate {
	char path[PATH_MAX];
	unsigned minor, order;        /* order: the loader's directory order */
};

struct newest {
	struct candidate c[MAX_CANDIDATES];
	unsigned n;
};

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
		if (!pypin_libpython_plain_minor(de->d_name, &minor))
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

/* soname in the library directories of the installation whose program is
 * the file exe (PREFIX/bin/...): PREFIX/lib, PREFIX/lib64, PREFIX/$LIB. */
static int in_prefix(const char *exe, const char *soname, char *out, size_t outsz)
{
	char *prefix = strdup(exe), *libdir = calloc(1, PATH_MAX);
	const char *dirs[3] = { "lib", "lib64", libdir };
	int rc = -1;

	if (!prefix || !libdir || !pop(prefix) || !pop(prefix))
		goto out;
	pypin_ldpath_lib(libdir, PATH_MAX);
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
			if (!name || !pypin_libpython_versioned(name, tag, sizeof tag))
				continue;
			named = 1;
			if (pypin_ldpath_beside(&e, real, name, out, outsz) == 0 ||
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
			if (!name || !pypin_libpython_versioned(name, tag, sizeof tag))
				continue;
			/* Its own RUNPATH, else its own directory: the installation's. */
			if (pypin_ldpath_beside(&e, real, name, out, outsz) == 0)
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
	return pypin_ldpath_found(plugin, plugin_path, "libpython3.so", shim, size) == 0 &&
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
