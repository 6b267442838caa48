/* pypin-inspect explain PLUGIN: what pypin would do with PLUGIN, read from
 * the file alone, with lib/'s own rules, so that the answer is the library's.
 */
#include "inspect.h"

#include "choose.h"
#include "config.h"
#include "elf.h"
#include "ldpath.h"
#include "libpython.h"
#include "refusal.h"
#include "verdict.h"

#include <dlfcn.h>
#include <elf.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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
	pypin_read_all(pipefd[0], out, outsz - 1, &cut, -1, NULL);
	close(pipefd[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

struct py_symbols {
	unsigned n;
	const char *first;
};

static int count_py(const struct pypin_elf_sym *s, void *ctx)
{
	struct py_symbols *c = ctx;

	if (pypin_python_undefined(s) && c->n++ == 0)
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
		if (pypin_tag_is_shim(v->tag))
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
	    pypin_ldpath_beside(e, path, v->name, n->where, sizeof n->where) != 0)
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

	if (v->need == PYPIN_NEED_VERSION && pypin_tag_is_shim(v->tag) && shim && target &&
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
	    pypin_ldpath_beside(e, path, v->name, file, PATH_MAX) != 0)
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
		struct pypin_refusal why;
		pypin_refusal_nothing_fits(&why, ch, v, path);
		why.tried = NULL;                /* printed below */
		printf("nothing fits: dlopen is refused (%s)\n",
		       pypin_refusal_text(&why, msg, PATH_MAX + 256));
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

int pypin_explain(const char *arg)
{
	char path[PATH_MAX];
	struct pypin_verdict v;
	struct py_symbols c = { 0 };
	struct needed_lib n;
	struct pypin_elf e;
	enum pypin_elf_status s;
	int fd = pypin_open_plugin(arg, path, sizeof path);

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
		return pypin_tool_error("%s: %s; pypin passes it through and the loader decides",
					path, pypin_elf_strerror(s));
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
