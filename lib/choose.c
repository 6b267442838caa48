/* pypin: choosing the libpython to pin, as a table of named rules.  See
 * choose.h. */
#include "choose.h"
#include "config.h"
#include "ldpath.h"
#include "libpython.h"
#include "log.h"
#include "trust.h"

#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PYPIN_DEFAULT_LIBPYTHON
#define PYPIN_DEFAULT_LIBPYTHON ""
#endif

/* Takes the candidate: it is the choice. */
static int take(const struct pypin_rule *r, struct pypin_choice *ch, enum pypin_how how,
	const char *path, const char *tag, int global)
{
	if (strlen(path) >= sizeof ch->c.path || strlen(tag) >= sizeof ch->tag)
		return 0;
	ch->c.how = how;
	strcpy(ch->c.path, path);
	ch->c.global = global;
	strcpy(ch->tag, tag);
	ch->rule = r;
	return 1;
}

/* Records a candidate passed over. */
static void pass_over(const struct pypin_rule *r, struct pypin_choice *ch, const char *path,
	const char *why)
{
	pypin_debug("%s (%s) %s; passed over", path, r->name, why);
	if (ch->ntried == PYPIN_TRIED_MAX) {
		ch->nlost++;
		return;
	}
	struct pypin_tried *t = &ch->tried[ch->ntried++];
	t->rule = r->name;
	snprintf(t->path, sizeof t->path, "%s", path);
	snprintf(t->why, sizeof t->why, "%s", why);
}

/* Whether a library that names no X.Y is served by a libpython of tag: why
 * not, into why; "" when it is. */
static void judge_any(struct pypin_choice *ch, const struct pypin_elf *e,
	const struct pypin_probe *pr, const char *path, const char *tag, char *why, size_t whysz)
{
	char sym[PYPIN_NAME_MAX], ver[PYPIN_TAG_MAX];
	int m;

	why[0] = '\0';
	if (tag[0] != ch->major) {
		snprintf(why, whysz, "is Python %s; the library needs Python %c",
			 pypin_tag_version(tag, ver), ch->major);
	} else if (e && (m = pr->missing(path, e, sym, sizeof sym)) != 0) {
		if (m < 0) {
			snprintf(why, whysz, "cannot be read");
			return;
		}
		snprintf(why, whysz, "is Python %s, which lacks %s",
			 pypin_tag_version(tag, ver), sym);
		if (!ch->missing[0])
			snprintf(ch->missing, sizeof ch->missing, "%s", sym);
	}
}

int pypin_names_version(const struct pypin_verdict *v)
{
	return v->need == PYPIN_NEED_VERSION && strchr(v->tag, '.');
}

int pypin_choose_offer(const struct pypin_rule *r, struct pypin_choice *ch,
	const struct pypin_verdict *v, const struct pypin_elf *e,
	const struct pypin_probe *pr, enum pypin_how how, const char *path)
{
	char tag[PYPIN_TAG_MAX], ver[PYPIN_TAG_MAX], want[PYPIN_TAG_MAX], why[128];
	char soname[PYPIN_NAME_MAX];

	if (!path || !*path)
		return 0;
	for (unsigned i = 0; i < ch->ntried; i++)
		if (strcmp(ch->tried[i].path, path) == 0)
			return 0;             /* asked already, by an earlier rule */
	why[0] = '\0';
	if (pr->identify(path, tag, sizeof tag, soname, sizeof soname) != 0)
		snprintf(why, sizeof why, "is not a readable libpython");
	else if (pypin_names_version(v)) {
		if (!pypin_tag_compatible(tag, v->tag))
			snprintf(why, sizeof why, "is Python %s, not %s",
				 pypin_tag_version(tag, ver), pypin_tag_version(v->tag, want));
	} else {
		judge_any(ch, e, pr, path, tag, why, sizeof why);
	}
	if (!why[0] && pr->secure && !pr->trusted(path))
		snprintf(why, sizeof why, "is not trusted in secure-execution mode");
	if (why[0]) {
		pass_over(r, ch, path, why);
		return 0;
	}
	return take(r, ch, how, path, tag, 0);
}

/* --- the rules -------------------------------------------------------------- */

/* Python already in the process is the choice whatever it is: there is one
 * interpreter per process.  When it cannot serve the library, ch->unfit says
 * why, and the library is refused. */
static int in_process(const struct pypin_rule *r, struct pypin_choice *ch,
	const struct pypin_verdict *v, const struct pypin_elf *e,
	const struct pypin_probe *pr, enum pypin_how want_how)
{
	struct pypin_candidate *c = &ch->proc;     /* PATH_MAX: not on the stack */
	const char *tag = ch->proc_tag;

	/* Asked once for both rules (it walks every loaded object). */
	if (!ch->proc_asked) {
		ch->proc_rc = pr->in_process(v->need == PYPIN_NEED_ANY ? NULL : v->tag, c,
					     ch->proc_tag, sizeof ch->proc_tag);
		ch->proc_asked = 1;
	}
	if (ch->proc_rc != 0 || c->how != want_how)
		return 0;
	if (!pypin_names_version(v) && v->need != PYPIN_NEED_SELF && c->path[0] == '/') {
		judge_any(ch, e, pr, c->path, tag, ch->unfit, sizeof ch->unfit);
		if (strcmp(ch->unfit, "cannot be read") == 0)
			ch->unfit[0] = '\0';     /* an executable, say: cannot tell */
	}
	return take(r, ch, c->how, c->path, tag, c->global);
}

static int find_mapped(const struct pypin_rule *r, struct pypin_choice *ch,
	const struct pypin_verdict *v, const struct pypin_elf *e, const char *path,
	const struct pypin_probe *pr)
{
	(void)path;
	return in_process(r, ch, v, e, pr, PYPIN_HOW_PROMOTE);
}

static int find_present(const struct pypin_rule *r, struct pypin_choice *ch,
	const struct pypin_verdict *v, const struct pypin_elf *e, const char *path,
	const struct pypin_probe *pr)
{
	(void)path;
	return in_process(r, ch, v, e, pr, PYPIN_HOW_PRESENT);
}

static int find_self(const struct pypin_rule *r, struct pypin_choice *ch,
	const struct pypin_verdict *v, const struct pypin_elf *e, const char *path,
	const struct pypin_probe *pr)
{
	(void)e;
	(void)pr;
	return take(r, ch, PYPIN_HOW_LOAD, path, v->tag, 0);
}

static int find_env_libpython(const struct pypin_rule *r, struct pypin_choice *ch,
	const struct pypin_verdict *v, const struct pypin_elf *e, const char *path,
	const struct pypin_probe *pr)
{
	(void)path;
	if (!pr->libpython || pr->libpython_from_file)
		return 0;
	return pypin_choose_offer(r, ch, v, e, pr, PYPIN_HOW_LOAD, pr->libpython);
}

static int find_file_libpython(const struct pypin_rule *r, struct pypin_choice *ch,
	const struct pypin_verdict *v, const struct pypin_elf *e, const char *path,
	const struct pypin_probe *pr)
{
	(void)path;
	if (!pr->libpython || !pr->libpython_from_file)
		return 0;
	return pypin_choose_offer(r, ch, v, e, pr, PYPIN_HOW_LOAD, pr->libpython);
}

/* The file the loader would load for the DT_NEEDED entry: taken as it is,
 * since the plain loader would load it too. */
static int find_beside(const struct pypin_rule *r, struct pypin_choice *ch,
	const struct pypin_verdict *v, const struct pypin_elf *e, const char *path,
	const struct pypin_probe *pr)
{
	if (pr->beside(e, path, v->name, ch->buf, sizeof ch->buf) == 0)
		return take(r, ch, PYPIN_HOW_LOAD, ch->buf, v->tag, 0);
	if (e && (e->flags_1 & DF_1_NODEFLIB))
		pypin_debug("%s: %s is not beside it, and it searches no further", path, v->name);
	return 0;
}

/* What the loader's own search finds by that name (not for a library linked
 * -z nodefaultlib: the loader then searches no further); when it finds
 * nothing, the build-time default if it has that very soname. */
static int find_search(const struct pypin_rule *r, struct pypin_choice *ch,
	const struct pypin_verdict *v, const struct pypin_elf *e, const char *path,
	const struct pypin_probe *pr)
{
	char tag[PYPIN_TAG_MAX], soname[PYPIN_NAME_MAX];

	(void)path;
	if (e && (e->flags_1 & DF_1_NODEFLIB))
		return 0;
	if (!take(r, ch, PYPIN_HOW_LOAD, v->name, v->tag, 0))
		return 0;
	if (pr->build_default[0] &&
	    pr->identify(pr->build_default, tag, sizeof tag, soname, sizeof soname) == 0 &&
	    strcmp(soname, v->name) == 0 &&
	    strlen(pr->build_default) < sizeof ch->fallback &&
	    (!pr->secure || pr->trusted(pr->build_default))) {
		strcpy(ch->fallback, pr->build_default);
		ch->fallback_why = "the build-time default";
	}
	return 1;
}

/* A python executable: the libpython its installation runs with. */
static int offer_program(const struct pypin_rule *r, struct pypin_choice *ch,
	const struct pypin_verdict *v, const struct pypin_elf *e,
	const struct pypin_probe *pr, const char *program)
{
	const char *why = "not found";

	if (!program || !*program)
		return 0;
	if (pr->program_libpython(program, ch->buf2, sizeof ch->buf2, &why) != 0) {
		pass_over(r, ch, program, why);
		return 0;
	}
	return pypin_choose_offer(r, ch, v, e, pr, PYPIN_HOW_LOAD, ch->buf2);
}

static int find_pypin_python(const struct pypin_rule *r, struct pypin_choice *ch,
	const struct pypin_verdict *v, const struct pypin_elf *e, const char *path,
	const struct pypin_probe *pr)
{
	(void)path;
	return offer_program(r, ch, v, e, pr, pr->python);
}

/* A library that names the shim libpython3.so: the shim the loader would load
 * for it (wherever its search finds one, ld.so.cache included), and the
 * libpython3.X of the shim's own installation. */
static int find_shim(const struct pypin_rule *r, struct pypin_choice *ch,
	const struct pypin_verdict *v, const struct pypin_elf *e, const char *path,
	const struct pypin_probe *pr)
{
	if (v->need != PYPIN_NEED_VERSION || !pypin_tag_is_shim(v->tag) || !e ||
	    pr->found(e, path, v->name, ch->buf, sizeof ch->buf) != 0)
		return 0;
	if (pr->shim_target(ch->buf, ch->buf2, sizeof ch->buf2) != 0) {
		pass_over(r, ch, ch->buf, "names no libpython3.X that is found");
		return 0;
	}
	return pypin_choose_offer(r, ch, v, e, pr, PYPIN_HOW_LOAD, ch->buf2);
}

/* The program name finds on PATH; a pyenv shim that selects no installed
 * version is recorded, so that explain and the refusal name it. */
static int offer_on_path(const struct pypin_rule *r, struct pypin_choice *ch,
	const struct pypin_verdict *v, const struct pypin_elf *e,
	const struct pypin_probe *pr, const char *name)
{
	char *program = malloc(PATH_MAX);
	const char *why = "cannot be resolved";
	int rc = 0;

	if (program) {
		switch (pr->on_path(name, program, PATH_MAX, &why)) {
		case 0:
			rc = offer_program(r, ch, v, e, pr, program);
			break;
		case 1:
			pass_over(r, ch, program, why);
			break;
		}
	}
	free(program);
	return rc;
}

static int find_pyo3_python(const struct pypin_rule *r, struct pypin_choice *ch,
	const struct pypin_verdict *v, const struct pypin_elf *e, const char *path,
	const struct pypin_probe *pr)
{
	const char *python = pr->env("PYO3_PYTHON");

	(void)path;
	/* A name without '/' is searched for on PATH, as PyO3 does. */
	if (python && *python && !strchr(python, '/'))
		return offer_on_path(r, ch, v, e, pr, python);
	return offer_program(r, ch, v, e, pr, python);
}

/* An active environment's bin/python, as PyO3's build scripts take it: the
 * one of VIRTUAL_ENV and CONDA_PREFIX that is set (both set means neither). */
static int offer_env_dir(const struct pypin_rule *r, struct pypin_choice *ch,
	const struct pypin_verdict *v, const struct pypin_elf *e,
	const struct pypin_probe *pr, const char *var, const char *other)
{
	const char *dir = pr->env(var);
	char *program;
	int rc;

	if (!dir || !*dir || pr->env(other))
		return 0;
	if (!(program = malloc(PATH_MAX)))
		return 0;
	rc = (size_t)snprintf(program, PATH_MAX, "%s/bin/python", dir) < PATH_MAX &&
	     offer_program(r, ch, v, e, pr, program);
	free(program);
	return rc;
}

static int find_virtual_env(const struct pypin_rule *r, struct pypin_choice *ch,
	const struct pypin_verdict *v, const struct pypin_elf *e, const char *path,
	const struct pypin_probe *pr)
{
	(void)path;
	return offer_env_dir(r, ch, v, e, pr, "VIRTUAL_ENV", "CONDA_PREFIX");
}

static int find_conda_prefix(const struct pypin_rule *r, struct pypin_choice *ch,
	const struct pypin_verdict *v, const struct pypin_elf *e, const char *path,
	const struct pypin_probe *pr)
{
	(void)path;
	return offer_env_dir(r, ch, v, e, pr, "CONDA_PREFIX", "VIRTUAL_ENV");
}

static int find_python_on_path(const struct pypin_rule *r, struct pypin_choice *ch,
	const struct pypin_verdict *v, const struct pypin_elf *e, const char *path,
	const struct pypin_probe *pr)
{
	(void)path;
	return offer_on_path(r, ch, v, e, pr, "python");
}

static int find_python3_on_path(const struct pypin_rule *r, struct pypin_choice *ch,
	const struct pypin_verdict *v, const struct pypin_elf *e, const char *path,
	const struct pypin_probe *pr)
{
	(void)path;
	return offer_on_path(r, ch, v, e, pr, "python3");
}

static int find_default(const struct pypin_rule *r, struct pypin_choice *ch,
	const struct pypin_verdict *v, const struct pypin_elf *e, const char *path,
	const struct pypin_probe *pr)
{
	(void)path;
	return pypin_choose_offer(r, ch, v, e, pr, PYPIN_HOW_LOAD, pr->build_default);
}

struct newest_walk {
	const struct pypin_rule *r;
	struct pypin_choice *ch;
	const struct pypin_verdict *v;
	const struct pypin_elf *e;
	const struct pypin_probe *pr;
	int taken;
};

static int newest_cb(const char *path, void *ctx)
{
	struct newest_walk *w = ctx;

	w->taken = pypin_choose_offer(w->r, w->ch, w->v, w->e, w->pr, PYPIN_HOW_LOAD, path);
	return w->taken;
}

static int find_newest(const struct pypin_rule *r, struct pypin_choice *ch,
	const struct pypin_verdict *v, const struct pypin_elf *e, const char *path,
	const struct pypin_probe *pr)
{
	struct newest_walk w = { r, ch, v, e, pr, 0 };

	(void)path;
	pr->each_newest(newest_cb, &w);
	return w.taken;
}

#define SELF PYPIN_SERVES_SELF
#define VERSION PYPIN_SERVES_VERSION
#define ANY PYPIN_SERVES_ANY
#define ALL (SELF | VERSION | ANY)

/* The rules, in the order they are asked.  docs/ and tests/man.sh read the
 * names from here: one rule a line, its name the first string. */
const struct pypin_rule pypin_rules[] = {
	{ "already mapped", ALL, 1, find_mapped },
	{ "already in the process", ALL, 1, find_present },
	{ "the library opened", SELF, 1, find_self },
	{ "PYPIN_LIBPYTHON", VERSION | ANY, 0, find_env_libpython },
	{ "libpython in " PYPIN_CONFIG_FILE, VERSION | ANY, 1, find_file_libpython },
	{ "beside the library", VERSION, 1, find_beside },
	{ "the loader's search", VERSION, 1, find_search },
	{ "PYPIN_PYTHON", ANY, 0, find_pypin_python },
	{ "the library's libpython3.so", ANY, 0, find_shim },
	{ "PYO3_PYTHON", ANY, 0, find_pyo3_python },
	{ "VIRTUAL_ENV", ANY, 0, find_virtual_env },
	{ "CONDA_PREFIX", ANY, 0, find_conda_prefix },
	{ "python on PATH", ANY, 0, find_python_on_path },
	{ "python3 on PATH", ANY, 0, find_python3_on_path },
	{ "the build-time default", ANY, 1, find_default },
	{ "the newest found", ANY, 0, find_newest },
};

const unsigned pypin_nrules = sizeof pypin_rules / sizeof pypin_rules[0];

int pypin_choose(const struct pypin_verdict *v, const struct pypin_elf *e, const char *path,
	const struct pypin_probe *pr, struct pypin_choice *ch)
{
	unsigned serves = v->need == PYPIN_NEED_SELF ? SELF :
			  pypin_names_version(v) ? VERSION : ANY;

	memset(ch, 0, sizeof *ch);
	ch->major = pypin_names_version(v) ? v->tag[0] :
		    v->need == PYPIN_NEED_ANY && e ?
		    pr->plugin_major(e, ch->missing, sizeof ch->missing) : '3';
	for (unsigned i = 0; i < pypin_nrules; i++) {
		const struct pypin_rule *r = &pypin_rules[i];
		if (!(r->serves & serves) || (pr->secure && !r->secure))
			continue;
		if (r->find(r, ch, v, e, path, pr))
			return 0;
	}
	return -1;
}

/* --- the interpreter's home ----------------------------------------------- */

struct home {
	char lib[PATH_MAX], base[PATH_MAX], venv[PATH_MAX];
	char tag[PYPIN_TAG_MAX], soname[PYPIN_NAME_MAX];
};

/* The version of the installation program runs with, into h->tag; 0, or -1
 * when it cannot be told. */
static int program_version(const struct pypin_probe *pr, const char *program, struct home *h)
{
	const char *why;

	return pr->program_libpython(program, h->lib, sizeof h->lib, &why) == 0 &&
	       pr->identify(h->lib, h->tag, sizeof h->tag, h->soname, sizeof h->soname) == 0 ?
	       0 : -1;
}

int pypin_choose_home(const struct pypin_probe *pr, const char *real, const char *tag,
	char *out, size_t outsz, const char **why)
{
	struct home *h = calloc(1, sizeof *h);
	char v1[PYPIN_TAG_MAX], v2[PYPIN_TAG_MAX];
	const char *venv = NULL, *env, *shim_why;
	int rc = 0;

	if (!h)
		return 0;
	if (pr->python) {
		/* PYPIN_PYTHON, when it runs this version (or cannot be told). */
		if (program_version(pr, pr->python, h) != 0 ||
		    strcmp(pypin_tag_version(h->tag, v1), pypin_tag_version(tag, v2)) == 0) {
			*why = "PYPIN_PYTHON";
			venv = pr->python;
		} else {
			pypin_warn("PYPIN_PYTHON %s runs Python %s (%s), not Python %s, which is "
				   "pinned (%s): it is not used as the interpreter's home",
				   pr->python, v1, h->lib, v2, real);
		}
	} else {
		/* An active venv of the pinned installation: VIRTUAL_ENV, else the
		 * first python3 on PATH when it is a venv's. */
		if ((env = pr->env("VIRTUAL_ENV")) && *env &&
		    (size_t)snprintf(h->venv, sizeof h->venv, "%s/bin/python", env) < sizeof h->venv)
			*why = "VIRTUAL_ENV";
		else if (pr->on_path("python3", h->venv, sizeof h->venv, &shim_why) == 0)
			*why = "the venv first on PATH";
		else
			h->venv[0] = '\0';
		if (h->venv[0] && pr->venv_base(h->venv, h->base, sizeof h->base) == 0 &&
		    program_version(pr, h->venv, h) == 0 && pypin_same_file(h->lib, real))
			venv = h->venv;
	}
	if (venv && strlen(venv) < outsz) {
		strcpy(out, venv);
		rc = 1;
	} else if (pr->own_program(real, tag, out, outsz) == 0) {
		*why = "its installation";
		rc = 1;
	}
	free(h);
	return rc;
}

/* --- the real probes ---------------------------------------------------------- */

struct mapped {
	const char *want;          /* a tag to prefer, or NULL */
	struct pypin_candidate *c;
	char *tag;
	size_t tagsz;
	int found;
};

static int mapped_cb(struct dl_phdr_info *info, size_t size, void *ctx)
{
	struct mapped *m = ctx;
	const char *name = info->dlpi_name, *base;
	char tag[PYPIN_TAG_MAX];

	(void)size;
	if (!name || !*name)
		return 0;
	base = strrchr(name, '/');
	base = base ? base + 1 : name;
	if (!pypin_libpython_versioned(base, tag, sizeof tag))
		return 0;
	if (!m->found || (m->want && pypin_tag_compatible(tag, m->want))) {
		if (strlen(name) >= sizeof m->c->path || strlen(tag) >= m->tagsz)
			return 0;
		strcpy(m->c->path, name);
		strcpy(m->tag, tag);
		m->found = 1;
		return m->want && pypin_tag_compatible(tag, m->want);
	}
	return 0;
}

static int real_in_process(const char *want, struct pypin_candidate *c, char *tag,
	size_t tagsz)
{
	struct mapped m = { want, c, tag, tagsz, 0 };
	Dl_info info;

	dl_iterate_phdr(mapped_cb, &m);
	/* Python in the global scope: linked into the executable or another
	 * global object, or loaded RTLD_GLOBAL by the host. */
	void *sym = dlsym(RTLD_DEFAULT, "Py_IsInitialized");
	const char *(*get_version)(void) =
		(const char *(*)(void))dlsym(RTLD_DEFAULT, "Py_GetVersion");
	const char *where = sym && dladdr(sym, &info) && info.dli_fname && *info.dli_fname ?
		info.dli_fname : "the executable";
	if (m.found) {
		c->how = PYPIN_HOW_PROMOTE;
		c->global = sym && strcmp(where, c->path) == 0;
		return 0;
	}
	if (!sym || !get_version || pypin_version_tag(get_version(), tag, tagsz) != 0 ||
	    strlen(where) >= sizeof c->path)
		return -1;
	c->how = PYPIN_HOW_PRESENT;
	c->global = 1;
	strcpy(c->path, where);
	return 0;
}

static const char *real_env(const char *name)
{
	return secure_getenv(name);
}

struct python2 {
	char *sym;
	size_t symsz;
	int found;
};

/* Symbols only Python 2 has: a library that needs one is built for it. */
static int python2_symbol(const struct pypin_elf_sym *s, void *ctx)
{
	/* PyUnicodeUCS2_/UCS4_: Python 2's Unicode functions, renamed by its
	 * build's Unicode width (so were 3.0 to 3.2's; 3.3 dropped it). */
	static const char *const only2[] = { "PyString_", "PyInt_", "PyCObject_",
					     "Py_InitModule4", "PyClass_", "PyFile_AsFile",
					     "PyUnicodeUCS2_", "PyUnicodeUCS4_" };
	struct python2 *p = ctx;

	if (s->defined)
		return 0;
	for (unsigned i = 0; i < sizeof only2 / sizeof only2[0]; i++)
		if (strncmp(s->name, only2[i], strlen(only2[i])) == 0) {
			snprintf(p->sym, p->symsz, "%s", s->name);
			p->found = 1;
			return 1;
		}
	return 0;
}

static char real_plugin_major(const struct pypin_elf *plugin, char *sym, size_t symsz)
{
	struct python2 p = { sym, symsz, 0 };

	pypin_elf_each_python_undefined(plugin, python2_symbol, &p);
	return p.found ? '2' : '3';
}

static void real_each_newest(int (*fn)(const char *path, void *ctx), void *ctx)
{
	pypin_libpython_each_newest((const void *)real_each_newest, fn, ctx);
}

int pypin_choose_trusted(const char *path)
{
	const char *why;

	if (pypin_trusted(path, &why))
		return 1;
	pypin_debug("%s: %s; not trusted in secure-execution mode", path, why);
	return 0;
}

const struct pypin_probe pypin_probe_real = {
	.in_process = real_in_process,
	.env = real_env,
	.identify = pypin_libpython_identify,
	.missing = pypin_libpython_missing,
	.beside = pypin_ldpath_beside,
	.found = pypin_ldpath_found,
	.program_libpython = pypin_libpython_of_program,
	.shim_target = pypin_libpython_shim_target,
	.on_path = pypin_libpython_on_path,
	.each_newest = real_each_newest,
	.plugin_major = real_plugin_major,
	.venv_base = pypin_venv_base,
	.own_program = pypin_libpython_program,
	.trusted = pypin_choose_trusted,
	.build_default = PYPIN_DEFAULT_LIBPYTHON,
};

void pypin_probe_settings(struct pypin_probe *p)
{
	*p = pypin_probe_real;
	p->libpython = pypin_config.libpython;
	p->libpython_from_file = pypin_config.libpython_from_file;
	p->python = pypin_config.python;
	p->secure = pypin_config.secure;
}
