/* pypin-inspect: the diagnostics behind `pypin explain` and `pypin check`.
 *
 *   pypin-inspect explain PLUGIN
 *       What pypin would do with PLUGIN, read from the file alone.
 *   pypin-inspect check [--lib LIBPYPIN] [--timeout SECONDS] PLUGIN [MODULE]...
 *       Loads PLUGIN the way an unmodified host would, starts the interpreter
 *       and imports the modules: once without pypin, once with it; a trial
 *       that takes longer than SECONDS (60) is stopped.
 *   pypin-inspect trial --plain|--pypin FD PLUGIN [MODULE]...
 *       One such trial in this process (check runs it twice); the results go
 *       to descriptor FD, a line each: '+' success, '-' failure, ' ' detail.
 *   pypin-inspect interposer
 *       Prints "dlopen: FILE", the object whose dlopen this process calls
 *       (install-system's trial: is the library really preloaded?).
 *
 * It shares lib/ with libpypin.so, so explain's answer is the library's own.
 * Exit status: 0 done (check: it works with pypin), 1 failed, 2 usage.
 */
#include "choose.h"
#include "config.h"
#include "elf.h"
#include "libpython.h"
#include "pin.h"
#include "search.h"
#include "verdict.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#define LIBPYPIN_NAME "libpypin.so"

static const char usage[] =
	"Usage: pypin-inspect explain PLUGIN\n"
	"       pypin-inspect check --lib LIBPYPIN [--timeout SECONDS] PLUGIN [MODULE]...\n"
	"       pypin-inspect check --lib LIBPYPIN --reload N PLUGIN [MODULE]...\n"
	"       pypin-inspect interposer\n"
	"Run through pypin(1): `pypin explain` and `pypin check`.\n";

static int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int error(const char *fmt, ...)
{
	va_list ap;

	fputs("pypin: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

/* Opens PLUGIN as given (a path, relative to the current directory when it has
 * no '/'): explain and check are about a file, not a search. */
static int open_plugin(const char *arg, char *path, size_t pathsz)
{
	char real[PATH_MAX];
	int fd;

	errno = 0;
	if (!realpath(arg, real) || strlen(real) >= pathsz) {
		error("%s: %s", arg, errno ? strerror(errno) : "path too long");
		return -1;
	}
	strcpy(path, real);
	errno = 0;
	fd = pypin_open_regular(path);
	if (fd < 0)
		error("%s: %s", arg, errno ? strerror(errno) : "not a regular file");
	return fd;
}

/* The file of the object whose dlopen this process calls, or NULL. */
static const char *interposer(void)
{
	void *fn = dlsym(RTLD_DEFAULT, "dlopen");
	Dl_info info;

	if (!fn || !dladdr(fn, &info) || !info.dli_fname || !*info.dli_fname)
		return NULL;
	return info.dli_fname;
}

/* How long a trial may take before it is stopped (--timeout). */
static unsigned trial_limit = 60;

/* Reads fd to its end, so that the child writing it never blocks on a full
 * pipe, keeping the first cap bytes in buf (which has room for cap + 1) with a
 * NUL after them.  Returns how many were kept; *cut says whether more came.
 * For a trial (pid > 0) it gives up, killing pid and setting *timed_out, when
 * nothing ends it within the time limit and a grace of a few seconds. */
static size_t read_all(int fd, char *buf, size_t cap, int *cut, pid_t pid, int *timed_out)
{
	struct timespec start, now;
	char sink[512];
	size_t len = 0;
	ssize_t n;

	*cut = 0;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		long left = -1;
		if (pid > 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			left = ((long)trial_limit + 5 - (now.tv_sec - start.tv_sec)) * 1000;
			if (left <= 0) {
				kill(pid, SIGKILL);
				*timed_out = 1;
				break;
			}
		}
		if (poll(&p, 1, left < 0 ? -1 : (int)(left > 1000 ? 1000 : left)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (!p.revents)
			continue;
		int keep = len < cap;
		n = read(fd, keep ? buf + len : sink, keep ? cap - len : sizeof sink);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (keep)
			len += (size_t)n;
		else
			*cut = 1;
	}
	buf[len] = '\0';
	return len;
}

/* Whether the loader's own search (LD_LIBRARY_PATH, ld.so.cache, the system
 * directories) finds the library `name`: tried in a child process, so that
 * nothing is loaded here.  out receives the file it loads, or on failure the
 * loader's message. */
static int loader_finds(const char *name, char *out, size_t outsz)
{
	int pipefd[2], status, cut;
	pid_t pid;

	out[0] = '\0';
	if (pipe(pipefd) != 0)
		return 1;                     /* cannot tell: assume the loader can */
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		struct link_map *map = NULL;
		void *h = dlopen(name, RTLD_LAZY | RTLD_LOCAL);
		const char *say = h ? (dlinfo(h, RTLD_DI_LINKMAP, &map) == 0 && map ?
				       map->l_name : "") : dlerror();

		close(pipefd[0]);
		if (say && write(pipefd[1], say, strlen(say)) < 0)
			_exit(2);
		_exit(h ? 0 : 1);
	}
	close(pipefd[1]);
	read_all(pipefd[0], out, outsz - 1, &cut, -1, NULL);
	close(pipefd[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* --- explain ------------------------------------------------------------- */

void pypin_explain_keep(const struct pypin_elf *e);     /* tools/keep.c */

struct py_symbols {
	unsigned n;
	const char *first;
};

static int count_py(const struct pypin_elf_sym *s, void *ctx)
{
	struct py_symbols *c = ctx;

	if (!s->defined && s->bind == STB_GLOBAL && pypin_is_python_symbol(s->name) &&
	    c->n++ == 0)
		c->first = s->name;
	return 0;
}

static void print_dependency(const struct pypin_verdict *v)
{
	fputs("  Python dependency: ", stdout);
	switch (v->need) {
	case PYPIN_NEED_NONE:
		puts("none");
		break;
	case PYPIN_NEED_SELF:
		printf("it is %s itself (Python %s)\n", v->name, v->tag);
		break;
	case PYPIN_NEED_VERSION:
		if (strcmp(v->tag, "3") == 0)
			printf("DT_NEEDED %s (the stable-ABI shim: any Python 3)\n", v->name);
		else
			printf("DT_NEEDED %s (Python %s)\n", v->name, v->tag);
		break;
	case PYPIN_NEED_ANY:
		puts("no libpython named; undefined Py symbols only");
		break;
	}
}

static void print_needed(const struct pypin_elf *e)
{
	fputs("  DT_NEEDED:         ", stdout);
	for (unsigned i = 0; i < e->nneeded; i++) {
		const char *name = pypin_elf_str(e, e->needed[i]);
		printf("%s%s", i ? " " : "", name ? name : "(bad string)");
	}
	puts(e->nneeded ? "" : "none");
}

static void print_paths(const struct pypin_elf *e)
{
	const char *rpath = pypin_elf_str(e, e->rpath);
	const char *runpath = pypin_elf_str(e, e->runpath);

	printf("  RPATH:             %s%s\n", rpath ? rpath : "none",
	       rpath && runpath ? " (ignored: RUNPATH is set)" : "");
	printf("  RUNPATH:           %s\n", runpath ? runpath : "none");
}

/* Whether the plain loader finds the libpython a plugin names in DT_NEEDED:
 * beside it (its RPATH/RUNPATH, the executable's RPATH, LD_LIBRARY_PATH) or
 * through its own search. */
struct needed_lib {
	int found;
	char where[PATH_MAX];         /* the file; the loader's message if not found */
};

static void find_needed(const struct pypin_verdict *v, const struct pypin_elf *e,
	const char *path, struct needed_lib *n)
{
	n->found = 1;
	n->where[0] = '\0';
	if (v->need == PYPIN_NEED_VERSION &&
	    pypin_libpython_beside(e, path, v->name, n->where, sizeof n->where) != 0)
		n->found = loader_finds(v->name, n->where, sizeof n->where);
}

/* What the plain loader does with it. */
static void print_without(const struct pypin_verdict *v, const struct py_symbols *c,
	const struct needed_lib *n)
{
	fputs("  without pypin:     ", stdout);
	if (!n->found) {
		printf("dlopen fails: %s is not found where the loader looks (%s)\n", v->name,
		       n->where[0] ? n->where : "cannot open shared object file");
		return;
	}
	switch (v->need) {
	case PYPIN_NEED_NONE:
		puts("nothing changes: a library that needs no Python passes through");
		break;
	case PYPIN_NEED_SELF:
		printf("a host that loads it RTLD_LOCAL keeps its symbols local: C extension "
		       "modules fail with 'undefined symbol: Py...'\n");
		break;
	case PYPIN_NEED_VERSION:
		printf("it loads, but %s stays local to it: C extension modules its Python "
		       "code imports (numpy, _ctypes, ...) fail with 'undefined symbol: Py...'\n",
		       v->name);
		break;
	case PYPIN_NEED_ANY:
		printf("dlopen fails unless the process already has Python in its global "
		       "scope ('undefined symbol: %s')\n", c->first ? c->first : v->sym);
		break;
	}
}

/* The candidates passed over, and why. */
static void print_tried(const struct pypin_choice *ch)
{
	for (unsigned i = 0; i < ch->ntried; i++)
		printf("  %s%s (%s): %s\n", i ? "                   " : "passed over:       ",
		       ch->tried[i].path, ch->tried[i].rule, ch->tried[i].why);
	if (ch->nlost)
		printf("                     and %u more\n", ch->nlost);
}

/* For a plugin that names the shim: whether its own libpython3.so would map
 * another libpython than the one chosen (when the chosen installation has no
 * shim to load first). */
static void warn_second(const struct pypin_verdict *v, const struct pypin_elf *e,
	const char *path, const char *lib)
{
	char *shim = malloc(PATH_MAX), *target = malloc(PATH_MAX);

	if (v->need == PYPIN_NEED_VERSION && strcmp(v->tag, "3") == 0 && shim && target &&
	    pypin_libpython_own_shim(lib, shim, PATH_MAX) != 0 &&     /* else loaded first */
	    pypin_libpython_second(e, path, lib, shim, target, PATH_MAX))
		printf("  warning:           its %s would map %s as a second libpython beside %s: "
		       "pypin refuses the plugin; name that installation with --python\n",
		       shim, target, lib);
	free(shim);
	free(target);
}

/* Two installations of one soname: the file the loader would load for the
 * plugin, and another with that soname that would serve it instead (the one
 * chosen, or the build-time default when something else pins it first). */
static void note_same_soname(const struct pypin_verdict *v, const struct pypin_elf *e,
	const char *path, const struct pypin_choice *ch)
{
	char *file = malloc(PATH_MAX), tag[PYPIN_TAG_MAX], soname[PYPIN_NAME_MAX];
	const char *other = NULL, *how = NULL;

	if (v->need != PYPIN_NEED_VERSION || !strchr(v->tag, '.') || !file ||
	    pypin_libpython_beside(e, path, v->name, file, PATH_MAX) != 0)
		goto out;
	if (ch->c.path[0] == '/' && !pypin_same_file(ch->c.path, file)) {
		other = ch->c.path;
		how = ch->rule->name;
	} else if (*pypin_probe_real.build_default &&
		   pypin_libpython_identify(pypin_probe_real.build_default, tag, sizeof tag,
					    soname, sizeof soname) == 0 &&
		   strcmp(soname, v->name) == 0 &&
		   !pypin_same_file(pypin_probe_real.build_default, file)) {
		other = pypin_probe_real.build_default;
		how = "when it is pinned first, as the build-time default";
	}
	if (other)
		printf("  same soname:       it was built against %s (the loader would load it); "
		       "%s, another installation of %s, serves it (%s); PYPIN_LIBPYTHON chooses\n",
		       file, other, v->name, how);
out:
	free(file);
}

static void print_plan(const struct pypin_verdict *v, const struct pypin_elf *e,
	const char *path, const struct needed_lib *n)
{
	struct pypin_choice *ch = malloc(sizeof *ch);
	struct pypin_probe pr;
	char ver[PYPIN_TAG_MAX], *msg = NULL;
	int rc;

	fputs("  pypin would pin:   ", stdout);
	if (v->need == PYPIN_NEED_NONE) {
		puts("nothing");
		goto out;
	}
	if (pypin_config_disabled()) {
		puts("nothing: pypin is disabled (PYPIN_DISABLE or 'disable' in "
		     PYPIN_CONFIG_FILE ")");
		goto out;
	}
	if (!ch || !(msg = malloc(PATH_MAX + 256))) {
		puts("nothing: out of memory");
		goto out;
	}
	pypin_probe_settings(&pr);
	rc = pypin_choose(v, e, path, &pr, ch);
	if (rc != 0 && v->need == PYPIN_NEED_VERSION && strchr(v->tag, '.')) {
		puts("nothing: no libpython found that fits; the plugin loads as without pypin");
	} else if (rc != 0) {
		pypin_choose_refusal(ch, v, path, msg, PATH_MAX + 256);
		char *tried = strstr(msg, "; tried:");
		if (tried)
			*tried = '\0';
		printf("nothing fits: dlopen is refused (%s)\n", msg);
	} else if (ch->unfit[0]) {
		printf("nothing: this process already runs %s, which cannot serve it (%s)\n",
		       ch->c.path, ch->unfit);
	} else if (strcmp(ch->c.path, v->name) != 0) {
		printf("%s (Python %s; %s)\n", ch->c.path, pypin_tag_version(ch->tag, ver),
		       ch->rule->name);
	} else if (n->found) {                   /* the soname, as the loader finds it */
		printf("%s (Python %s; %s: %s)\n", ch->c.path, pypin_tag_version(ch->tag, ver),
		       ch->rule->name, n->where[0] ? n->where : "found");
	} else if (ch->fallback[0]) {            /* the same soname: the plugin loads */
		printf("%s (Python %s; %s, as the loader's search finds no %s)\n",
		       ch->fallback, pypin_tag_version(ch->tag, ver), ch->fallback_why, v->name);
	} else {
		printf("nothing: %s is not found where the loader looks; the plugin fails to "
		       "load as without pypin\n", v->name);
	}
	if (ch)
		print_tried(ch);
	if (rc == 0 && ch->c.path[0] == '/')
		warn_second(v, e, path, ch->c.path);
	if (rc == 0)
		note_same_soname(v, e, path, ch);
out:
	free(ch);
	free(msg);
}

static int explain(const char *arg)
{
	char path[PATH_MAX];
	struct pypin_verdict v;
	struct py_symbols c = { 0 };
	struct needed_lib n;
	struct pypin_elf e;
	enum pypin_elf_status s;
	int fd = open_plugin(arg, path, sizeof path);

	if (fd < 0)
		return 1;
	s = pypin_elf_open(&e, fd);
	if (s == PYPIN_ELF_OK) {
		s = pypin_verdict(&e, PYPIN_SCAN_FULL, &v);
		if (s == PYPIN_ELF_OK)
			s = pypin_elf_each_undefined(&e, count_py, &c);
		if (s != PYPIN_ELF_OK)
			pypin_elf_close(&e);
	}
	if (s != PYPIN_ELF_OK) {
		close(fd);
		return error("%s: %s; pypin passes it through and the loader decides", path,
			     pypin_elf_strerror(s));
	}
	printf("%s\n", path);
	print_dependency(&v);
	print_needed(&e);
	print_paths(&e);
	if (c.n)
		printf("  undefined Py symbols: %u (the first: %s)\n", c.n, c.first);
	else
		puts("  undefined Py symbols: none");
	find_needed(&v, &e, path, &n);
	print_plan(&v, &e, path, &n);
	print_without(&v, &c, &n);
	pypin_explain_keep(&e);
	pypin_elf_close(&e);
	close(fd);
	return 0;
}

/* --- trial: one process, loading the plugin as a host would -------------- */

struct python {
	int (*is_initialized)(void);
	void (*initialize_ex)(int);
	int (*gil_ensure)(void);
	void (*gil_release)(int);
	int (*run)(const char *, void *);
	const char *(*version)(void);
	wchar_t *(*decode)(const char *, size_t *);
	void (*set_program_name)(const wchar_t *);
};

/* Looks sym up in the plugin's own scope first (where its libpython is when it
 * names one), then in the global scope (where pypin puts it). */
static void *lookup(void *h, const char *sym)
{
	void *p = dlsym(h, sym);
	return p ? p : dlsym(RTLD_DEFAULT, sym);
}

static int find_python(void *h, struct python *py)
{
	*(void **)&py->is_initialized = lookup(h, "Py_IsInitialized");
	*(void **)&py->initialize_ex = lookup(h, "Py_InitializeEx");
	*(void **)&py->gil_ensure = lookup(h, "PyGILState_Ensure");
	*(void **)&py->gil_release = lookup(h, "PyGILState_Release");
	*(void **)&py->run = lookup(h, "PyRun_SimpleStringFlags");
	*(void **)&py->version = lookup(h, "Py_GetVersion");
	*(void **)&py->decode = lookup(h, "Py_DecodeLocale");
	*(void **)&py->set_program_name = lookup(h, "Py_SetProgramName");
	return py->is_initialized && py->initialize_ex && py->gil_ensure &&
	       py->gil_release && py->run && py->version ? 0 : -1;
}

/* Without pypin, give the interpreter the home pypin would give it
 * (pypin_choose_home: PYPIN_PYTHON, an active venv of its installation, or
 * the installation), so that the two trials differ only in where libpython's
 * symbols are. */
static void set_home(const struct python *py)
{
	char program[PATH_MAX], tag[PYPIN_TAG_MAX];
	const char *name = NULL, *version = py->version(), *why;
	size_t n = strspn(version, "0123456789.");
	struct pypin_probe pr;
	Dl_info info;

	if (!py->decode || !py->set_program_name)
		return;
	pypin_probe_settings(&pr);
	if (n < sizeof tag && dladdr((void *)py->initialize_ex, &info) && info.dli_fname) {
		memcpy(tag, version, n);
		tag[n] = '\0';
		if (strchr(tag, '.') != strrchr(tag, '.'))       /* 3.11.2 -> 3.11 */
			*strrchr(tag, '.') = '\0';
		if (pypin_choose_home(&pr, info.dli_fname, tag, program, sizeof program, &why))
			name = program;
	}
	wchar_t *w = name ? py->decode(name, NULL) : NULL;
	if (w)
		py->set_program_name(w);                 /* kept: the interpreter uses it */
}

/* Python's half of the trial: import each module and report to descriptor fd.
 * The module names were checked to be dotted identifiers. */
static const char trial_script[] =
	"def _pypin_trial(fd, names):\n"
	"    import importlib, os, sys\n"
	"    try:\n"
	"        from importlib.util import find_spec\n"
	"    except ImportError:\n"
	"        find_spec = None                # Python 2\n"
	"    def say(s):\n"
	"        os.write(fd, (s.replace('\\n', ' ') + '\\n').encode('utf-8', 'replace'))\n"
	"    say(' Python %s, prefix %s' % (sys.version.split()[0], sys.prefix))\n"
	"    if not names:\n"
	"        names = ['numpy'] if find_spec and find_spec('numpy') else ['_ctypes']\n"
	"    for n in names:\n"
	"        try:\n"
	"            m = importlib.import_module(n)\n"
	"        except BaseException as e:\n"
	"            lines = [l.strip() for l in str(e).splitlines() if l.strip()]\n"
	"            lines = [l for l in lines if not l.startswith('IMPORTANT:')] or ['']\n"
	"            say('-%s: %s: %s' % (n, type(e).__name__, lines[0]))\n"
	"            for l in lines[1:]:\n"
	"                if 'undefined symbol' in l or l.startswith('Original error'):\n"
	"                    say(' %s: %s' % (n, l))\n"
	"        else:\n"
	"            v = getattr(m, '__version__', None)\n"
	"            f = getattr(m, '__file__', None) or 'built in'\n"
	"            say('+%s%s (%s)' % (n, ' ' + v if isinstance(v, str) else '', f))\n";

static int trial(int plain, int fd, const char *plugin, char **modules, int nmodules)
{
	struct python py;
	FILE *out = fdopen(fd, "w");
	char *call;
	size_t len;
	FILE *code;

	if (!out)
		return 1;
	setvbuf(out, NULL, _IONBF, 0);
	if (!plain) {
		const char *by = interposer(), *base = by ? strrchr(by, '/') : NULL;
		if (!base || strcmp(base + 1, LIBPYPIN_NAME) != 0)
			fprintf(out, "-pypin is not active: dlopen comes from %s (LD_PRELOAD=%s)\n",
				by ? by : "nowhere", getenv("LD_PRELOAD") ? getenv("LD_PRELOAD") : "");
		else if (pypin_config_disabled())
			fprintf(out, "-pypin is disabled (PYPIN_DISABLE, or 'disable' in %s)\n",
				PYPIN_CONFIG_FILE);
	}

	void *h = dlopen(plugin, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *err = dlerror();
		fprintf(out, "-dlopen failed: %s\n", err ? err : "unknown error");
		return 1;
	}
	fprintf(out, " dlopen(RTLD_NOW | RTLD_LOCAL): ok\n");
	if (find_python(h, &py) != 0) {
		fprintf(out, "-no Python reachable from the plugin (no Py_InitializeEx in its "
			"scope or the global one)\n");
		return 1;
	}
	if (!py.is_initialized()) {
		if (plain)
			set_home(&py);
		py.initialize_ex(0);
	}

	/* trial_script, then the call with the descriptor and the names. */
	code = open_memstream(&call, &len);
	if (!code)
		return 1;
	fprintf(code, "%s_pypin_trial(%d, [", trial_script, fd);
	for (int i = 0; i < nmodules; i++)
		fprintf(code, "%s'%s'", i ? ", " : "", modules[i]);
	fputs("])\ndel _pypin_trial\n", code);
	fclose(code);

	int gil = py.gil_ensure();
	int rc = py.run(call, NULL);
	py.gil_release(gil);
	free(call);
	if (rc != 0)
		fprintf(out, "-the trial script itself failed (see the traceback above)\n");
	return 0;
}

/* --- check: both trials, side by side ------------------------------------ */

/* A dotted Python identifier (ASCII): safe to quote into the trial script. */
static int module_name_ok(const char *s)
{
	int start = 1;

	for (; *s; s++) {
		if (*s == '.' && !start)
			start = 1;
		else if (*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			 (!start && *s >= '0' && *s <= '9'))
			start = 0;
		else
			return 0;
	}
	return !start;
}

/* LD_PRELOAD without any libpypin.so, with lib in front when lib is given. */
static int set_preload(const char *lib)
{
	const char *old = getenv("LD_PRELOAD");
	char *val, *copy, *tok, *save;
	size_t n = (old ? strlen(old) : 0) + (lib ? strlen(lib) : 0) + 2;

	val = calloc(1, n);
	copy = strdup(old ? old : "");
	if (!val || !copy)
		return -1;
	if (lib)
		strcpy(val, lib);
	for (tok = strtok_r(copy, " :", &save); tok; tok = strtok_r(NULL, " :", &save)) {
		const char *base = strrchr(tok, '/');
		if (strcmp(base ? base + 1 : tok, LIBPYPIN_NAME) == 0)
			continue;
		if (*val)
			strcat(val, " ");
		strcat(val, tok);
	}
	int rc = *val ? setenv("LD_PRELOAD", val, 1) : unsetenv("LD_PRELOAD");
	free(val);
	free(copy);
	return rc;
}

struct outcome {
	int ok;
	int timed_out;
	char text[16384];
	size_t len;
};

/* Whether a line of the trial's report starts with mark. */
static int has_line(const char *text, char mark)
{
	for (const char *line = text; *line; line++) {
		if (*line == mark)
			return 1;
		line = strchr(line, '\n');
		if (!line)
			break;
	}
	return 0;
}

/* Runs self with argv (argv[fd_arg] is filled in with the report pipe's
 * descriptor) in a child, under the trial's time limit, with LD_PRELOAD
 * naming lib alone of the libpypin.so (none, and PYPIN_DISABLE, for NULL);
 * with keep >= 0, PYPIN_KEEP set to it; with quiet, the child's stdout and
 * stderr go to /dev/null.  The report is read into buf as read_all() does.
 * Returns the child's wait status, or -1 when it could not be run. */
int pypin_trial_spawn(const char *self, const char *lib, int keep, int quiet, const char **argv,
	int fd_arg, char *buf, size_t cap, int *cut, int *timed_out);
int pypin_trial_spawn(const char *self, const char *lib, int keep, int quiet, const char **argv,
	int fd_arg, char *buf, size_t cap, int *cut, int *timed_out)
{
	char fdarg[16];
	int pipefd[2], status;
	pid_t pid;

	*cut = *timed_out = 0;
	buf[0] = '\0';
	if (pipe(pipefd) != 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		snprintf(fdarg, sizeof fdarg, "%d", pipefd[1]);
		argv[fd_arg] = fdarg;
		if (set_preload(lib) != 0)
			_exit(127);
		if (!lib)
			setenv("PYPIN_DISABLE", "1", 1);   /* also when installed system-wide */
		if (keep >= 0 && (setenv("PYPIN_KEEP", keep ? "1" : "0", 1) != 0 ||
				  unsetenv("PYPIN_DISABLE") != 0))
			_exit(127);
		/* The plugin's and Python's own output would interleave with a
		 * report printed as it comes. */
		if (quiet && (!freopen("/dev/null", "w", stdout) ||
			      !freopen("/dev/null", "w", stderr)))
			_exit(127);
		/* The time limit holds across exec: a trial that hangs (two
		 * libpythons waiting for one GIL, say) is ended by SIGALRM, and
		 * by the parent's SIGKILL should it catch that. */
		alarm(trial_limit);
		execv(self, (char *const *)argv);
		_exit(127);
	}
	close(pipefd[1]);
	read_all(pipefd[0], buf, cap, cut, pid, timed_out);
	close(pipefd[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		*timed_out = 1;
	return status;
}

static void run_trial(const char *self, const char *lib, const char *plugin,
	char **modules, int nmodules, struct outcome *o)
{
	const char **argv = calloc((size_t)nmodules + 6, sizeof *argv);
	int status, cut, i = 0;

	o->ok = 0;
	o->timed_out = 0;
	o->len = 0;
	o->text[0] = '\0';
	if (!argv) {
		snprintf(o->text, sizeof o->text, "-could not run the trial\n");
		return;
	}
	argv[i++] = "pypin-inspect";
	argv[i++] = "trial";
	argv[i++] = lib ? "--pypin" : "--plain";
	argv[i++] = NULL;                             /* the descriptor */
	argv[i++] = plugin;
	for (int m = 0; m < nmodules; m++)
		argv[i++] = modules[m];
	/* Room is kept for the lines added below. */
	status = pypin_trial_spawn(self, lib, -1, 0, argv, 3, o->text, sizeof o->text - 128,
				   &cut, &o->timed_out);
	free(argv);
	o->len = strlen(o->text);
	if (cut)
		o->len += (size_t)snprintf(o->text + o->len, sizeof o->text - o->len,
					   "%s (the rest of the report is left out)\n",
					   o->len && o->text[o->len - 1] != '\n' ? "\n" : "");
	if (status == -1) {
		snprintf(o->text + o->len, sizeof o->text - o->len, "-could not run the trial\n");
		return;
	}
	if (o->timed_out || (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)) {
		o->timed_out = 1;
		snprintf(o->text + o->len, sizeof o->text - o->len,
			 "-did not finish within %u s, and was stopped: it hung (a deadlock, "
			 "such as two libpythons waiting for one GIL, or the plugin's own code)\n",
			 trial_limit);
		return;
	}
	if (WIFSIGNALED(status)) {
		snprintf(o->text + o->len, sizeof o->text - o->len, "-crashed: %s\n",
			 strsignal(WTERMSIG(status)));
		return;
	}
	o->ok = has_line(o->text, '+') && !has_line(o->text, '-');
}

static void print_outcome(const char *title, const struct outcome *o)
{
	const char *line = o->text;

	printf("%s %s\n", title, o->ok ? "ok" : "FAILED");
	while (*line) {
		const char *end = strchr(line, '\n');
		int n = end ? (int)(end - line) : (int)strlen(line);
		printf("  %.*s\n", n > 0 ? n - 1 : 0, n > 0 ? line + 1 : "");
		line += n + (end != NULL);
	}
}

/* The refusal's reason, as a hint naming its cause and what to do; into buf. */
static const char *refusal_hint(const char *text, char *buf, size_t bufsz)
{
	const char *r = strstr(text, "-dlopen failed: pypin: ");
	char sym[PYPIN_NAME_MAX] = "", ver[PYPIN_TAG_MAX] = "";
	const char *p;

	if (!r)
		return NULL;
	if ((p = strstr(r, ", and no libpython found defines it")) && (r = strstr(r, " needs ")) &&
	    r < p && sscanf(r, " needs %63[A-Za-z0-9_]", sym) == 1) {
		snprintf(buf, bufsz, "the plugin needs %s, which no Python pypin found defines (it "
			 "was built for a newer Python): name that Python with --python, or its "
			 "libpython with --libpython", sym);
		return buf;
	}
	if (strstr(r, "is built for Python 2")) {
		snprintf(buf, bufsz, "the plugin is built for Python 2 and no Python 2 was "
			 "found: name a Python 2.7 with --python, or rebuild the plugin for Python 3");
		return buf;
	}
	if (strstr(r, "as a second libpython")) {
		snprintf(buf, bufsz, "the plugin's libpython3.so belongs to another installation "
			 "than the one pinned: name that installation's python with --python");
		return buf;
	}
	if ((p = strstr(r, "already runs Python ")) && sscanf(p, "already runs Python %15[0-9.]",
							      ver) == 1 &&
	    (r = strstr(r, " needs ")) && sscanf(r, " needs %63[A-Za-z0-9_.]", sym) == 1) {
		snprintf(buf, bufsz, "%s was pinned; this plugin needs %s: use --libpython to pin "
			 "the Python it was built for", ver, sym);
		return buf;
	}
	snprintf(buf, bufsz, "pypin refused the plugin: see the reason above");
	return buf;
}

static const char *hint(const struct outcome *plain, const struct outcome *pinned)
{
	static char buf[512];
	const char *refused;

	if (strstr(pinned->text, "-pypin is disabled"))
		return "pypin is disabled: unset PYPIN_DISABLE, or remove 'disable' from "
		       PYPIN_CONFIG_FILE;
	if (strstr(pinned->text, "-pypin is not active"))
		return "libpypin.so did not take effect in the trial: check the library "
		       "given with --lib";
	if (pinned->timed_out)
		return "the trial with pypin hung and was stopped at the time limit: see "
		       "'pypin explain PLUGIN' for a second libpython, and 'pypin -d' for pypin's "
		       "decisions";
	if ((refused = refusal_hint(pinned->text, buf, sizeof buf)))
		return refused;
	if (pinned->ok && !plain->ok)
		return "pypin fixes it: run the host as 'pypin -- HOST [ARG]...', or install "
		       "pypin system-wide with 'pypin install-system'";
	if (pinned->ok)
		return "it works without pypin too: nothing for pypin to fix in this plugin";
	if (strstr(pinned->text, "No module named"))
		return "a module is not installed where this interpreter looks (see its "
		       "prefix above): name a python or venv that has it with --python";
	if (strstr(pinned->text, "-dlopen failed"))
		return "the plugin itself does not load: see 'pypin explain PLUGIN'";
	if (strstr(pinned->text, "no Python reachable"))
		return "the plugin needs no Python: pypin leaves it alone";
	if (strstr(pinned->text, "undefined symbol"))
		return "a symbol is missing even with pypin: the module may have been built "
		       "for another Python than the one pinned (see 'pypin explain PLUGIN')";
	return "see the failure above; 'pypin -d' shows pypin's decisions";
}

static int check(const char *lib, const char *arg, char **modules, int nmodules)
{
	char self[PATH_MAX], path[PATH_MAX];
	struct outcome *plain, *pinned;
	int fd, rc;

	for (int i = 0; i < nmodules; i++)
		if (!module_name_ok(modules[i])) {
			error("'%s' is not a module name", modules[i]);
			return 2;
		}
	if (!lib) {
		fputs(usage, stderr);
		return 2;
	}
	if (lib[0] != '/' || access(lib, R_OK) != 0)
		return error("%s: the library to check with: %s", lib,
			     lib[0] != '/' ? "not an absolute path" : strerror(errno));
	fd = open_plugin(arg, path, sizeof path);
	if (fd < 0)
		return 1;
	close(fd);
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return error("/proc/self/exe: %s", strerror(errno));
	self[n] = '\0';

	plain = malloc(sizeof *plain);
	pinned = malloc(sizeof *pinned);
	if (!plain || !pinned)
		return error("out of memory");
	printf("pypin check: %s\n", path);
	run_trial(self, NULL, path, modules, nmodules, plain);
	print_outcome("without pypin:", plain);
	run_trial(self, lib, path, modules, nmodules, pinned);
	print_outcome("with pypin:   ", pinned);
	printf("hint: %s\n", hint(plain, pinned));
	rc = pinned->ok ? 0 : 1;
	free(plain);
	free(pinned);
	return rc;
}

/* --- check --reload N: tools/keep.c ------------------------------------ */

int pypin_reload_check(const char *self, const char *lib, int n, const char *plugin,
	char **modules, int nmodules);
int pypin_reload_trial(int n, int fd, const char *plugin, char **modules, int nmodules);

static int reload(const char *lib, const char *count, const char *arg, char **modules,
	int nmodules)
{
	char self[PATH_MAX], path[PATH_MAX], *end;
	long n = strtol(count, &end, 10);
	int fd;

	if (*end || n < 1 || n > 1000) {
		error("--reload takes a number of cycles from 1 to 1000, not '%s'", count);
		return 2;
	}
	for (int i = 0; i < nmodules; i++)
		if (!module_name_ok(modules[i])) {
			error("'%s' is not a module name", modules[i]);
			return 2;
		}
	if (lib[0] != '/' || access(lib, R_OK) != 0)
		return error("%s: the library to check with: %s", lib,
			     lib[0] != '/' ? "not an absolute path" : strerror(errno));
	if ((fd = open_plugin(arg, path, sizeof path)) < 0)
		return 1;
	close(fd);
	ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
	if (len <= 0)
		return error("/proc/self/exe: %s", strerror(errno));
	self[len] = '\0';
	return pypin_reload_check(self, lib, (int)n, path, modules, nmodules);
}

int main(int argc, char **argv)
{
	const char *lib = NULL;

	pypin_config_load();
	pypin_config_load_file();
	if (argc >= 3 && strcmp(argv[1], "explain") == 0 && argc == 3)
		return explain(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "check") == 0) {
		int i = 2;
		if (strcmp(argv[i], "--lib") == 0 && argc > i + 2) {
			lib = argv[i + 1];
			i += 2;
		}
		if (strcmp(argv[i], "--timeout") == 0 && argc > i + 2) {
			char *end;
			unsigned long t = strtoul(argv[i + 1], &end, 10);
			if (*end || t == 0 || t > 3600) {
				error("--timeout %s: not a number of seconds from 1 to 3600",
				      argv[i + 1]);
				return 2;
			}
			trial_limit = (unsigned)t;
			i += 2;
		}
		if (lib && strcmp(argv[i], "--reload") == 0 && argc > i + 2)
			return reload(lib, argv[i + 1], argv[i + 2], argv + i + 3, argc - i - 3);
		return check(lib, argv[i], argv + i + 1, argc - i - 1);
	}
	if (argc >= 5 && strcmp(argv[1], "reload-trial") == 0)
		return pypin_reload_trial(atoi(argv[2]), atoi(argv[3]), argv[4], argv + 5, argc - 5);
	if (argc == 2 && strcmp(argv[1], "interposer") == 0) {
		const char *by = interposer();
		printf("dlopen: %s\n", by ? by : "not found");
		return by ? 0 : 1;
	}
	if (argc >= 5 && strcmp(argv[1], "trial") == 0) {
		int fd = atoi(argv[3]);
		return trial(strcmp(argv[2], "--plain") == 0, fd, argv[4], argv + 5, argc - 5);
	}
	fputs(usage, stderr);
	return 2;
}
